//! Webhooks: admins register endpoints for workflow events; each event queues a delivery
//! per subscribed endpoint in the transaction that records it (so no event is delivered
//! that did not happen, and none that happened is lost); a worker sends them, signed, and
//! retries with backoff; the admin page shows each delivery with its last error.

use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::{Duration, NaiveDateTime};
use serde_json::{Value, json};

use super::audit::{self, Event};
use super::{Caller, Ctx, Env, Failure, Missing, Refusal, ServiceError, ServiceResult, secrets};
use crate::db::webhooks::{self, Claimed, DeliveryLine, NewDelivery, NewWebhook, Outcome, Webhook};
use crate::db::{self, Tx};
use crate::domain::audit::{AuditAction, TargetKind};
use crate::domain::problems::Problems;
use crate::domain::roles::Role;
use crate::domain::text;
use crate::domain::webhooks::{
    self as rules, MAX_ATTEMPTS, WebhookEvent, backoff, check_url, parse_stored, signature,
};
use crate::urls;

/// What the admin's form sends.
#[derive(Debug, Clone, Default)]
pub struct WebhookInput {
    pub url: String,
    /// Event names, one per ticked box.
    pub events: Vec<String>,
    /// Empty to have one generated.
    pub secret: String,
}

/// The shortest and longest secret an admin may choose.
pub const SECRET_MIN: usize = 24;
pub const SECRET_MAX: usize = 200;

/// Deliveries a page lists.
pub const LISTED: i64 = 50;

/// A webhook just registered, with its secret (shown this once).
#[derive(Debug, Clone)]
pub struct Created {
    pub id: i64,
    pub secret: String,
}

/// What an admin may register from a webhook form, checked.
fn check(
    input: &WebhookInput,
    allow_loopback: bool,
) -> ServiceResult<(String, Vec<WebhookEvent>, Option<String>)> {
    let mut problems = Problems::new();
    let url = match check_url(&input.url, allow_loopback) {
        Ok(url) => url.to_string(),
        Err(message) => {
            problems.push("url", message);
            String::new()
        }
    };
    let mut events = Vec::new();
    for name in &input.events {
        match WebhookEvent::parse(name.trim()) {
            Some(event) => events.push(event),
            None => problems.push(
                "events",
                format!("'{name}' is not an event a webhook can receive."),
            ),
        }
    }
    if events.is_empty() && !problems.concerns("events") {
        problems.push("events", "Tick at least one event.");
    }
    let secret = input.secret.trim();
    let secret = if secret.is_empty() {
        None
    } else if !(SECRET_MIN..=SECRET_MAX).contains(&secret.chars().count())
        || secret
            .chars()
            .any(|c| c.is_whitespace() || !text::allowed(c))
    {
        problems.push(
            "secret",
            format!("A secret is {SECRET_MIN} to {SECRET_MAX} characters without spaces; or leave it empty and one is made."),
        );
        None
    } else {
        Some(secret.to_owned())
    };
    problems
        .or_ok(|| (url, events, secret))
        .map_err(ServiceError::from)
}

/// Registers a webhook. Admins only; audited.
pub fn create(
    ctx: &mut Ctx<'_>,
    caller: &Caller,
    input: &WebhookInput,
    allow_loopback: bool,
) -> ServiceResult<Created> {
    caller.require(Role::Admin)?;
    let me = caller.me()?;
    let (url, events, secret) = check(input, allow_loopback)?;
    let secret = match secret {
        Some(secret) => secret,
        None => format!("whsec_{}", secrets::random_token()?),
    };
    let stored = rules::stored(&events);
    let id = ctx.write(|tx| {
        if webhooks::count(tx)? >= webhooks::MAX_WEBHOOKS {
            return Err(Problems::one(
                "url",
                format!(
                    "There are {} webhooks already, the most there may be.",
                    webhooks::MAX_WEBHOOKS
                ),
            )
            .into());
        }
        let id = webhooks::insert(
            tx,
            &NewWebhook {
                url: &url,
                secret: &secret,
                events: &stored,
                active: true,
                created_by: Some(me.0),
                created_at: db::now(),
            },
        )?;
        audit::record(
            tx,
            caller.actor(),
            Event::new(AuditAction::WebhookCreated)
                .details(json!({ "webhook_id": id, "url": url, "events": stored })),
        )?;
        Ok(id)
    })?;
    Ok(Created { id, secret })
}

