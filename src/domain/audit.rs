//! The audit log's vocabulary and its hash chain.
//!
//! Each row stores the hash of the previous row and its own hash over its fields plus that
//! previous hash, so editing, deleting or inserting a row anywhere but at the end breaks the
//! chain from that row on. Ids are consecutive from 1, so a deleted row also leaves a gap.

use std::fmt;

use chrono::NaiveDateTime;
use sha2::{Digest, Sha256};

/// The `prev_hash` of the first row.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Everything that can happen, as stored in `audit_log.action`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuditAction {
    SetupCompleted,
    LoginSucceeded,
    LoginFailed,
    LoginThrottled,
    Logout,
    UserInvited,
    RolesChanged,
    UserDeactivated,
    UserReactivated,
    ResetLinkIssued,
    PasswordSet,
    PasswordChangeRefused,
    ArticleCreated,
    SlugChanged,
    RevisionSaved,
    RevisionSubmitted,
    RevisionWithdrawn,
    RevisionSuperseded,
    RevisionClaimed,
    CommentAdded,
    RevisionApproved,
    ChangesRequested,
    RevisionRejected,
    ReviewerAssigned,
    ArticlePublished,
    ArticleRetracted,
    ActionDenied,
    SettingsChanged,
    MailFailed,
    MailRetried,
    ResetRequested,
    NotificationsChanged,
    ThreadResolved,
    ThreadReopened,
    ReviewReRequested,
    TokenCreated,
    TokenUsedFromNewAddress,
    TokenRevoked,
    WebhookCreated,
    WebhookDisabled,
    WebhookEnabled,
    WebhookRetried,
    SpecialtyAdded,
    SpecialtyRemoved,
    UserSpecialtiesChanged,
    ArticleSpecialtiesChanged,
    DisclosureChanged,
    BoardListingChanged,
    BoardVisibilityChanged,
    ChecklistItemAdded,
    ChecklistItemRetired,
    RecertificationGiven,
    ArticleRecertified,
    ReviewReminderSent,
}

