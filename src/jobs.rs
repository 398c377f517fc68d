//! The server's own work, each a loop that calls one use case: delivering mail (woken as soon
//! as a committed transaction queued some, and every few seconds for retries and for
//! messages other instances queued), webhook deliveries (every two seconds when idle),
//! review-date reminders (at start, then hourly) and housekeeping (every 15 minutes).

use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::db;
use crate::services::delivery::{Courier, Pass};
use crate::services::sessions::Timeouts;
use crate::services::webhooks::Dispatcher;
use crate::services::{Env, Failure, ServiceResult, housekeeping, notify};

const REMINDERS_EVERY: Duration = Duration::from_secs(3600);
const HOUSEKEEPING_EVERY: Duration = Duration::from_secs(15 * 60);
const CHECKPOINT_EVERY: Duration = Duration::from_millis(100);

/// The running loops.
pub struct Jobs {
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl Jobs {
    /// Starts every loop on the current runtime.
    pub fn start(env: &Env, courier: Courier, timeouts: Timeouts, poll: Duration) -> Self {
        let (stop, stopped) = watch::channel(false);
        let tasks = vec![
            tokio::spawn(deliver(env.clone(), courier, poll, stopped.clone())),
            tokio::spawn(every(
                REMINDERS_EVERY,
                stopped.clone(),
                env.clone(),
                "review reminders",
                |ctx| {
                    notify::review_reminders(ctx, db::now())?;
                    notify::assignment_reminders(ctx, db::now()).map(|_| ())
                },
            )),
            tokio::spawn(checkpoints(env.clone(), stopped.clone())),
            tokio::spawn(every(
                HOUSEKEEPING_EVERY,
                stopped,
                env.clone(),
                "housekeeping",
                move |ctx| housekeeping::purge(ctx, timeouts).map(|_| ()),
            )),
        ];
        Self { stop, tasks }
    }

    /// Adds the webhook delivery loop.
    pub fn deliver_webhooks(mut self, dispatcher: Dispatcher) -> Self {
        let stopped = self.stop.subscribe();
        self.tasks.push(tokio::spawn(dispatch(dispatcher, stopped)));
        self
    }

    /// Stops every loop: mail delivery finishes the message in hand and hands back the rest.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        for task in self.tasks {
            let _ = task.await;
        }
    }
}

/// Only the delivery loop, for tests that run several couriers on one database.
pub fn deliver_only(env: &Env, courier: Courier, poll: Duration) -> Jobs {
    let (stop, stopped) = watch::channel(false);
    let tasks = vec![tokio::spawn(deliver(env.clone(), courier, poll, stopped))];
    Jobs { stop, tasks }
}

/// A pass whenever mail is queued in this application, at least every `poll`.
async fn deliver(env: Env, courier: Courier, poll: Duration, mut stop: watch::Receiver<bool>) {
    tracing::info!(worker = %courier.id(), transport = %courier.mailer().describe(), "mail delivery started");
    loop {
        match courier.pass(&stop).await {
            Ok(pass) if pass != Pass::default() => tracing::info!(?pass, "mail pass"),
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "mail pass failed"),
        }
        if *stop.borrow() {
            break;
        }
        tokio::select! {
            () = env.signals().mail_queued() => {}
            () = tokio::time::sleep(poll) => {}
            _ = stop.changed() => {}
        }
        if *stop.borrow() {
            break;
        }
    }
    tracing::info!(worker = %courier.id(), "mail delivery stopped");
}

/// How often the webhook loop looks for due deliveries when the last pass found none:
/// longer than `db::ALIVE_BYPASS`, so the connection it uses is tested before the pool
/// hands it out again after a pause (a connection the database closed is then replaced,
/// not handed to a page).
const WEBHOOKS_EVERY: Duration = Duration::from_secs(2);

/// Sends due webhook deliveries, pass after pass, until `stop`.
async fn dispatch(dispatcher: Dispatcher, mut stop: watch::Receiver<bool>) {
    tracing::info!(?dispatcher, "webhook delivery started");
    loop {
        let busy = match dispatcher.pass().await {
            Ok(attempted) => attempted > 0,
            Err(error) => {
                tracing::warn!(%error, "webhook pass failed");
                false
            }
        };
        if *stop.borrow() {
            break;
        }
        if !busy {
            tokio::select! {
                () = tokio::time::sleep(WEBHOOKS_EVERY) => {}
                _ = stop.changed() => {}
            }
        }
        if *stop.borrow() {
            break;
        }
    }
}

/// The checkpoint job, on SQLite only. (On PostgreSQL it would only take a connection from
/// the pool every tenth of a second for nothing, and keep that connection looking
/// recently used, so it would be handed out untested after the database closed it.)
async fn checkpoints(env: Env, stop: watch::Receiver<bool>) {
    let probe = env.clone();
    let sqlite = tokio::task::spawn_blocking(move || {
        probe.ctx(|ctx| Ok(matches!(ctx.conn(), db::DbConn::Sqlite(_))))
    })
    .await;
    match sqlite {
        Ok(Ok(true)) => every(CHECKPOINT_EVERY, stop, env, "checkpoint", checkpoint).await,
        Ok(Ok(false)) => {}
        Ok(Err(error)) => tracing::warn!(%error, "checkpoint job not started"),
        Err(error) => tracing::warn!(%error, "checkpoint job not started"),
    }
}

/// Keeps SQLite's write-ahead log short: copies it into the database, and when it has
/// grown long, starts it again (see `db::restart_log`).
fn checkpoint(ctx: &mut crate::services::Ctx<'_>) -> ServiceResult<()> {
    let copied = db::checkpoint(ctx.conn())?;
    if copied.is_some_and(|c| c.log >= db::CHECKPOINT_RESTART_PAGES) {
        // What writers added while that copy ran is copied too, still outside the write
        // turn: the restart, which holds the turn, then finds almost nothing left to copy.
        db::checkpoint(ctx.conn())?;
        ctx.exclusive(|conn| Ok(db::restart_log(conn)?))?;
    }
    Ok(())
}

/// Runs `work` on a blocking thread now and then every `period`, until `stop`.
async fn every(
    period: Duration,
    mut stop: watch::Receiver<bool>,
    env: Env,
    name: &'static str,
    work: impl Fn(&mut crate::services::Ctx<'_>) -> ServiceResult<()> + Send + Sync + Copy + 'static,
) {
    loop {
        let env = env.clone();
        let outcome = tokio::task::spawn_blocking(move || env.ctx(work))
            .await
            .map_err(|e| Failure::Task(Box::new(e)).into())
            .and_then(|result: ServiceResult<()>| result);
        if let Err(error) = outcome {
            tracing::warn!(%error, job = name, "job failed");
        }
        tokio::select! {
            () = tokio::time::sleep(period) => {}
            _ = stop.changed() => {}
        }
        if *stop.borrow() {
            break;
        }
    }
}
