//! Pure rules: no actix, no diesel, no I/O. Everything here is decided from its arguments,
//! so it is unit-tested directly.

pub mod accounts;
pub mod audience;
pub mod audit;
pub mod bibliography;
pub mod checklist;
pub mod citations;
pub mod content;
pub mod conversation;
pub mod diff;
pub mod disclosures;
pub mod markdown;
pub mod merge;
pub mod problems;
pub mod review_dates;
pub mod roles;
pub mod sessions;
pub mod settings;
pub mod snippet;
pub mod specialties;
pub mod text;
pub mod throttle;
pub mod tokens;
pub mod webhooks;
pub mod workflow;
