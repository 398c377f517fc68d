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
use std::sync::{Arc, PoisonError, RwLock};

use actix_web::dev::Server;
use actix_web::middleware::{self, from_fn};
use actix_web::{App, HttpServer, web};

use crate::config::Config;
use crate::db::Pool;
use crate::services::sessions::Timeouts;
use crate::services::{Ctx, Env, Failure, ServiceError, ServiceResult};
use error::AppError;

/// Shared by every request: the application's own resources, nothing process-wide.
#[derive(Clone)]
pub struct AppState {
    /// What use cases need: the pool, where effects go, links, the hashing gate.
    pub env: Env,
    pub config: Arc<Config>,
    pub public_cache: Arc<public_cache::PublicCache>,
    /// The site name last read from the settings, for pages rendered without a database
    /// round trip (error pages).
    site_name: Arc<RwLock<String>>,
}

impl AppState {
    pub fn new(pool: Pool, config: Config) -> Self {
        let env = Env::new(pool, &config.public_url);
        // Unreachable now: error pages say "Imprimatur" until the settings are read.
        let site_name = env
            .ctx(crate::services::settings::current)
            .map(|s| s.site_name)
            .unwrap_or_else(|_| "Imprimatur".to_owned());
        Self {
            env,
            config: Arc::new(config),
            public_cache: Arc::default(),
            site_name: Arc::new(RwLock::new(site_name)),
        }
    }

    pub fn pool(&self) -> &Pool {
        self.env.pool()
    }

    /// The generation of public content, for the page cache: bumped when a committed
    /// transaction changed what public pages show.
    pub fn public_generation(&self) -> u64 {
        self.env.signals().public_generation()
    }

    pub fn site_name(&self) -> String {
        self.site_name
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Remembers the site name read from the settings.
    pub fn remember_site_name(&self, name: &str) {
        let mut current = self
            .site_name
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        if *current != name {
            name.clone_into(&mut current);
        }
    }

    /// Runs a use case on a blocking thread with a pooled connection. diesel is
    /// synchronous; running it on the async workers would stall every other request.
    pub async fn db<T, F>(&self, work: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut Ctx<'_>) -> ServiceResult<T> + Send + 'static,
        T: Send + 'static,
    {
        Ok(self.run(work).await?)
    }

    /// Like `db`, but hands back the service's own error, for handlers that answer some
    /// errors with more than an error page.
    pub async fn run<T, F>(&self, work: F) -> ServiceResult<T>
    where
        F: FnOnce(&mut Ctx<'_>) -> ServiceResult<T> + Send + 'static,
        T: Send + 'static,
    {
        let env = self.env.clone();
        web::block(move || env.ctx(work))
            .await
            .map_err(|e| ServiceError::from(Failure::Task(Box::new(e))))?
    }

    /// Like `run`, for use cases that manage their own connections (those that hash
    /// passwords between transactions).
    pub async fn with_env<T, F>(&self, work: F) -> ServiceResult<T>
    where
        F: FnOnce(&Env) -> ServiceResult<T> + Send + 'static,
        T: Send + 'static,
    {
        let env = self.env.clone();
        web::block(move || work(&env))
            .await
            .map_err(|e| ServiceError::from(Failure::Task(Box::new(e))))?
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
            .wrap(from_fn(error::render_error_pages))
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