impl AuditAction {
    pub const ALL: [AuditAction; 54] = [
        AuditAction::SetupCompleted,
        AuditAction::LoginSucceeded,
        AuditAction::LoginFailed,
        AuditAction::LoginThrottled,
        AuditAction::Logout,
        AuditAction::UserInvited,
        AuditAction::RolesChanged,
        AuditAction::UserDeactivated,
        AuditAction::UserReactivated,
        AuditAction::ResetLinkIssued,
        AuditAction::PasswordSet,
        AuditAction::PasswordChangeRefused,
        AuditAction::ArticleCreated,
        AuditAction::SlugChanged,
        AuditAction::RevisionSaved,
        AuditAction::RevisionSubmitted,
        AuditAction::RevisionWithdrawn,
        AuditAction::RevisionSuperseded,
        AuditAction::RevisionClaimed,
        AuditAction::CommentAdded,
        AuditAction::RevisionApproved,
        AuditAction::ChangesRequested,
        AuditAction::RevisionRejected,
        AuditAction::ReviewerAssigned,
        AuditAction::ArticlePublished,
        AuditAction::ArticleRetracted,
        AuditAction::ActionDenied,
        AuditAction::SettingsChanged,
        AuditAction::MailFailed,
        AuditAction::MailRetried,
        AuditAction::ResetRequested,
        AuditAction::NotificationsChanged,
        AuditAction::ThreadResolved,
        AuditAction::ThreadReopened,
        AuditAction::ReviewReRequested,
        AuditAction::TokenCreated,
        AuditAction::TokenUsedFromNewAddress,
        AuditAction::TokenRevoked,
        AuditAction::WebhookCreated,
        AuditAction::WebhookDisabled,
        AuditAction::WebhookEnabled,
        AuditAction::WebhookRetried,
        AuditAction::SpecialtyAdded,
        AuditAction::SpecialtyRemoved,
        AuditAction::UserSpecialtiesChanged,
        AuditAction::ArticleSpecialtiesChanged,
        AuditAction::DisclosureChanged,
        AuditAction::BoardListingChanged,
        AuditAction::BoardVisibilityChanged,
        AuditAction::ChecklistItemAdded,
        AuditAction::ChecklistItemRetired,
        AuditAction::RecertificationGiven,
        AuditAction::ArticleRecertified,
        AuditAction::ReviewReminderSent,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::SetupCompleted => "setup.completed",
            AuditAction::LoginSucceeded => "login.succeeded",
            AuditAction::LoginFailed => "login.failed",
            AuditAction::LoginThrottled => "login.throttled",
            AuditAction::Logout => "logout",
            AuditAction::UserInvited => "user.invited",
            AuditAction::RolesChanged => "user.roles_changed",
            AuditAction::UserDeactivated => "user.deactivated",
            AuditAction::UserReactivated => "user.reactivated",
            AuditAction::ResetLinkIssued => "user.reset_link_issued",
            AuditAction::PasswordSet => "user.password_set",
            AuditAction::PasswordChangeRefused => "user.password_change_refused",
            AuditAction::ArticleCreated => "article.created",
            AuditAction::SlugChanged => "article.slug_changed",
            AuditAction::RevisionSaved => "revision.saved",
            AuditAction::RevisionSubmitted => "revision.submitted",
            AuditAction::RevisionWithdrawn => "revision.withdrawn",
            AuditAction::RevisionSuperseded => "revision.superseded",
            AuditAction::RevisionClaimed => "revision.claimed",
            AuditAction::CommentAdded => "revision.commented",
            AuditAction::RevisionApproved => "revision.approved",
            AuditAction::ChangesRequested => "revision.changes_requested",
            AuditAction::RevisionRejected => "revision.rejected",
            AuditAction::ReviewerAssigned => "revision.reviewer_assigned",
            AuditAction::ArticlePublished => "article.published",
            AuditAction::ArticleRetracted => "article.retracted",
            AuditAction::ActionDenied => "action.denied",
            AuditAction::SettingsChanged => "settings.changed",
            AuditAction::MailFailed => "mail.failed",
            AuditAction::MailRetried => "mail.retried",
            AuditAction::ResetRequested => "user.reset_requested",
            AuditAction::NotificationsChanged => "user.notifications_changed",
            AuditAction::ThreadResolved => "thread.resolved",
            AuditAction::ThreadReopened => "thread.reopened",
            AuditAction::ReviewReRequested => "revision.review_re_requested",
            AuditAction::TokenCreated => "token.created",
            AuditAction::TokenUsedFromNewAddress => "token.used_from_new_address",
            AuditAction::TokenRevoked => "token.revoked",
            AuditAction::WebhookCreated => "webhook.created",
            AuditAction::WebhookDisabled => "webhook.disabled",
            AuditAction::WebhookEnabled => "webhook.enabled",
            AuditAction::WebhookRetried => "webhook.delivery_retried",
            AuditAction::SpecialtyAdded => "specialty.added",
            AuditAction::SpecialtyRemoved => "specialty.removed",
            AuditAction::UserSpecialtiesChanged => "user.specialties_changed",
            AuditAction::ArticleSpecialtiesChanged => "article.specialties_changed",
            AuditAction::DisclosureChanged => "user.disclosure_changed",
            AuditAction::BoardListingChanged => "user.board_listing_changed",
            AuditAction::BoardVisibilityChanged => "user.board_visibility_changed",
            AuditAction::ChecklistItemAdded => "checklist.item_added",
            AuditAction::ChecklistItemRetired => "checklist.item_retired",
            AuditAction::RecertificationGiven => "revision.recertified",
            AuditAction::ArticleRecertified => "article.review_completed",
            AuditAction::ReviewReminderSent => "revision.review_reminder_sent",
        }
    }

    /// Words for people reading the log.
    pub fn label(self) -> &'static str {
        match self {
            AuditAction::SetupCompleted => "First admin set up",
            AuditAction::LoginSucceeded => "Signed in",
            AuditAction::LoginFailed => "Sign-in failed",
            AuditAction::LoginThrottled => "Sign-in throttled",
            AuditAction::Logout => "Signed out",
            AuditAction::UserInvited => "Account invited",
            AuditAction::RolesChanged => "Roles changed",
            AuditAction::UserDeactivated => "Account deactivated",
            AuditAction::UserReactivated => "Account reactivated",
            AuditAction::ResetLinkIssued => "Password reset link issued",
            AuditAction::PasswordSet => "Password set",
            AuditAction::PasswordChangeRefused => "Password change refused",
            AuditAction::ArticleCreated => "Article created",
            AuditAction::SlugChanged => "Article address changed",
            AuditAction::RevisionSaved => "Draft saved",
            AuditAction::RevisionSubmitted => "Revision submitted",
            AuditAction::RevisionWithdrawn => "Revision withdrawn",
            AuditAction::RevisionSuperseded => "Revision superseded",
            AuditAction::RevisionClaimed => "Revision claimed",
            AuditAction::CommentAdded => "Comment added",
            AuditAction::RevisionApproved => "Approval given",
            AuditAction::ChangesRequested => "Changes requested",
            AuditAction::RevisionRejected => "Revision rejected",
            AuditAction::ReviewerAssigned => "Reviewer assigned",
            AuditAction::ArticlePublished => "Article published",
            AuditAction::ArticleRetracted => "Article retracted",
            AuditAction::ActionDenied => "Action denied",
            AuditAction::SettingsChanged => "Settings changed",
            AuditAction::MailFailed => "Email given up",
            AuditAction::MailRetried => "Email retried",
            AuditAction::ResetRequested => "Password reset requested",
            AuditAction::NotificationsChanged => "Notification settings changed",
            AuditAction::ThreadResolved => "Thread resolved",
            AuditAction::ThreadReopened => "Thread reopened",
            AuditAction::ReviewReRequested => "Review re-requested",
            AuditAction::TokenCreated => "API token created",
            AuditAction::TokenUsedFromNewAddress => "API token used from a new address",
            AuditAction::TokenRevoked => "API token revoked",
            AuditAction::WebhookCreated => "Webhook added",
            AuditAction::WebhookDisabled => "Webhook turned off",
            AuditAction::WebhookEnabled => "Webhook turned on",
            AuditAction::WebhookRetried => "Webhook delivery retried",
            AuditAction::SpecialtyAdded => "Specialty added",
            AuditAction::SpecialtyRemoved => "Specialty removed",
            AuditAction::UserSpecialtiesChanged => "Reviewer's specialties changed",
            AuditAction::ArticleSpecialtiesChanged => "Article's specialties changed",
            AuditAction::DisclosureChanged => "Disclosure of interests changed",
            AuditAction::BoardListingChanged => "Board listing changed",
            AuditAction::BoardVisibilityChanged => "Board entry hidden or shown by an admin",
            AuditAction::ChecklistItemAdded => "Checklist item added",
            AuditAction::ChecklistItemRetired => "Checklist item retired",
            AuditAction::RecertificationGiven => "Re-certified unchanged",
            AuditAction::ArticleRecertified => "Periodic review completed, no changes",
            AuditAction::ReviewReminderSent => "Reminder of an assigned review sent",
        }
    }

    pub fn parse(value: &str) -> Option<AuditAction> {
        AuditAction::ALL.into_iter().find(|a| a.as_str() == value)
    }
}

