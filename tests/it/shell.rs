//! The web shell: security headers, error pages, body limits, assets, health.

use imprimatur::config::DatabaseUrl;
use imprimatur::db::ConnectionManager;
use imprimatur::domain::roles::Role;

use crate::on_both_backends;
use crate::support::{Backend, Page, TestApp};

on_both_backends!(
    healthz_answers_200_when_the_database_answers,
    oversized_bodies_get_413_and_change_nothing
);

#[track_caller]
fn assert_security_headers(page: &Page) {
    let csp = page
        .header("content-security-policy")
        .expect("a CSP header");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(csp.contains("default-src 'none'"), "{csp}");
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert_eq!(page.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(page.header("referrer-policy"), Some("same-origin"));
    assert_eq!(page.header("x-frame-options"), Some("DENY"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_response_carries_the_security_headers() {
    let app = TestApp::spawn(Backend::Sqlite, "security headers").unwrap();
    app.create_user("ed@example.org", "Ed", &[Role::Editor]);
    let client = app.client();
    let home = client.get("/").await;
    home.assert_status(200);
    assert_security_headers(&home);
    let login = client.get("/login").await;
    assert_security_headers(&login);
    assert_eq!(login.header("cache-control"), Some("no-store"));
    let missing = client.get("/no/such/page").await;
    missing.assert_status(404).assert_contains("Not found");
    assert_security_headers(&missing);
    let redirect = client.get("/dashboard").await;
    assert_security_headers(&redirect);
    let asset = client.get("/assets/style.css").await;
    assert_security_headers(&asset);
    let ed = app.signed_in("ed@example.org").await;
    let forbidden = ed.get("/admin/users").await;
    forbidden.assert_status(403);
    assert_security_headers(&forbidden);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_use_no_inline_scripts_or_styles() {
    let app = TestApp::spawn(Backend::Sqlite, "no inline").unwrap();
    let client = app.client();
    for path in ["/", "/login", "/nowhere"] {
        let page = client.get(path).await;
        assert!(!page.body.contains("<script"), "{path}");
        assert!(!page.body.contains("style="), "{path}");
        assert!(!page.body.contains("<style"), "{path}");
        // Everything comes from this origin.
        assert!(
            !page.body.contains("http://") && !page.body.contains("https://"),
            "{path}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn assets_are_served_with_long_lived_cache_headers() {
    let app = TestApp::spawn(Backend::Sqlite, "assets").unwrap();
    let client = app.client();
    let home = client.get("/").await;
    let href = home
        .body
        .split("href=\"")
        .filter_map(|s| s.split('"').next())
        .find(|h| h.starts_with("/assets/style.css?v="))
        .expect("a versioned stylesheet link")
        .to_owned();
    let css = client.get(&href).await;
    css.assert_status(200);
    assert_eq!(css.header("content-type"), Some("text/css; charset=utf-8"));
    assert_eq!(
        css.header("cache-control"),
        Some("public, max-age=31536000, immutable")
    );
    let etag = css.header("etag").unwrap().to_owned();
    let revalidated = client
        .http()
        .get(app.url("/assets/style.css"))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(revalidated.status().as_u16(), 304);
    client.get("/assets/../Cargo.toml").await.assert_status(404);
    client.get("/assets/nothing.js").await.assert_status(404);
}

async fn healthz_answers_200_when_the_database_answers(app: TestApp) {
    let page = app.client().get("/healthz").await;
    page.assert_status(200);
    assert_eq!(page.body, "ok\n");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthz_answers_503_when_the_database_is_unreachable() {
    // A pool whose database refuses connections, built without checking it first.
    let manager =
        ConnectionManager::new(DatabaseUrl::Postgres("postgres://127.0.0.1:1/none".into()));
    let pool = diesel::r2d2::Pool::builder()
        .min_idle(Some(0))
        .connection_timeout(std::time::Duration::from_secs(1))
        .build_unchecked(manager);
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let config = imprimatur::config::Config::from_lookup(|_| None).unwrap();
    let state = imprimatur::web::AppState::new(pool, config);
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let _ = imprimatur::web::server(state, listener, 1).unwrap().await;
        });
    });
    let client = crate::support::Client::new(&format!("http://{addr}"));
    let page = client.get("/healthz").await;
    page.assert_status(503);
    // Pages that need the database say so clearly instead of failing with a 500.
    let login = client.get("/login").await;
    login
        .assert_status(503)
        .assert_contains("Temporarily unavailable");
}

async fn oversized_bodies_get_413_and_change_nothing(app: TestApp) {
    app.create_user("admin@example.org", "Admin", &[Role::Admin]);
    let admin = app.signed_in("admin@example.org").await;
    admin.get("/admin/users").await;
    let huge = "x".repeat(1024 * 1024);
    let page = admin
        .submit(
            "/admin/users",
            &[
                ("email", "big@example.org"),
                ("name", &huge),
                ("roles", "editor"),
            ],
        )
        .await;
    page.assert_status(413)
        .assert_contains("larger than this server accepts");
    assert_security_headers(&page);

    // The same without a declared length (chunked) is cut off while reading.
    let token = admin.last_csrf().unwrap();
    let body = format!("csrf_token={token}&email=big%40example.org&roles=editor&name={huge}");
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> = body
        .into_bytes()
        .chunks(16 * 1024)
        .map(|c| Ok(c.to_vec()))
        .collect();
    let response = admin
        .http()
        .post(app.url("/admin/users"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(reqwest::Body::wrap_stream(futures::stream::iter(chunks)))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 413);
    assert_eq!(app.count("users"), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_forms_get_a_400_page() {
    let app = TestApp::spawn(Backend::Sqlite, "malformed forms").unwrap();
    app.create_user("admin@example.org", "Admin", &[Role::Admin]);
    let admin = app.signed_in("admin@example.org").await;
    admin.get("/admin/users").await;
    let token = admin.last_csrf().unwrap();
    let response = admin
        .http()
        .post(app.url("/admin/users"))
        .header("content-type", "application/json")
        .body(format!("{{\"csrf_token\":\"{token}\"}}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 400);
    let page = admin
        .post(
            "/admin/users",
            &[
                ("csrf_token", &token),
                ("roles", "editor"),
                ("email", "%%%"),
            ],
        )
        .await;
    page.assert_status(400);
    assert_eq!(app.count("users"), 1);
}
