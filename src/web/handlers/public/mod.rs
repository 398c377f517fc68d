//! The public site: the index and search (`home`), article pages and their history
//! (`article`), the editorial policy, the feed and sitemap, assets and the health check.
//! Everything here is served without a session.

pub mod article;
pub mod assets;
pub mod board;
pub mod feeds;
pub mod health;
pub mod home;
pub mod policy;
