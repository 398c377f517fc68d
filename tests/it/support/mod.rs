//! Test harness: a real server on a loopback port over a real, isolated database (a fresh
//! SQLite file, or a fresh PostgreSQL database when `IMPRIMATUR_TEST_POSTGRES_URL` is set),
//! and a cookie-keeping HTTP client that behaves like a browser without JavaScript.

pub mod browser;
pub mod client;
pub mod fixtures;
pub mod forms;
pub mod smtp;

use std::net::TcpListener;
use std::sync::atomic::{AtomicU32, Ordering};

use diesel::prelude::*;
use imprimatur::config::{Config, DatabaseUrl};
use imprimatur::db::{self, Pool};
use imprimatur::domain::roles::{Role, RoleSet};
use imprimatur::ids::UserId;
use imprimatur::services::accounts::{self, InviteInput, SetPasswordInput};
use imprimatur::services::{Caller, Ctx, Env, ServiceResult};
use imprimatur::web::{self, AppState};

pub use client::{Client, Page};
pub use fixtures::{ArticleBuilder, Built, Person};

/// A password good enough for the policy, used by test accounts.
pub const PASSWORD: &str = "correct horse battery staple";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// When set (CI sets it), a test whose service is missing fails instead of skipping.
pub fn services_required() -> bool {
    std::env::var("IMPRIMATUR_TEST_REQUIRE_SERVICES").is_ok_and(|v| v == "1")
}

/// Says a test was skipped and why; fails instead when services are required.
pub fn skip(test: &str, why: &str) {
    assert!(
        !services_required(),
        "{test}: {why}, and IMPRIMATUR_TEST_REQUIRE_SERVICES=1 forbids skipping"
    );
    // Straight to stderr, past the test harness's capture, so the skip is seen.
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "SKIPPED {test}: {why}");
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// A database for one test, removed afterwards.
pub struct TestDatabase {
    pub url: DatabaseUrl,
    _dir: Option<tempfile::TempDir>,
    postgres_admin: Option<(String, String)>,
}

impl TestDatabase {
    /// A fresh database, or `None` (after saying so) when the backend is not available.
    pub fn create(backend: Backend, test: &str) -> Option<Self> {
        // The tests' HTTP clients share reqwest (and its TLS set-up) with the server.
        imprimatur::services::webhooks::install_tls_provider();
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().unwrap();
                Some(Self {
                    url: DatabaseUrl::Sqlite(dir.path().join("imprimatur.db")),
                    _dir: Some(dir),
                    postgres_admin: None,
                })
            }
            Backend::Postgres => {
                let Ok(admin_url) = std::env::var("IMPRIMATUR_TEST_POSTGRES_URL") else {
                    skip(test, "IMPRIMATUR_TEST_POSTGRES_URL is not set");
                    return None;
                };
                let name = format!(
                    "imprimatur_test_{}_{}",
                    std::process::id(),
                    COUNTER.fetch_add(1, Ordering::SeqCst)
                );
                let mut admin = PgConnection::establish(&admin_url)
                    .unwrap_or_else(|e| panic!("cannot reach {admin_url}: {e}"));
                diesel::sql_query(format!("DROP DATABASE IF EXISTS {name}"))
                    .execute(&mut admin)
                    .unwrap();
                diesel::sql_query(format!("CREATE DATABASE {name}"))
                    .execute(&mut admin)
                    .unwrap();
                Some(Self {
                    url: DatabaseUrl::Postgres(with_database(&admin_url, &name)),
                    _dir: None,
                    postgres_admin: Some((admin_url, name)),
                })
            }
        }
    }

    /// A migrated pool on this database.
    pub fn pool(&self) -> Pool {
        let pool = db::connect(&self.url, 8).unwrap();
        db::run_migrations(&mut pool.get().unwrap()).unwrap();
        pool
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Some((admin_url, name)) = &self.postgres_admin
            && let Ok(mut admin) = PgConnection::establish(admin_url)
        {
            let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(&mut admin);
        }
    }
}

/// Replaces the database name in a PostgreSQL URL.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, format!("?{query}")),
        None => (url, String::new()),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let authority_end = base[scheme_end..]
        .find('/')
        .map_or(base.len(), |i| scheme_end + i);
    format!("{}/{name}{query}", &base[..authority_end])
}