/// Turns a webhook on or off. Admins only; audited. Deliveries of a webhook that is off
/// wait (they are not sent, nor given up) until it is on again.
pub fn set_active(ctx: &mut Ctx<'_>, caller: &Caller, id: i64, active: bool) -> ServiceResult<()> {
    caller.require(Role::Admin)?;
    ctx.write(|tx| {
        let hook = webhooks::find(tx, id)?.ok_or(Missing::Webhook)?;
        if !webhooks::set_active(tx, id, active)? {
            return Err(Refusal::WebhookAlready(hook.active).into());
        }
        let action = if active {
            AuditAction::WebhookEnabled
        } else {
            AuditAction::WebhookDisabled
        };
        audit::record(
            tx,
            caller.actor(),
            Event::new(action).details(json!({ "webhook_id": id, "url": hook.url })),
        )?;
        Ok(())
    })
}

/// Puts a given-up delivery back in the queue. Admins only; audited.
pub fn retry(ctx: &mut Ctx<'_>, caller: &Caller, delivery: i64) -> ServiceResult<()> {
    caller.require(Role::Admin)?;
    ctx.write(|tx| {
        let hook = webhooks::delivery_webhook(tx, delivery)?.ok_or(Missing::Delivery)?;
        if !webhooks::retry_failed(tx, delivery, db::now())? {
            return Err(Refusal::DeliveryNotFailed.into());
        }
        audit::record(
            tx,
            caller.actor(),
            Event::new(AuditAction::WebhookRetried)
                .details(json!({ "webhook_id": hook, "delivery_id": delivery })),
        )?;
        Ok(())
    })
}

/// A webhook as the admin page shows it (the secret is never shown again).
#[derive(Debug, Clone)]
pub struct WebhookView {
    pub hook: Webhook,
    pub events: Vec<WebhookEvent>,
}

/// The admin page: the webhooks and the newest deliveries.
#[derive(Debug, Clone)]
pub struct WebhooksPage {
    pub hooks: Vec<WebhookView>,
    pub deliveries: Vec<DeliveryLine>,
    /// Where the next page of deliveries starts, if there is one.
    pub older: Option<i64>,
}

pub fn page(
    ctx: &mut Ctx<'_>,
    caller: &Caller,
    before: Option<i64>,
) -> ServiceResult<WebhooksPage> {
    caller.require(Role::Admin)?;
    let conn = ctx.conn();
    let hooks = webhooks::all(conn, webhooks::MAX_WEBHOOKS)?
        .into_iter()
        .map(|hook| WebhookView {
            events: parse_stored(&hook.events),
            hook,
        })
        .collect();
    let mut deliveries = webhooks::recent(conn, before, LISTED + 1)?;
    let older = if deliveries.len() > usize::try_from(LISTED).unwrap_or(50) {
        deliveries.pop();
        deliveries.last().map(|d| d.id)
    } else {
        None
    };
    Ok(WebhooksPage {
        hooks,
        deliveries,
        older,
    })
}

/// The webhooks that may get a delivery of `events`, as (id, subscribed events); empty when
/// none of the events is one a webhook can subscribe to. Read before the audit chain is
/// extended: on PostgreSQL the chain's lock is held until commit, so this read stays
/// outside the section that writers acting at once queue for.
pub(super) fn subscribers(tx: &mut Tx<'_>, events: &[Event]) -> ServiceResult<Vec<(i64, String)>> {
    if !events.iter().any(|e| WebhookEvent::of(e.action).is_some()) {
        return Ok(Vec::new());
    }
    // Webhooks that are off get their deliveries too: they wait until it is on again.
    Ok(webhooks::subscriptions(tx)?)
}

