//! Pure rules: no actix, no diesel, no I/O. Everything here is decided from its arguments,
//! so it is unit-tested directly.

pub mod accounts;
pub mod audit;
pub mod roles;
pub mod sessions;
pub mod throttle;
