//! The HTTP edge: routes, extractors, pages. Handlers parse input, authorise the route, call
//! one service function and render; the rules live below.

pub mod account;
pub mod admin_articles;
pub mod admin_audit;
pub mod admin_mail;
pub mod admin_settings;
pub mod admin_users;
pub mod article_form;
pub mod assets;
pub mod dashboard;
pub mod diff;
pub mod error;
pub mod feeds;
pub mod forms;
pub mod headers;
pub mod login;
pub mod manage_articles;
pub mod pages;
pub mod public;
pub mod public_article;
pub mod public_cache;
pub mod review_queue;
pub mod revisions;
pub mod session;
pub mod setup;

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::Server;
use actix_web::middleware::{self, from_fn};
use actix_web::{App, HttpServer, web};

use crate::config::Config;
use crate::db::{DbConn, Pool};
use crate::services::sessions::Timeouts;
use crate::services::{ServiceError, ServiceResult};
use error::AppError;

/// Shared by every request.
#[derive(Clone)]
pub struct AppState {
    pub pool: Pool,
    pub config: Arc<Config>,
    pub public_cache: Arc<public_cache::PublicCache>,
    /// The database's identity, under which its public-content generation is counted.
    pub database: Arc<str>,
}

impl AppState {
    pub fn new(pool: Pool, config: Config) -> Self {
        // Asked of the database itself, so it matches what services compute when they bump
        // the generation. Unreachable now: fall back to the URL (pages are then re-rendered
        // every few seconds, which is all an unreachable database allows anyway).
        let database = pool
            .get_timeout(std::time::Duration::from_secs(2))
            .ok()
            .and_then(|mut conn| crate::db::identity(&mut conn).ok())
            .unwrap_or_else(|| config.database_url.redacted());
        Self {
            pool,
            config: Arc::new(config),
            public_cache: Arc::default(),
            database: database.into(),
        }
    }

    /// The generation of public content, for the page cache.
    pub fn public_generation(&self) -> u64 {
        crate::services::publishing::generation(&self.database)
    }

    /// Runs database work on a blocking thread with a pooled connection. diesel is
    /// synchronous; running it on the async workers would stall every other request.
    pub async fn db<T, F>(&self, work: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut DbConn) -> ServiceResult<T> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.pool.clone();
        let result = web::block(move || {
            let mut conn = pool.get()?;
            work(&mut conn)
        })
        .await?;
        Ok(result?)
    }

    /// Like `db`, but hands back the service's own error, for handlers that answer some
    /// errors with more than an error page.
    pub async fn run<T, F>(&self, work: F) -> ServiceResult<T>
    where
        F: FnOnce(&mut DbConn) -> ServiceResult<T> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.pool.clone();
        web::block(move || {
            let mut conn = pool.get()?;
            work(&mut conn)
        })
        .await
        .map_err(|e| ServiceError::Internal(format!("blocking task failed: {e}")))?
    }

    /// Like `db`, for use cases that manage their own connections (those that hash
    /// passwords between transactions).
    pub async fn with_pool<T, F>(&self, work: F) -> Result<T, AppError>
    where
        F: FnOnce(&Pool) -> ServiceResult<T> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.pool.clone();
        Ok(web::block(move || work(&pool)).await??)
    }

    pub fn timeouts(&self) -> Timeouts {
        Timeouts {
            idle: self.config.session_idle,
            absolute: self.config.session_absolute,
        }
    }
}

/// Every route of the application.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(public::home))
        .route("/articles/{slug}", web::get().to(public_article::show))
        .route(
            "/articles/{slug}/history",
            web::get().to(public_article::history),
        )
        .route("/editorial-policy", web::get().to(public::policy))
        .route("/feed.atom", web::get().to(feeds::feed))
        .route("/sitemap.xml", web::get().to(feeds::sitemap))
        .route("/healthz", web::get().to(public::healthz))
        .route("/assets/{name}", web::get().to(assets::serve))
        .route("/login", web::get().to(login::form))
        .route("/login", web::post().to(login::submit))
        .route("/logout", web::post().to(login::logout))
        .route("/password/forgot", web::get().to(account::forgot))
        .route("/password/forgot", web::post().to(account::request_reset))
        .route(
            "/account/notifications",
            web::get().to(account::notifications),
        )
        .route(
            "/account/notifications",
            web::post().to(account::save_notifications),
        )
        .route("/setup/{token}", web::get().to(setup::form))
        .route("/setup/{token}", web::post().to(setup::submit))
        .route("/dashboard", web::get().to(dashboard::show))
        .route("/review/queue", web::get().to(review_queue::show))
        .route("/manage/articles", web::get().to(manage_articles::list))
        .route("/manage/articles/new", web::get().to(manage_articles::new))
        .service(
            web::resource("/manage/articles")
                .app_data(web::PayloadConfig::new(forms::MAX_ARTICLE_FORM_BYTES))
                .route(web::post().to(manage_articles::create)),
        )
        .route(
            "/manage/articles/{id}",
            web::get().to(manage_articles::show),
        )
        .route(
            "/manage/articles/{id}/edit",
            web::get().to(manage_articles::edit),
        )
        .route(
            "/manage/articles/{id}/slug",
            web::post().to(manage_articles::change_slug),
        )
        .service(
            web::resource("/manage/articles/{id}/revisions")
                .app_data(web::PayloadConfig::new(forms::MAX_ARTICLE_FORM_BYTES))
                .route(web::post().to(manage_articles::save_revision)),
        )
        .route("/manage/revisions/{id}", web::get().to(revisions::show))
        .route("/manage/revisions/{id}/diff", web::get().to(diff::show))
        .route(
            "/manage/revisions/{id}/{action}",
            web::post().to(revisions::act),
        )
        .route(
            "/admin/articles/{id}/retract",
            web::post().to(admin_articles::retract),
        )
        .route("/admin/mail", web::get().to(admin_mail::list))
        .route("/admin/mail/{id}/retry", web::post().to(admin_mail::retry))
        .route("/admin/settings", web::get().to(admin_settings::show))
        .route("/admin/settings", web::post().to(admin_settings::save))
        .route("/admin/users", web::get().to(admin_users::list))
        .route("/admin/users", web::post().to(admin_users::invite))
        .route("/admin/users/{id}", web::get().to(admin_users::show))
        .route("/admin/users/{id}", web::post().to(admin_users::update))
        .route("/admin/audit", web::get().to(admin_audit::list))
        .route("/admin/audit.csv", web::get().to(admin_audit::export_csv))
        .route(
            "/admin/audit.jsonl",
            web::get().to(admin_audit::export_jsonl),
        );
}

/// Builds the server on an already bound listener (tests bind port 0).
pub fn server(state: AppState, listener: TcpListener, workers: usize) -> std::io::Result<Server> {
    let data = web::Data::new(state);
    let server = HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .app_data(web::PayloadConfig::new(forms::MAX_FORM_BYTES))
            .configure(routes)
            .default_service(web::to(public::not_found))
            .wrap(from_fn(session::apply_cookie))
            .wrap(from_fn(headers::limit_body))
            .wrap(headers::security())
            .wrap(
                middleware::Logger::new("%a \"%{request}xi\" %s %b %Dms")
                    .custom_request_replace("request", headers::loggable_request),
            )
    })
    .workers(workers.max(1))
    .listen(listener)?
    .run();
    Ok(server)
}
