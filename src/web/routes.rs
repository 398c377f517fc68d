//! The route table: every address of the application and its handler. The paths follow the
//! route contract (DESIGN.md); links to them are built by `crate::urls`.

use actix_web::web;

use super::extract::forms::MAX_ARTICLE_FORM_BYTES;
use super::handlers::{accounts, admin, public, workspace};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(public::home::home))
        .route("/articles/{slug}", web::get().to(public::article::show))
        .route(
            "/articles/{slug}/history",
            web::get().to(public::article::history),
        )
        .route("/editorial-policy", web::get().to(public::policy::policy))
        .route("/feed.atom", web::get().to(public::feeds::feed))
        .route("/sitemap.xml", web::get().to(public::feeds::sitemap))
        .route("/healthz", web::get().to(public::health::healthz))
        .route("/assets/{name}", web::get().to(public::assets::serve))
        .route("/login", web::get().to(accounts::login::form))
        .route("/login", web::post().to(accounts::login::submit))
        .route("/logout", web::post().to(accounts::login::logout))
        .route(
            "/password/forgot",
            web::get().to(accounts::password::forgot),
        )
        .route(
            "/password/forgot",
            web::post().to(accounts::password::request_reset),
        )
        .route(
            "/account/notifications",
            web::get().to(accounts::notifications::show),
        )
        .route(
            "/account/notifications",
            web::post().to(accounts::notifications::save),
        )
        .route("/setup/{token}", web::get().to(accounts::setup::form))
        .route("/setup/{token}", web::post().to(accounts::setup::submit))
        .route("/dashboard", web::get().to(workspace::dashboard::show))
        .route("/review/queue", web::get().to(workspace::queue::show))
        .route("/manage/articles", web::get().to(workspace::articles::list))
        .route(
            "/manage/articles/new",
            web::get().to(workspace::writing::new),
        )
        .service(
            web::resource("/manage/articles")
                .app_data(web::PayloadConfig::new(MAX_ARTICLE_FORM_BYTES))
                .route(web::post().to(workspace::writing::create)),
        )
        .route(
            "/manage/articles/{id}",
            web::get().to(workspace::article::show),
        )
        .route(
            "/manage/articles/{id}/edit",
            web::get().to(workspace::writing::edit),
        )
        .route(
            "/manage/articles/{id}/slug",
            web::post().to(workspace::article::change_slug),
        )
        .service(
            web::resource("/manage/articles/{id}/revisions")
                .app_data(web::PayloadConfig::new(MAX_ARTICLE_FORM_BYTES))
                .route(web::post().to(workspace::writing::save_revision)),
        )
        .route(
            "/manage/revisions/{id}",
            web::get().to(workspace::revision::show),
        )
        .route(
            "/manage/revisions/{id}/diff",
            web::get().to(workspace::diff::show),
        )
        .route(
            "/manage/revisions/{id}/{action}",
            web::post().to(workspace::revision::act),
        )
        .route(
            "/admin/articles/{id}/retract",
            web::post().to(admin::retract::retract),
        )
        .route("/admin/mail", web::get().to(admin::mail::list))
        .route("/admin/mail/{id}/retry", web::post().to(admin::mail::retry))
        .route("/admin/settings", web::get().to(admin::settings::show))
        .route("/admin/settings", web::post().to(admin::settings::save))
        .route("/admin/users", web::get().to(admin::users::list))
        .route("/admin/users", web::post().to(admin::users::invite))
        .route("/admin/users/{id}", web::get().to(admin::user::show))
        .route("/admin/users/{id}", web::post().to(admin::user::update))
        .route("/admin/audit", web::get().to(admin::audit::list))
        .route(
            "/admin/audit.csv",
            web::get().to(admin::audit_export::export_csv),
        )
        .route(
            "/admin/audit.jsonl",
            web::get().to(admin::audit_export::export_jsonl),
        );
}
