//! Imprimatur: an editorial review workflow server for medical articles.
//!
//! Data flows one way: `web` (parse the request, authorise the route) → `services` (load,
//! ask `domain`, write in one transaction) → `db`. `domain` is pure.
#![forbid(unsafe_code)]

pub mod config;
pub mod db;
pub mod demo;
pub mod domain;
pub mod filters;
pub mod ids;
pub mod jobs;
pub mod mail;
pub mod services;
pub mod urls;
pub mod web;