impl fmt::Display for AuditAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What kind of thing an audit row is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetKind {
    User,
    Article,
    Revision,
    Settings,
}

impl TargetKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TargetKind::User => "user",
            TargetKind::Article => "article",
            TargetKind::Revision => "revision",
            TargetKind::Settings => "settings",
        }
    }

    pub fn parse(value: &str) -> Option<TargetKind> {
        [
            TargetKind::User,
            TargetKind::Article,
            TargetKind::Revision,
            TargetKind::Settings,
        ]
        .into_iter()
        .find(|k| k.as_str() == value)
    }
}

/// The fields of one row that its hash covers, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainedRow {
    pub id: i64,
    pub occurred_at: NaiveDateTime,
    pub actor_id: Option<i64>,
    pub actor_label: String,
    pub action: String,
    pub target_type: Option<String>,
    pub target_id: Option<i64>,
    pub details: String,
    pub client_addr: Option<String>,
    pub prev_hash: String,
    pub article_id: Option<i64>,
}

impl ChainedRow {
    /// SHA-256 over an unambiguous encoding (a JSON array) of every field, including the
    /// previous row's hash. The time is fixed to microseconds so both backends agree.
    pub fn hash(&self) -> String {
        let encoded = serde_json::json!([
            self.id,
            self.occurred_at.format("%Y-%m-%dT%H:%M:%S%.6f").to_string(),
            self.actor_id,
            self.actor_label,
            self.action,
            self.target_type,
            self.target_id,
            self.details,
            self.client_addr,
            self.prev_hash,
            self.article_id,
        ])
        .to_string();
        hex::encode(Sha256::digest(encoded.as_bytes()))
    }
}

/// Where and how the chain is broken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainBreak {
    #[error("row {found}: expected row {expected} next (a row is missing or was inserted)")]
    Gap { expected: i64, found: i64 },
    #[error("row {id}: its previous-row hash does not match row {} (a row before it was changed or removed)", id - 1)]
    Link { id: i64 },
    #[error("row {id}: its contents do not match its hash (the row was edited)")]
    Content { id: i64 },
}

