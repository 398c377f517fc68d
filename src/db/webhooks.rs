//! The `webhooks` and `webhook_deliveries` tables: registered endpoints and the outbox of
//! their deliveries (`services::webhooks`).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::{webhook_deliveries, webhooks};

/// The most webhooks there may be (so every event reaches all of them in one bounded read).
pub const MAX_WEBHOOKS: i64 = 100;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = webhooks)]
pub struct Webhook {
    pub id: i64,
    pub url: String,
    pub secret: String,
    pub events: String,
    pub active: bool,
    pub created_by: Option<i64>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = webhooks)]
pub struct NewWebhook<'a> {
    pub url: &'a str,
    pub secret: &'a str,
    pub events: &'a str,
    pub active: bool,
    pub created_by: Option<i64>,
    pub created_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConn, hook: &NewWebhook<'_>) -> QueryResult<i64> {
    diesel::insert_into(webhooks::table)
        .values(hook)
        .returning(webhooks::id)
        .get_result(conn)
}

pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<Webhook>> {
    webhooks::table
        .find(id)
        .select(Webhook::as_select())
        .first(conn)
        .optional()
}

/// Every webhook, newest first (an admin registers a handful; bounded all the same).
pub fn all(conn: &mut DbConn, limit: i64) -> QueryResult<Vec<Webhook>> {
    webhooks::table
        .select(Webhook::as_select())
        .order(webhooks::id.desc())
        .limit(limit)
        .load(conn)
}

/// How many webhooks there are.
pub fn count(conn: &mut DbConn) -> QueryResult<i64> {
    webhooks::table.count().get_result(conn)
}

/// Every webhook's subscription, as (id, subscribed events), on or off.
pub fn subscriptions(conn: &mut DbConn) -> QueryResult<Vec<(i64, String)>> {
    webhooks::table
        .select((webhooks::id, webhooks::events))
        .order(webhooks::id)
        .limit(MAX_WEBHOOKS)
        .load(conn)
}

/// Turns a webhook on or off; false when it already was.
pub fn set_active(conn: &mut DbConn, id: i64, active: bool) -> QueryResult<bool> {
    let changed = diesel::update(
        webhooks::table
            .find(id)
            .filter(webhooks::active.eq(!active)),
    )
    .set(webhooks::active.eq(active))
    .execute(conn)?;
    Ok(changed == 1)
}

#[derive(Debug, Insertable)]
#[diesel(table_name = webhook_deliveries)]
pub struct NewDelivery<'a> {
    pub webhook_id: i64,
    pub event_id: &'a str,
    pub event: &'a str,
    pub payload: &'a str,
    pub created_at: NaiveDateTime,
    pub next_attempt_at: NaiveDateTime,
}

/// One statement per delivery (an event has a few subscribed webhooks at most).
pub fn insert_deliveries(conn: &mut DbConn, rows: &[NewDelivery<'_>]) -> QueryResult<usize> {
    let mut written = 0;
    for row in rows {
        written += diesel::insert_into(webhook_deliveries::table)
            .values(row)
            .execute(conn)?;
    }
    Ok(written)
}

/// A delivery as the admin page lists it.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = webhook_deliveries)]
pub struct DeliveryLine {
    pub id: i64,
    pub webhook_id: i64,
    pub event_id: String,
    pub event: String,
    pub created_at: NaiveDateTime,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub delivered_at: Option<NaiveDateTime>,
    pub failed_at: Option<NaiveDateTime>,
    pub last_status: Option<i32>,
    pub last_error: Option<String>,
}

/// The newest deliveries, before `before` (an id) when paging.
pub fn recent(
    conn: &mut DbConn,
    before: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<DeliveryLine>> {
    let mut query = webhook_deliveries::table
        .select(DeliveryLine::as_select())
        .order(webhook_deliveries::id.desc())
        .limit(limit)
        .into_boxed();
    if let Some(before) = before {
        query = query.filter(webhook_deliveries::id.lt(before));
    }
    query.load(conn)
}

/// A claimed delivery, with what sending it needs.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub id: i64,
    pub event_id: String,
    pub event: String,
    pub payload: String,
    pub attempts: i32,
    pub url: String,
    pub secret: String,
}

/// Whether any delivery of a webhook that is on is due (a read, so an idle worker takes no
/// write turn).
pub fn any_due(conn: &mut DbConn, now: NaiveDateTime) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        webhook_deliveries::table
            .filter(webhook_deliveries::delivered_at.is_null())
            .filter(webhook_deliveries::failed_at.is_null())
            .filter(webhook_deliveries::next_attempt_at.le(now))
            .filter(
                webhook_deliveries::claimed_until
                    .is_null()
                    .or(webhook_deliveries::claimed_until.lt(now)),
            )
            .filter(
                webhook_deliveries::webhook_id.eq_any(
                    webhooks::table
                        .filter(webhooks::active.eq(true))
                        .select(webhooks::id),
                ),
            ),
    ))
    .get_result(conn)
}