/// Queues the deliveries of audited events, in their transaction: one per webhook in
/// `hooks` (from [`subscribers`]) subscribed to the event (one that is off holds them
/// until it is on). `rows` are the audit rows' ids (the event ids) and events.
/// Called by `audit`, the one place every path records these events.
pub(super) fn enqueue(
    tx: &mut Tx<'_>,
    hooks: &[(i64, String)],
    rows: &[(i64, &Event)],
    at: NaiveDateTime,
) -> ServiceResult<()> {
    if hooks.is_empty() {
        return Ok(());
    }
    let events: Vec<(i64, WebhookEvent, &Event)> = rows
        .iter()
        .filter_map(|(id, event)| WebhookEvent::of(event.action).map(|kind| (*id, kind, *event)))
        .collect();
    let mut prepared = Vec::new();
    for (audit_id, kind, event) in events {
        let event_id = format!("evt_{audit_id}");
        let payload = payload(&event_id, kind, event, at).to_string();
        for (hook, subscribed) in hooks {
            if parse_stored(subscribed).contains(&kind) {
                prepared.push((*hook, event_id.clone(), kind, payload.clone()));
            }
        }
    }
    let rows: Vec<NewDelivery<'_>> = prepared
        .iter()
        .map(|(hook, event_id, kind, payload)| NewDelivery {
            webhook_id: *hook,
            event_id,
            event: kind.as_str(),
            payload,
            created_at: at,
            next_attempt_at: at,
        })
        .collect();
    if !rows.is_empty() {
        webhooks::insert_deliveries(tx, &rows)?;
    }
    Ok(())
}

/// What a receiver gets: the event's id (for de-duplication), type and time, what it is
/// about, and the audit row's details. The OpenAPI document's `webhooks` describe it with
/// this type.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Payload {
    /// The event's id (`evt_` and its audit row's number): the same on every retry.
    pub id: String,
    /// The event: revision.submitted, revision.changes_requested, revision.approved,
    /// article.published, revision.rejected or article.retracted.
    #[serde(rename = "type")]
    pub kind: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub article_id: Option<i64>,
    pub revision_id: Option<i64>,
    /// What the audit log recorded with the event (the revision's number, its state
    /// before and after, a reviewer's comment, ...).
    #[schema(value_type = Object)]
    pub details: Value,
    pub links: PayloadLinks,
}

/// Where to read more in the API (addresses relative to the server).
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct PayloadLinks {
    pub revision: Option<String>,
    pub article: Option<String>,
}

fn payload(event_id: &str, kind: WebhookEvent, event: &Event, at: NaiveDateTime) -> Value {
    // A revision's events name it as their target; an article's name its revision (the
    // one published, say) in their details.
    let revision = match event.target {
        Some((TargetKind::Revision, id)) => Some(id),
        _ => event.details.get("revision").and_then(Value::as_i64),
    };
    let article = event.article.map(|a| a.0).or(match event.target {
        Some((TargetKind::Article, id)) => Some(id),
        _ => None,
    });
    let payload = Payload {
        id: event_id.to_owned(),
        kind: kind.as_str().to_owned(),
        created_at: at.and_utc(),
        article_id: article,
        revision_id: revision,
        details: event.details.clone(),
        links: PayloadLinks {
            revision: revision.map(|id| urls::api_revision(crate::ids::RevisionId(id))),
            article: article.map(|id| urls::api_article_revisions(crate::ids::ArticleId(id))),
        },
    };
    serde_json::to_value(payload).unwrap_or(Value::Null)
}

/// How the worker sends.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    pub allow_loopback: bool,
    pub retry_base: Duration,
    pub lease: Duration,
}

impl Policy {
    pub fn from_config(config: &crate::config::Config) -> Self {
        Policy {
            allow_loopback: config.webhooks_allow_loopback,
            retry_base: config.webhook_retry_base,
            lease: config.mail_lease,
        }
    }
}

/// Sends deliveries: claims due ones, posts each once, records what came of it.
#[derive(Clone)]
pub struct Dispatcher {
    env: Env,
    client: reqwest::Client,
    policy: Policy,
    worker: String,
}

impl std::fmt::Debug for Dispatcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dispatcher")
            .field("worker", &self.worker)
            .finish()
    }
}

/// How long a receiver has to answer.
pub const TIMEOUT: StdDuration = StdDuration::from_secs(10);

