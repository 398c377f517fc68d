//! Administration, for admins only: accounts (`users`, `user`), the audit log and its
//! exports, mail delivery, site settings, and retracting a published article.

pub mod audit;
pub mod audit_export;
pub mod checklist;
pub mod link_issued;
pub mod mail;
pub mod retract;
pub mod settings;
pub mod specialties;
pub mod user;
pub mod users;
pub mod webhooks;