/// The application running on a loopback port.
pub struct TestApp {
    pub base_url: String,
    pub backend: Backend,
    pub pool: Pool,
    /// The running application's environment: use cases called through it reach the
    /// server's own page cache and mail worker, as if a request had made them.
    pub env: Env,
    pub database: TestDatabase,
    handle: actix_web::dev::ServerHandle,
    /// The data directory (mail files land in `mail/` under it when no SMTP is set).
    pub data_dir: tempfile::TempDir,
}

impl TestApp {
    /// Starts the app on a fresh database; `None` when the backend is unavailable.
    pub fn spawn(backend: Backend, test: &str) -> Option<Self> {
        Self::spawn_with(backend, test, |_| {})
    }

    /// Starts the app after `adjust` has changed its configuration.
    pub fn spawn_with(
        backend: Backend,
        test: &str,
        adjust: impl FnOnce(&mut Config),
    ) -> Option<Self> {
        let database = TestDatabase::create(backend, test)?;
        let pool = database.pool();
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let data_dir = tempfile::tempdir().unwrap();
        let mut config = Config::from_lookup(|_| None).unwrap();
        config.database_url = database.url.clone();
        config.bind = addr;
        config.public_url = format!("http://{addr}");
        config.data_dir = data_dir.path().to_owned();
        config.mail_retry_base = chrono::Duration::seconds(1);
        // Tests receive webhooks on this machine, and retry them quickly.
        config.webhooks_allow_loopback = true;
        config.webhook_retry_base = chrono::Duration::seconds(1);
        adjust(&mut config);
        let state = AppState::new(pool.clone(), config.clone());
        let env = state.env.clone();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                // The server's jobs (mail delivery, reminders, housekeeping) run beside it,
                // as in `imprimatur serve`.
                let mailer = imprimatur::mail::transport::Mailer::from_config(&config).unwrap();
                let courier = imprimatur::services::delivery::Courier::new(
                    state.env.clone(),
                    mailer,
                    imprimatur::services::delivery::Policy::from_config(&config),
                    "test",
                );
                let jobs = imprimatur::jobs::Jobs::start(
                    &state.env,
                    courier,
                    state.timeouts(),
                    config.mail_poll(),
                )
                .deliver_webhooks(imprimatur::services::webhooks::Dispatcher::new(
                    state.env.clone(),
                    imprimatur::services::webhooks::client().unwrap(),
                    imprimatur::services::webhooks::Policy::from_config(&config),
                    "test",
                ));
                let server = web::server(state, listener, 2).unwrap();
                tx.send(server.handle()).unwrap();
                let _ = server.await;
                jobs.stop().await;
            });
        });
        let handle = rx.recv().unwrap();
        Some(Self {
            base_url: format!("http://{addr}"),
            backend,
            env,
            pool,
            database,
            handle,
            data_dir,
        })
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// A new browser-like client with an empty cookie jar.
    pub fn client(&self) -> Client {
        Client::new(&self.base_url)
    }

    pub fn conn(&self) -> db::PooledConn {
        self.pool.get().unwrap()
    }

    /// Runs a use case directly, through the running application's environment.
    pub fn ctx<T>(&self, work: impl FnOnce(&mut Ctx<'_>) -> ServiceResult<T>) -> ServiceResult<T> {
        self.env.ctx(work)
    }

    /// Creates an active account with a password, the way an invitation would.
    pub fn create_user(&self, email: &str, name: &str, roles: &[Role]) -> UserId {
        let invite = InviteInput {
            email: email.into(),
            display_name: name.into(),
            credentials: String::new(),
            roles: roles.iter().copied().collect::<RoleSet>(),
        };
        let link = self
            .ctx(|ctx| accounts::invite(ctx, &Caller::system(), &invite))
            .unwrap();
        let input = SetPasswordInput {
            password: PASSWORD.into(),
            password_confirm: PASSWORD.into(),
            ..SetPasswordInput::default()
        };
        accounts::redeem_link(&self.env, &link.token, &input, "127.0.0.1").unwrap()
    }

    /// A client signed in as `email`.
    pub async fn signed_in(&self, email: &str) -> Client {
        let client = self.client();
        client.sign_in(email, PASSWORD).await;
        client
    }

    /// Audit actions in order, oldest first.
    pub fn audit_actions(&self) -> Vec<String> {
        use imprimatur::db::schema::audit_log;
        audit_log::table
            .select(audit_log::action)
            .order(audit_log::id.asc())
            .load(&mut self.conn())
            .unwrap()
    }

    pub fn count(&self, table: &str) -> i64 {
        #[derive(QueryableByName)]
        struct Count {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        diesel::sql_query(format!("SELECT COUNT(*) AS n FROM {table}"))
            .get_result::<Count>(&mut self.conn())
            .unwrap()
            .n
    }

    /// Runs SQL directly (to age rows, or to tamper with them as an attacker would).
    pub fn execute(&self, sql: &str) {
        let mut conn = self.conn();
        diesel::connection::SimpleConnection::batch_execute(&mut *conn, sql).unwrap();
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        futures::executor::block_on(self.handle.stop(false));
    }
}

/// A timestamp `minutes` ago, as SQL both backends accept.
pub fn minutes_ago(minutes: i64) -> String {
    let at = db::now() - chrono::Duration::minutes(minutes);
    format!("'{}'", at.format("%Y-%m-%d %H:%M:%S%.6f"))
}

/// Runs scenario functions on SQLite and on PostgreSQL (skipped with a message when
/// PostgreSQL is not configured):
///
/// - `on_both_backends!(a, b)`: `async fn a(app: TestApp)`, each on a fresh running app;
/// - `on_both_backends!(smtp: a, b)`: `async fn a(app: TestApp, smtp: SmtpServer)`, the app
///   sending its mail to a fresh aiosmtpd (skipped when there is none);
/// - `on_both_backends!(backend: a, b)`: `fn a(backend: Backend, test: &str)`, for scenarios
///   that set up their own database or processes;
/// - `on_both_backends!(async backend: a)`: the same, `async`.
///
/// The tests are `sqlite::a` and `postgres::a` (`on_sqlite::a` and `on_postgres::a` for the
/// backend forms, so a file can use both).
#[macro_export]
macro_rules! on_both_backends {
    (smtp: $($name:ident),+ $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let test = concat!("sqlite::", stringify!($name));
                    let backend = $crate::support::Backend::Sqlite;
                    if let Some((app, smtp)) = $crate::support::TestApp::spawn_with_smtp(backend, test) {
                        super::$name(app, smtp).await;
                    }
                }
            )+
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let test = concat!("postgres::", stringify!($name));
                    let backend = $crate::support::Backend::Postgres;
                    if let Some((app, smtp)) = $crate::support::TestApp::spawn_with_smtp(backend, test) {
                        super::$name(app, smtp).await;
                    }
                }
            )+
        }
    };
    (backend: $($name:ident),+ $(,)?) => {
        mod on_sqlite {
            $(
                #[test]
                fn $name() {
                    super::$name($crate::support::Backend::Sqlite, concat!("sqlite::", stringify!($name)));
                }
            )+
        }
        mod on_postgres {
            $(
                #[test]
                fn $name() {
                    super::$name($crate::support::Backend::Postgres, concat!("postgres::", stringify!($name)));
                }
            )+
        }
    };
    (async backend: $($name:ident),+ $(,)?) => {
        mod on_sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::support::Backend::Sqlite, concat!("sqlite::", stringify!($name))).await;
                }
            )+
        }
        mod on_postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::support::Backend::Postgres, concat!("postgres::", stringify!($name))).await;
                }
            )+
        }
    };
    ($($name:ident),+ $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let test = concat!("sqlite::", stringify!($name));
                    if let Some(app) = $crate::support::TestApp::spawn($crate::support::Backend::Sqlite, test) {
                        super::$name(app).await;
                    }
                }
            )+
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let test = concat!("postgres::", stringify!($name));
                    if let Some(app) = $crate::support::TestApp::spawn($crate::support::Backend::Postgres, test) {
                        super::$name(app).await;
                    }
                }
            )+
        }
    };
}
