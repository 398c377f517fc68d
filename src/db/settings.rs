//! The `settings` table: one row of site-wide settings.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::settings;
use super::{DbConn, Tx};
use crate::domain::audience::Audience;
use crate::ids::UserId;

#[derive(Debug, Clone, Queryable)]
pub struct Settings {
    pub id: i32,
    pub approvals_required: i32,
    pub review_interval_days: i32,
    pub site_name: String,
    pub disclaimer: String,
    pub editorial_policy: String,
    pub editorial_policy_html: String,
    /// Bumped by every change; a form carries it so two admins cannot overwrite each other.
    pub version: i64,
    pub updated_at: NaiveDateTime,
    pub updated_by: Option<UserId>,
    /// A revision publishes only when its approvals include a holder of each of its
    /// article's specialties.
    pub require_specialist: bool,
    /// An approval whose reviewer declared a conflict with the article counts toward the
    /// quorum.
    pub conflicted_approvals_count: bool,
    /// Days a reviewer has for an assigned review, by default.
    pub review_due_days: i32,
    /// The audience the public page shows a reader who has not chosen: `clinician` or
    /// `patient` (see [`Settings::default_audience`]).
    pub default_audience: String,
    /// The disclaimer under a patient version (`disclaimer` is the clinician one).
    pub patient_disclaimer: String,
}

impl Settings {
    pub fn default_audience(&self) -> Audience {
        Audience::parse(&self.default_audience).unwrap_or_default()
    }

    /// The disclaimer an audience reads.
    pub fn disclaimer_for(&self, audience: Audience) -> &str {
        match audience {
            Audience::Clinician => &self.disclaimer,
            Audience::Patient => &self.patient_disclaimer,
        }
    }
}

#[derive(Debug, Clone, AsChangeset)]
#[diesel(table_name = settings)]
pub struct SettingsChanges<'a> {
    pub approvals_required: i32,
    pub review_interval_days: i32,
    pub site_name: &'a str,
    pub disclaimer: &'a str,
    pub editorial_policy: &'a str,
    pub editorial_policy_html: &'a str,
    pub updated_at: NaiveDateTime,
    pub updated_by: Option<UserId>,
    pub require_specialist: bool,
    pub conflicted_approvals_count: bool,
    pub review_due_days: i32,
    pub default_audience: &'a str,
    pub patient_disclaimer: &'a str,
}

pub fn load(conn: &mut DbConn) -> QueryResult<Settings> {
    settings::table.find(1).first(conn)
}

/// The settings, read once per transaction: a publishing approval needs them for the next
/// review date and again for each message it queues.
pub fn in_tx(tx: &mut Tx<'_>) -> QueryResult<Settings> {
    if let Some(settings) = &tx.settings {
        return Ok(settings.clone());
    }
    let settings = load(tx)?;
    tx.settings = Some(settings.clone());
    Ok(settings)
}

/// Compare-and-set on the version: returns false when someone changed the settings since
/// `version` was read.
pub fn update(tx: &mut Tx<'_>, version: i64, changes: &SettingsChanges<'_>) -> QueryResult<bool> {
    tx.settings_changed();
    let changed = diesel::update(
        settings::table
            .find(1)
            .filter(settings::version.eq(version)),
    )
    .set((changes, settings::version.eq(version + 1)))
    .execute(&mut **tx)?;
    Ok(changed == 1)
}
