//! Whether the server can do its work: the database answers within two seconds.

use std::time::Duration;

use super::{Env, ServiceResult};
use crate::db;

/// Anyone may ask (`/healthz`); the answer says nothing but up or down.
pub fn check(env: &Env) -> ServiceResult<()> {
    let mut conn = env.pool().get_timeout(Duration::from_secs(2))?;
    Ok(db::ping(&mut conn)?)
}
