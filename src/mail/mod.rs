//! Email as messages and transports, nothing else: what each notification says
//! (`messages`, askama templates) and how a message leaves (`transport`, lettre over SMTP or
//! into `.eml` files). Queuing, delivery and retries are use cases (`services::notify`,
//! `services::delivery`); this module knows nothing of the database.

pub mod messages;
pub mod transport;