/// Claims up to `limit` due deliveries of active webhooks for `worker` until `lease_until`,
/// inside the caller's write transaction (on PostgreSQL with `FOR UPDATE SKIP LOCKED`, so
/// two instances never claim the same one).
pub fn claim(
    conn: &mut DbConn,
    worker: &str,
    now: NaiveDateTime,
    lease_until: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<Claimed>> {
    let ids = super::outbox::due_ids(
        conn,
        "SELECT d.id FROM webhook_deliveries d WHERE d.delivered_at IS NULL \
         AND d.failed_at IS NULL AND d.next_attempt_at <= {now} \
         AND (d.claimed_until IS NULL OR d.claimed_until < {now}) \
         AND d.webhook_id IN (SELECT id FROM webhooks WHERE active) \
         ORDER BY d.next_attempt_at, d.id LIMIT {limit}",
        now,
        limit,
    )?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    diesel::update(webhook_deliveries::table.filter(webhook_deliveries::id.eq_any(&ids)))
        .set((
            webhook_deliveries::claimed_until.eq(lease_until),
            webhook_deliveries::claimed_by.eq(worker),
            webhook_deliveries::attempts.eq(webhook_deliveries::attempts + 1),
        ))
        .execute(conn)?;
    let rows: Vec<(i64, String, String, String, i32, String, String)> = webhook_deliveries::table
        .inner_join(webhooks::table)
        .filter(webhook_deliveries::id.eq_any(&ids))
        .select((
            webhook_deliveries::id,
            webhook_deliveries::event_id,
            webhook_deliveries::event,
            webhook_deliveries::payload,
            webhook_deliveries::attempts,
            webhooks::url,
            webhooks::secret,
        ))
        .order(webhook_deliveries::id)
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(id, event_id, event, payload, attempts, url, secret)| Claimed {
                id,
                event_id,
                event,
                payload,
                attempts,
                url,
                secret,
            },
        )
        .collect())
}

/// Records an attempt's outcome, if `worker` still holds the delivery: delivered, another
/// attempt at `retry_at`, or (neither) given up.
pub fn record(
    conn: &mut DbConn,
    id: i64,
    worker: &str,
    now: NaiveDateTime,
    outcome: Outcome<'_>,
) -> QueryResult<bool> {
    let held = webhook_deliveries::table
        .find(id)
        .filter(webhook_deliveries::claimed_by.eq(worker))
        .filter(webhook_deliveries::delivered_at.is_null())
        .filter(webhook_deliveries::failed_at.is_null());
    let changed = match outcome {
        Outcome::Delivered { status } => diesel::update(held)
            .set((
                webhook_deliveries::delivered_at.eq(now),
                webhook_deliveries::claimed_until.eq(None::<NaiveDateTime>),
                webhook_deliveries::last_status.eq(status),
                webhook_deliveries::last_error.eq(None::<String>),
            ))
            .execute(conn)?,
        Outcome::Retry { status, error, at } => diesel::update(held)
            .set((
                webhook_deliveries::next_attempt_at.eq(at),
                webhook_deliveries::claimed_until.eq(None::<NaiveDateTime>),
                webhook_deliveries::last_status.eq(status),
                webhook_deliveries::last_error.eq(error),
            ))
            .execute(conn)?,
        Outcome::GaveUp { status, error } => diesel::update(held)
            .set((
                webhook_deliveries::failed_at.eq(now),
                webhook_deliveries::claimed_until.eq(None::<NaiveDateTime>),
                webhook_deliveries::last_status.eq(status),
                webhook_deliveries::last_error.eq(error),
            ))
            .execute(conn)?,
    };
    Ok(changed == 1)
}

/// What an attempt came to.
#[derive(Debug, Clone, Copy)]
pub enum Outcome<'a> {
    Delivered {
        status: i32,
    },
    Retry {
        status: Option<i32>,
        error: &'a str,
        at: NaiveDateTime,
    },
    GaveUp {
        status: Option<i32>,
        error: &'a str,
    },
}

/// Puts a given-up delivery back in the queue (an admin asked); false if it was not
/// given up.
pub fn retry_failed(conn: &mut DbConn, id: i64, now: NaiveDateTime) -> QueryResult<bool> {
    let changed = diesel::update(
        webhook_deliveries::table
            .find(id)
            .filter(webhook_deliveries::failed_at.is_not_null()),
    )
    .set((
        webhook_deliveries::failed_at.eq(None::<NaiveDateTime>),
        webhook_deliveries::attempts.eq(0),
        webhook_deliveries::next_attempt_at.eq(now),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}

/// The webhook a delivery belongs to, if the delivery exists.
pub fn delivery_webhook(conn: &mut DbConn, id: i64) -> QueryResult<Option<i64>> {
    webhook_deliveries::table
        .find(id)
        .select(webhook_deliveries::webhook_id)
        .first(conn)
        .optional()
}
