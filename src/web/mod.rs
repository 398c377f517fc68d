//! The HTTP edge, in tiers that import only downward:
//!
//! - `assets`, `state`, `public_cache`: the compiled-in files and the application's state;
//! - `notice`, `render`: what every page shares (layout data, notices, pagers, rendering);
//! - `error`: the one error type, and which failures a form shows again;
//! - `extract`, `middleware`: who is asking and what they sent; headers and limits;
//! - `handlers`: one module per page or action, grouped by area;
//! - `routes`: the route table.
//!
//! Handlers parse input, call one use case and render; the rules live below.

pub mod assets;
pub mod diff_view;
pub mod error;
pub mod extract;
pub mod handlers;
pub mod middleware;
pub mod notice;
pub mod public_cache;
pub mod render;
pub mod routes;
pub mod state;

use std::net::TcpListener;

use actix_web::dev::Server;
use actix_web::middleware::{Logger, from_fn};
use actix_web::{App, HttpServer, web};

pub use state::AppState;

/// Builds the server on an already bound listener (tests bind port 0).
pub fn server(state: AppState, listener: TcpListener, workers: usize) -> std::io::Result<Server> {
    let https = state.config.secure_cookies();
    // Database work runs on each worker's blocking threads and holds a pooled connection,
    // so threads beyond the pool's size would only wait for one. actix's default (512
    // divided by the cores) let the server grow to dozens of threads under load, each
    // keeping its allocator cache.
    let blocking = usize::try_from(state.pool().max_size()).unwrap_or(8).max(2);
    let data = web::Data::new(state);
    let server = HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .app_data(web::PayloadConfig::new(extract::forms::MAX_FORM_BYTES))
            .configure(routes::routes)
            .default_service(web::to(handlers::not_found))
            .wrap(from_fn(middleware::refuse_tokens_outside_api))
            .wrap(from_fn(error::render_error_pages))
            .wrap(from_fn(extract::session::apply_cookie))
            .wrap(from_fn(middleware::limit_body))
            .wrap(middleware::security(https))
            .wrap(
                Logger::new("%a \"%{request}xi\" %s %b %Dms")
                    .custom_request_replace("request", middleware::loggable_request),
            )
    })
    .workers(workers.max(1))
    .worker_max_blocking_threads(blocking)
    .listen(listener)?
    .run();
    Ok(server)
}
