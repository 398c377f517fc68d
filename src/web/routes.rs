//! The route table: every address of the application, the methods it answers and its
//! handler. The paths follow the route contract (DESIGN.md); links to them are built by
//! `crate::urls`.
//!
//! The table is data as well as configuration: [`TABLE`] lists every route, so the test
//! suite's bad-input run, authorization matrix and CSRF matrix cover a new route the moment
//! it is added here. A GET route also answers HEAD; a method a path does not answer gets 405
//! with an `Allow` header.

use actix_web::{HttpResponse, web};

use super::error::AppError;
use super::extract::forms::MAX_ARTICLE_FORM_BYTES;
use super::handlers::{accounts, admin, api, public, workspace};

/// One path of the application and the methods it answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Route {
    /// The pattern, with `{name}` segments.
    pub path: &'static str,
    /// "GET" (which also answers HEAD) and/or "POST".
    pub methods: &'static [&'static str],
}

impl Route {
    /// Whether the route changes state (and so needs a CSRF token).
    pub fn is_write(&self, method: &str) -> bool {
        method == "POST" && self.methods.contains(&"POST")
    }

    /// The `Allow` header: the methods, with HEAD beside GET.
    pub fn allow(&self) -> String {
        let mut allowed = Vec::new();
        for method in self.methods {
            allowed.push(*method);
            if *method == "GET" {
                allowed.push("HEAD");
            }
        }
        allowed.join(", ")
    }
}

/// The answer to a method a path does not answer.
fn not_allowed(
    route: Route,
) -> impl Fn() -> std::future::Ready<Result<HttpResponse, AppError>> + Clone {
    move || {
        std::future::ready(Err(AppError::MethodNotAllowed {
            allow: route.allow(),
        }))
    }
}

macro_rules! add_route {
    ($resource:expr, GET, $handler:path) => {
        $resource
            .route(web::get().to($handler))
            .route(web::head().to($handler))
    };
    ($resource:expr, POST, $handler:path) => {
        $resource.route(web::post().to($handler))
    };
}

macro_rules! routes {
    ($( $path:literal $([limit $limit:expr])? => { $( $method:ident $handler:path ),+ $(,)? } ),+ $(,)?) => {
        /// Every route of the application, in the order they are matched.
        pub const TABLE: &[Route] = &[
            $( Route { path: $path, methods: &[ $( stringify!($method) ),+ ] } ),+
        ];

        /// Registers every route of [`TABLE`].
        pub fn routes(cfg: &mut web::ServiceConfig) {
            $(
                let route = Route { path: $path, methods: &[ $( stringify!($method) ),+ ] };
                let resource = web::resource($path) $( .app_data(web::PayloadConfig::new($limit)) )?;
                $( let resource = add_route!(resource, $method, $handler); )+
                cfg.service(resource.default_service(web::to(not_allowed(route))));
            )+
        }
    };
}

