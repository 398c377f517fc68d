//! Accounts: signing in and out, setting a password from a one-time link, asking for a
//! reset, and a person's own notification choices.

pub mod login;
pub mod notifications;
pub mod password;
pub mod setup;
