//! The application state every request shares: its own resources, nothing process-wide.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::{Duration, Instant};

use actix_web::web;

use super::public_cache::PublicCache;
use crate::config::Config;
use crate::db::Pool;
use crate::domain::tokens::{self, Window};
use crate::ids::ApiTokenId;
use crate::services::sessions::Timeouts;
use crate::services::{Ctx, Env, Failure, ServiceError, ServiceResult};

/// Shared by every request: the application's own resources, nothing process-wide.
#[derive(Clone)]
pub struct AppState {
    /// What use cases need: the pool, where effects go, links, the hashing gate.
    pub env: Env,
    pub config: Arc<Config>,
    pub public_cache: Arc<PublicCache>,
    /// Each API token's requests in the current minute (this instance's).
    api_windows: Arc<Mutex<HashMap<ApiTokenId, Window>>>,
    /// The site name last read from the settings, for pages rendered without a database
    /// round trip (error pages), and for a second after it was read for every page.
    site_name: Arc<RwLock<SiteName>>,
}

/// How long a page may show the site name as read, without reading the settings again.
/// A change made on this instance shows at once (it bumps the settings generation); one
/// made on another instance sharing the database shows within this time.
const SITE_NAME_FRESH: Duration = Duration::from_secs(1);

struct SiteName {
    name: String,
    read_at: Instant,
    /// The settings generation when it was read.
    generation: u64,
}

impl AppState {
    pub fn new(pool: Pool, config: Config) -> Self {
        let env = Env::new(pool, &config.public_url);
        // Unreachable now: error pages say "Imprimatur" until the settings are read.
        let site_name = env
            .ctx(crate::services::settings::current)
            .map(|s| s.site_name)
            .unwrap_or_else(|_| "Imprimatur".to_owned());
        Self {
            env,
            config: Arc::new(config),
            public_cache: Arc::default(),
            api_windows: Arc::default(),
            site_name: Arc::new(RwLock::new(SiteName {
                name: site_name,
                // Stale at once: the first page reads the settings.
                read_at: Instant::now() - SITE_NAME_FRESH,
                generation: u64::MAX,
            })),
        }
    }

    /// Counts a request of `token` against its rate; the seconds until the next is
    /// admitted when it is over.
    pub fn admit_api_request(&self, token: ApiTokenId) -> Result<(), u64> {
        let now = Instant::now();
        let mut windows = self
            .api_windows
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        // Bounded: windows that ended are dropped when many tokens were seen.
        if windows.len() >= 10_000 {
            windows.retain(|_, w| now.duration_since(w.started) < tokens::RATE_WINDOW);
        }
        let mut window = windows.get(&token).copied();
        let admitted = tokens::admit(&mut window, now, self.config.api_rate_per_minute);
        if let Some(window) = window {
            windows.insert(token, window);
        }
        admitted
    }

    pub fn pool(&self) -> &Pool {
        self.env.pool()
    }

    /// The generation of public content, for the page cache: bumped when a committed
    /// transaction changed what public pages show.
    pub fn public_generation(&self) -> u64 {
        self.env.signals().public_generation()
    }

    /// The site name last read, however old.
    pub fn site_name(&self) -> String {
        self.site_name
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .name
            .clone()
    }

    /// The site name, if it was read less than a second ago and no change committed here
    /// since.
    pub fn fresh_site_name(&self) -> Option<String> {
        let known = self
            .site_name
            .read()
            .unwrap_or_else(PoisonError::into_inner);
        (known.generation == self.env.signals().settings_generation()
            && known.read_at.elapsed() < SITE_NAME_FRESH)
            .then(|| known.name.clone())
    }

    /// Remembers the site name read from the settings, for error pages.
    pub fn remember_site_name(&self, name: &str) {
        let mut known = self
            .site_name
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        if known.name != name {
            name.clone_into(&mut known.name);
        }
    }

    /// Remembers the site name read from the settings, as fresh for pages for a second;
    /// `generation` is the settings generation from before it was read.
    pub fn site_name_read(&self, name: &str, generation: u64) {
        self.remember_site_name(name);
        let mut known = self
            .site_name
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        known.read_at = Instant::now();
        known.generation = generation;
    }

    /// Runs a use case on a blocking thread with a pooled connection. diesel is
    /// synchronous; running it on the async workers would stall every other request.
    pub async fn db<T, F>(&self, work: F) -> ServiceResult<T>
    where
        F: FnOnce(&mut Ctx<'_>) -> ServiceResult<T> + Send + 'static,
        T: Send + 'static,
    {
        let env = self.env.clone();
        web::block(move || env.ctx(work))
            .await
            .map_err(|e| ServiceError::from(Failure::Task(Box::new(e))))?
    }

    /// Like `db`, for use cases that manage their own connections (those that hash
    /// passwords between transactions).
    pub async fn with_env<T, F>(&self, work: F) -> ServiceResult<T>
    where
        F: FnOnce(&Env) -> ServiceResult<T> + Send + 'static,
        T: Send + 'static,
    {
        let env = self.env.clone();
        web::block(move || work(&env))
            .await
            .map_err(|e| ServiceError::from(Failure::Task(Box::new(e))))?
    }

    pub fn timeouts(&self) -> Timeouts {
        Timeouts {
            idle: self.config.session_idle,
            absolute: self.config.session_absolute,
        }
    }
}