/// Makes ring (the provider lettre uses too) rustls's provider for this process: reqwest is
/// built without one, so any client the process builds needs it installed. Installing
/// twice is harmless.
pub fn install_tls_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// The HTTP client of deliveries: TLS through rustls with Mozilla's roots, a short timeout,
/// no redirects followed (a receiver that moved must be registered again).
pub fn client() -> ServiceResult<reqwest::Client> {
    install_tls_provider();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let roots = rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    let tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Failure::Setup(format!("webhook TLS: {e}")))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    reqwest::Client::builder()
        .use_preconfigured_tls(tls)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(TIMEOUT)
        .connect_timeout(StdDuration::from_secs(5))
        .user_agent(concat!("Imprimatur-Webhooks/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| Failure::Setup(format!("webhook client: {e}")).into())
}

impl Dispatcher {
    pub fn new(env: Env, client: reqwest::Client, policy: Policy, name: &str) -> Self {
        Self {
            env,
            client,
            policy,
            worker: format!("{name}-{}", std::process::id()),
        }
    }

    /// One pass: claims up to ten due deliveries and sends each. Returns how many were
    /// attempted.
    pub async fn pass(&self) -> ServiceResult<usize> {
        let env = self.env.clone();
        let worker = self.worker.clone();
        let lease = self.policy.lease;
        let claimed = tokio::task::spawn_blocking(move || {
            env.ctx(|ctx| {
                let now = db::now();
                // Most passes find nothing: they read, and take no write turn.
                if !webhooks::any_due(ctx.conn(), now)? {
                    return Ok(Vec::new());
                }
                ctx.write(|tx| Ok(webhooks::claim(tx, &worker, now, now + lease, 10)?))
            })
        })
        .await
        .map_err(|e| Failure::Task(Box::new(e)))??;
        let attempted = claimed.len();
        for delivery in claimed {
            let (status, error) = self.send(&delivery).await;
            self.record(delivery, status, error).await?;
        }
        Ok(attempted)
    }

    /// Posts one delivery: its status if it got an answer, and what was wrong, if anything.
    async fn send(&self, delivery: &Claimed) -> (Option<i32>, Option<String>) {
        if let Err(refused) = check_url(&delivery.url, self.policy.allow_loopback) {
            return (None, Some(format!("not sent: {refused}")));
        }
        let timestamp = db::now().and_utc().timestamp();
        let sent = self
            .client
            .post(&delivery.url)
            .header("content-type", "application/json")
            .header("imprimatur-event", &delivery.event)
            .header("imprimatur-delivery", &delivery.event_id)
            .header("imprimatur-timestamp", timestamp.to_string())
            .header(
                "imprimatur-signature",
                signature(&delivery.secret, timestamp, &delivery.payload),
            )
            .body(delivery.payload.clone())
            .send()
            .await;
        match sent {
            Ok(answer) => {
                let status = answer.status();
                let code = Some(i32::from(status.as_u16()));
                if status.is_success() {
                    (code, None)
                } else if status.is_redirection() {
                    (
                        code,
                        Some(format!("answered {status}: redirects are not followed")),
                    )
                } else {
                    (code, Some(format!("answered {status}")))
                }
            }
            Err(error) if error.is_timeout() => {
                (None, Some(format!("no answer in {} s", TIMEOUT.as_secs())))
            }
            Err(error) => (None, Some(format!("could not connect: {error}"))),
        }
    }

    async fn record(
        &self,
        delivery: Claimed,
        status: Option<i32>,
        error: Option<String>,
    ) -> ServiceResult<()> {
        let env = self.env.clone();
        let worker = self.worker.clone();
        let policy = self.policy;
        tokio::task::spawn_blocking(move || {
            env.ctx(|ctx| {
                let now = db::now();
                let outcome = match (&error, status) {
                    (None, Some(status)) => Outcome::Delivered { status },
                    (error, status) => {
                        let error = error.as_deref().unwrap_or("failed");
                        if delivery.attempts >= MAX_ATTEMPTS {
                            Outcome::GaveUp { status, error }
                        } else {
                            Outcome::Retry {
                                status,
                                error,
                                at: now + backoff(policy.retry_base.num_seconds(), delivery.attempts),
                            }
                        }
                    }
                };
                if let Some(error) = &error {
                    tracing::warn!(delivery = delivery.id, event = %delivery.event_id, %error, "webhook delivery failed");
                }
                ctx.write(|tx| Ok(webhooks::record(tx, delivery.id, &worker, now, outcome)?))
                    .map(drop)
            })
        })
        .await
        .map_err(|e| Failure::Task(Box::new(e)))?
    }
}
