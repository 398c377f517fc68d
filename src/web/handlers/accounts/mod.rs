//! Accounts: signing in and out, setting a password from a one-time link, asking for a
//! reset, a person's own notification choices and API tokens.

pub mod board;
pub mod login;
pub mod notifications;
pub mod own_password;
pub mod password;
pub mod setup;
pub mod tokens;