impl ChainBreak {
    /// The id of the first row that does not check out.
    pub fn row_id(&self) -> i64 {
        match self {
            ChainBreak::Gap { found, .. } => *found,
            ChainBreak::Link { id } | ChainBreak::Content { id } => *id,
        }
    }
}

/// Checks rows one at a time, in id order, so a log of any size is verified in bounded memory.
#[derive(Debug, Clone)]
pub struct ChainVerifier {
    next_id: i64,
    prev_hash: String,
}

impl Default for ChainVerifier {
    fn default() -> Self {
        Self {
            next_id: 1,
            prev_hash: GENESIS_HASH.to_owned(),
        }
    }
}

impl ChainVerifier {
    /// Checks the next row and its stored hash.
    pub fn check(&mut self, row: &ChainedRow, stored_hash: &str) -> Result<(), ChainBreak> {
        if row.id != self.next_id {
            return Err(ChainBreak::Gap {
                expected: self.next_id,
                found: row.id,
            });
        }
        if row.prev_hash != self.prev_hash {
            return Err(ChainBreak::Link { id: row.id });
        }
        if row.hash() != stored_hash {
            return Err(ChainBreak::Content { id: row.id });
        }
        self.next_id += 1;
        stored_hash.clone_into(&mut self.prev_hash);
        Ok(())
    }

    /// How many rows checked out.
    pub fn rows_checked(&self) -> i64 {
        self.next_id - 1
    }

    /// The hash of the last row checked: keep it elsewhere to detect a truncated tail later.
    pub fn head(&self) -> &str {
        &self.prev_hash
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn chain(n: i64) -> Vec<(ChainedRow, String)> {
        let mut prev = GENESIS_HASH.to_owned();
        (1..=n)
            .map(|id| {
                let row = ChainedRow {
                    id,
                    occurred_at: NaiveDate::from_ymd_opt(2026, 11, 25)
                        .unwrap()
                        .and_hms_micro_opt(10, 0, 0, 123_456)
                        .unwrap(),
                    actor_id: Some(7),
                    actor_label: "ada@example.org".into(),
                    action: AuditAction::LoginSucceeded.as_str().into(),
                    target_type: None,
                    target_id: None,
                    details: format!("{{\"n\":{id}}}"),
                    client_addr: Some("127.0.0.1".into()),
                    prev_hash: prev.clone(),
                    article_id: None,
                };
                let hash = row.hash();
                prev = hash.clone();
                (row, hash)
            })
            .collect()
    }

    fn verify(rows: &[(ChainedRow, String)]) -> Result<i64, ChainBreak> {
        let mut v = ChainVerifier::default();
        for (row, hash) in rows {
            v.check(row, hash)?;
        }
        Ok(v.rows_checked())
    }

    #[test]
    fn an_untouched_chain_verifies() {
        assert_eq!(verify(&chain(5)), Ok(5));
        assert_eq!(verify(&[]), Ok(0));
    }

    #[test]
    fn an_edited_row_is_found() {
        let mut rows = chain(5);
        rows[2].0.details = "{\"n\":99}".into();
        assert_eq!(verify(&rows), Err(ChainBreak::Content { id: 3 }));
    }

    #[test]
    fn an_edited_row_with_a_recomputed_hash_breaks_the_next_link() {
        let mut rows = chain(5);
        rows[2].0.actor_label = "mallory@example.org".into();
        rows[2].1 = rows[2].0.hash();
        assert_eq!(verify(&rows), Err(ChainBreak::Link { id: 4 }));
    }

    #[test]
    fn a_deleted_row_is_found() {
        let mut rows = chain(5);
        rows.remove(1);
        assert_eq!(
            verify(&rows),
            Err(ChainBreak::Gap {
                expected: 2,
                found: 3
            })
        );
    }

    #[test]
    fn a_renumbered_chain_after_deletion_is_found() {
        let mut rows = chain(5);
        rows.remove(1);
        for (i, (row, _)) in rows.iter_mut().enumerate() {
            row.id = i64::try_from(i).unwrap() + 1;
        }
        let err = verify(&rows).unwrap_err();
        assert_eq!(err.row_id(), 2);
    }

    #[test]
    fn actions_round_trip() {
        for action in AuditAction::ALL {
            assert_eq!(AuditAction::parse(action.as_str()), Some(action));
        }
    }
}
