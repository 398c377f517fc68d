//! The public site: the index and search (`home`), article pages, their history and
//! versions (`article`), what changed between published versions (`changes`), the
//! editorial policy, the feed and sitemap, assets and the health check.
//! Everything here is served without a session.

pub mod article;
pub mod assets;
pub mod board;
pub mod changes;
pub mod feeds;
pub mod health;
pub mod home;
pub mod policy;
