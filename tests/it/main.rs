//! Integration tests: HTTP against the real server over real databases, the command line,
//! and a real headless browser. One test binary, so the crate links once.
#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail loudly"
)]

mod support;

mod accessibility;
mod accounts;
mod admin_users;
mod api;
mod api_tokens;
mod api_writes;
mod attack;
mod audiences;
mod audit;
mod boundary;
mod browser;
mod cli;
mod diff_browser;
mod diffs;
mod hardening;
mod layout_browser;
mod mail;
mod mail_delivery;
mod public_browser;
mod public_props;
mod public_site;
mod review_rounds;
mod sessions;
mod shell;
mod sign_off;
mod storage;
mod throttling;
mod webhooks;
mod workflow;
mod workflow_browser;
mod workflow_concurrency;
mod workflow_pages;
mod workflow_props;
