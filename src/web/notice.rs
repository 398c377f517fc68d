//! What a page says after an action worked: one enum, carried in the `?done=` query of the
//! redirect that follows the action, and rendered once, by the layout.

use crate::domain::workflow::Action;

/// A confirmation shown at the top of the page an action redirects to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    /// An action on a revision (approve, comment, ...).
    Acted(Action),
    DraftSaved,
    AddressSaved,
    Retracted,
    RolesSaved,
    RolesUnchanged,
    Deactivated,
    Reactivated,
    SettingsSaved,
    SettingsUnchanged,
    MailRequeued,
    PasswordSet,
    PasswordChanged,
    SignedOut,
    NotificationsSaved,
    TokenRevoked,
    ResetRequested,
    ThreadResolved,
    ThreadReopened,
    WebhookOn,
    WebhookOff,
    DeliveryRequeued,
    SpecialtyAdded,
    SpecialtyRemoved,
    SpecialtiesSaved,
    BoardEntrySaved,
    BoardVisibilitySaved,
    ChecklistItemAdded,
    ChecklistItemRetired,
    Recertified,
    ReviewCompleted,
}

const PLAIN: [(Notice, &str, &str); 30] = [
    (
        Notice::DraftSaved,
        "draft-saved",
        "Draft saved. Only you can see it until you submit it.",
    ),
    (Notice::AddressSaved, "address-saved", "Address saved."),
    (
        Notice::Retracted,
        "retracted",
        "Retracted: the public page now answers 410 and the article is out of search, the feed and the sitemap. Approving a new revision republishes it.",
    ),
    (Notice::RolesSaved, "roles-saved", "Roles saved."),
    (
        Notice::RolesUnchanged,
        "roles-unchanged",
        "Nothing changed: those were already the roles.",
    ),
    (
        Notice::Deactivated,
        "deactivated",
        "Account deactivated. Its sessions have ended.",
    ),
    (Notice::Reactivated, "reactivated", "Account reactivated."),
    (Notice::SettingsSaved, "settings-saved", "Settings saved."),
    (
        Notice::SettingsUnchanged,
        "settings-unchanged",
        "Nothing changed.",
    ),
    (
        Notice::MailRequeued,
        "mail-requeued",
        "Queued again: the worker sends it now.",
    ),
    (
        Notice::PasswordSet,
        "password-set",
        "Your password is set, and you are signed in.",
    ),
    (
        Notice::PasswordChanged,
        "password-changed",
        "Your password is changed. Every other session of your account is signed out.",
    ),
    (Notice::SignedOut, "signed-out", "You are signed out."),
    (Notice::NotificationsSaved, "notifications-saved", "Saved."),
    (
        Notice::WebhookOn,
        "webhook-on",
        "Webhook on: its waiting deliveries go out now.",
    ),
    (
        Notice::WebhookOff,
        "webhook-off",
        "Webhook off: new events still queue its deliveries, and they wait until it is on again.",
    ),
    (
        Notice::DeliveryRequeued,
        "delivery-requeued",
        "Queued again: the worker sends it now.",
    ),
    (
        Notice::TokenRevoked,
        "token-revoked",
        "Token revoked: it no longer works.",
    ),
    (
        Notice::ResetRequested,
        "reset-sent",
        "If an account exists for that address, we have emailed it a link to choose a new password. The link works once, for 24 hours.",
    ),
    (
        Notice::ThreadResolved,
        "thread-resolved",
        "Thread resolved.",
    ),
    (
        Notice::SpecialtyAdded,
        "specialty-added",
        "Specialty added.",
    ),
    (
        Notice::SpecialtyRemoved,
        "specialty-removed",
        "Specialty removed: no reviewer or article holds it any more.",
    ),
    (
        Notice::ChecklistItemAdded,
        "checklist-item-added",
        "Item added: approvals from now on attest it.",
    ),
    (
        Notice::ChecklistItemRetired,
        "checklist-item-retired",
        "Item retired: approvals from now on do not attest it; those that did keep it.",
    ),
    (
        Notice::Recertified,
        "recertified",
        "Re-certification recorded. The review completes when the policy is met.",
    ),
    (
        Notice::ReviewCompleted,
        "review-completed",
        "Review completed without changes: Last reviewed and Next review due have moved on.",
    ),
    (
        Notice::BoardEntrySaved,
        "board-entry-saved",
        "Saved: your board entry is up to date.",
    ),
    (
        Notice::BoardVisibilitySaved,
        "board-visibility-saved",
        "Saved: the public board follows this choice now.",
    ),
    (
        Notice::SpecialtiesSaved,
        "specialties-saved",
        "Specialties saved.",
    ),
    (
        Notice::ThreadReopened,
        "thread-reopened",
        "Thread reopened.",
    ),
];

impl Notice {
    /// The value in `?done=`.
    pub fn key(self) -> &'static str {
        match self {
            Notice::Acted(action) => action.as_str(),
            plain => PLAIN
                .iter()
                .find(|(n, _, _)| *n == plain)
                .map_or("", |(_, key, _)| key),
        }
    }

    /// What the page says.
    pub fn text(self) -> &'static str {
        match self {
            Notice::Acted(action) => action.done_message(),
            plain => PLAIN
                .iter()
                .find(|(n, _, _)| *n == plain)
                .map_or("", |(_, _, text)| text),
        }
    }

    /// Reads `?done=`; anything else is no notice.
    pub fn parse(key: &str) -> Option<Notice> {
        PLAIN
            .iter()
            .find(|(_, k, _)| *k == key)
            .map(|(n, _, _)| *n)
            .or_else(|| Action::from_route(key).map(Notice::Acted))
    }

    /// `path` with this notice, for the redirect after the action.
    pub fn after(self, path: &str) -> String {
        crate::urls::with_query(path, &[("done", self.key())])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_notice_round_trips_through_its_key() {
        let mut all: Vec<Notice> = PLAIN.iter().map(|(n, _, _)| *n).collect();
        all.extend(
            Action::BY_PEOPLE
                .into_iter()
                .filter(|a| Action::from_route(a.as_str()).is_some())
                .map(Notice::Acted),
        );
        for notice in all {
            assert_eq!(Notice::parse(notice.key()), Some(notice), "{notice:?}");
            assert!(!notice.text().is_empty());
        }
        assert_eq!(Notice::parse("nonsense"), None);
        assert_eq!(
            Notice::Acted(Action::Approve).after("/manage/revisions/3"),
            "/manage/revisions/3?done=approve"
        );
    }
}