routes! {
    "/" => { GET public::home::home },
    "/articles/{slug}" => { GET public::article::show },
    "/articles/{slug}/history" => { GET public::article::history },
    "/articles/{slug}/versions/{n}" => { GET public::article::version },
    "/articles/{slug}/versions/{n}/changes" => { GET public::changes::changes },
    "/editorial-policy" => { GET public::policy::policy },
    "/board" => { GET public::board::board },
    "/feed.atom" => { GET public::feeds::feed },
    "/sitemap.xml" => { GET public::feeds::sitemap },
    "/robots.txt" => { GET public::feeds::robots },
    "/healthz" => { GET public::health::healthz },
    "/assets/{name}" => { GET public::assets::serve },
    "/login" => { GET accounts::login::form, POST accounts::login::submit },
    "/logout" => { POST accounts::login::logout },
    "/password/forgot" => {
        GET accounts::password::forgot,
        POST accounts::password::request_reset,
    },
    "/account/password" => {
        GET accounts::own_password::show,
        POST accounts::own_password::change,
    },
    "/account/notifications" => {
        GET accounts::notifications::show,
        POST accounts::notifications::save,
    },
    "/account/tokens" => { GET accounts::tokens::show, POST accounts::tokens::create },
    "/account/board" => { GET accounts::board::show, POST accounts::board::save },
    "/account/tokens/{id}/revoke" => { POST accounts::tokens::revoke },
    "/setup/{token}" => { GET accounts::setup::form, POST accounts::setup::submit },
    "/dashboard" => { GET workspace::dashboard::show },
    "/review/queue" => { GET workspace::queue::show },
    "/manage/articles" [limit MAX_ARTICLE_FORM_BYTES] => {
        GET workspace::articles::list,
        POST workspace::writing::create,
    },
    "/manage/articles/new" => { GET workspace::writing::new },
    "/manage/drafts" => { GET workspace::articles::drafts },
    "/manage/articles/{id}" => { GET workspace::article::show },
    "/manage/articles/{id}/edit" => { GET workspace::writing::edit },
    "/manage/articles/{id}/slug" => { POST workspace::article::change_slug },
    "/manage/articles/{id}/recertify" => { POST workspace::article::recertify },
    "/manage/articles/{id}/revisions" [limit MAX_ARTICLE_FORM_BYTES] => {
        POST workspace::writing::save_revision,
    },
    "/manage/revisions/{id}" => { GET workspace::revision::show },
    "/manage/revisions/{id}/diff" => { GET workspace::diff::show },
    "/manage/revisions/{id}/{action}" => { POST workspace::revision::act },
    "/manage/comments/{id}/resolve" => { POST workspace::threads::resolve },
    "/manage/comments/{id}/reopen" => { POST workspace::threads::reopen },
    "/admin/articles/{id}/retract" => { POST admin::retract::retract },
    "/admin/mail" => { GET admin::mail::list },
    "/admin/mail/{id}/retry" => { POST admin::mail::retry },
    "/admin/webhooks" => { GET admin::webhooks::list, POST admin::webhooks::create },
    "/admin/webhooks/{id}/{op}" => { POST admin::webhooks::switch },
    "/admin/webhooks/deliveries/{id}/retry" => { POST admin::webhooks::retry },
    "/admin/settings" => { GET admin::settings::show, POST admin::settings::save },
    "/admin/specialties" => { GET admin::specialties::list, POST admin::specialties::add },
    "/admin/specialties/{id}/remove" => { POST admin::specialties::remove },
    "/admin/checklist" => { GET admin::checklist::list, POST admin::checklist::add },
    "/admin/checklist/{id}/retire" => { POST admin::checklist::retire },
    "/admin/users" => { GET admin::users::list, POST admin::users::invite },
    "/admin/users/{id}" => { GET admin::user::show, POST admin::user::update },
    "/admin/audit" => { GET admin::audit::list },
    "/admin/audit.csv" => { GET admin::audit_export::export_csv },
    "/admin/audit.jsonl" => { GET admin::audit_export::export_jsonl },
    "/api/openapi.json" => { GET api::openapi::serve },
    "/api/v1/articles" => { GET api::articles::list, POST api::writing::create },
    "/api/v1/articles/{slug}" => { GET api::articles::show },
    "/api/v1/articles/{id}/revisions" => { GET api::writing::revisions, POST api::writing::create_revision },
    "/api/v1/review-queue" => { GET api::queue::list },
    "/api/v1/revisions/{id}" => { GET api::revisions::show },
    "/api/v1/revisions/{id}/{action}" => { POST api::actions::act },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn get_routes_also_allow_head_and_every_path_is_listed_once() {
        let login = TABLE.iter().find(|r| r.path == "/login").unwrap();
        assert_eq!(login.allow(), "GET, HEAD, POST");
        assert!(login.is_write("POST") && !login.is_write("GET"));
        let mut paths: Vec<&str> = TABLE.iter().map(|r| r.path).collect();
        paths.sort_unstable();
        paths.dedup();
        assert_eq!(paths.len(), TABLE.len());
    }
}
