//! What each notification says: one struct per notice, each rendered from its own subject,
//! text and HTML templates (`templates/email/<notice>/`) over a shared base. User text
//! (titles, comments) is escaped in the HTML part.
//!
//! Links arrive absolute: whoever queues a message builds them with the site's public URL,
//! so a stored message is exactly what is sent.

use askama::Template;
use chrono::NaiveDateTime;

use crate::filters;

/// A message ready to queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// What every message shares: the site's name and where people switch notifications off.
#[derive(Debug, Clone, Copy)]
pub struct Frame<'a> {
    pub site: &'a str,
    /// The absolute address of the notification settings page.
    pub settings_url: &'a str,
}

/// A notification.
pub trait Email {
    /// The event name stored with the message and shown on the admin mail page.
    fn event(&self) -> &'static str;

    fn render(&self, frame: Frame<'_>) -> Result<Rendered, askama::Error>;
}

/// Implements `Email` for a notice with the three templates in `templates/email/$dir/`.
macro_rules! email {
    ($notice:ident, $subject:tt, $text:tt, $html:tt, |$this:ident| $event:expr) => {
        impl Email for $notice {
            fn event(&self) -> &'static str {
                let $this = self;
                $event
            }

            fn render(&self, frame: Frame<'_>) -> Result<Rendered, askama::Error> {
                #[derive(Template)]
                #[template(path = $subject)]
                #[allow(dead_code, reason = "not every subject names the site")]
                struct Subject<'a> {
                    m: &'a $notice,
                    frame: Frame<'a>,
                }
                #[derive(Template)]
                #[template(path = $text)]
                struct Text<'a> {
                    m: &'a $notice,
                    frame: Frame<'a>,
                }
                #[derive(Template)]
                #[template(path = $html)]
                struct Html<'a> {
                    m: &'a $notice,
                    frame: Frame<'a>,
                    subject: &'a str,
                }
                let subject = Subject { m: self, frame }.render()?.trim().to_owned();
                Ok(Rendered {
                    text: Text { m: self, frame }.render()?,
                    html: Html {
                        m: self,
                        frame,
                        subject: &subject,
                    }
                    .render()?,
                    subject,
                })
            }
        }
    };
}

/// An invitation to set a first password.
#[derive(Debug, Clone)]
pub struct Invitation {
    pub name: String,
    pub setup_url: String,
    pub expires_at: NaiveDateTime,
}

email!(
    Invitation,
    "email/invitation/subject.txt",
    "email/invitation/body.txt",
    "email/invitation/body.html",
    |_m| "invitation"
);

/// A link to choose a new password.
#[derive(Debug, Clone)]
pub struct PasswordReset {
    pub name: String,
    pub setup_url: String,
    pub expires_at: NaiveDateTime,
}

email!(
    PasswordReset,
    "email/password_reset/subject.txt",
    "email/password_reset/body.txt",
    "email/password_reset/body.html",
    |_m| "password_reset"
);

/// A revision waits for review.
#[derive(Debug, Clone)]
pub struct Submitted {
    pub title: String,
    pub author: String,
    pub label: String,
    pub revision_url: String,
    pub diff_url: String,
    /// Which versions (clinician, patient) it changes against the live one; may be empty.
    pub versions: String,
}

email!(
    Submitted,
    "email/submitted/subject.txt",
    "email/submitted/body.txt",
    "email/submitted/body.html",
    |_m| "revision_submitted"
);

/// Someone assigned the recipient to review a revision.
#[derive(Debug, Clone)]
pub struct Assigned {
    pub title: String,
    pub by: String,
    pub label: String,
    pub revision_url: String,
}

email!(
    Assigned,
    "email/assigned/subject.txt",
    "email/assigned/body.txt",
    "email/assigned/body.html",
    |_m| "reviewer_assigned"
);

/// A comment in a revision's discussion.
#[derive(Debug, Clone)]
pub struct Commented {
    pub title: String,
    pub commenter: String,
    pub text: String,
    pub revision_url: String,
}

email!(
    Commented,
    "email/commented/subject.txt",
    "email/commented/body.txt",
    "email/commented/body.html",
    |_m| "comment_added"
);

/// A reviewer sent the revision back, or rejected it, with their words.
#[derive(Debug, Clone)]
pub struct Decided {
    pub title: String,
    pub reviewer: String,
    pub text: String,
    pub revision_url: String,
    /// Rejected (rather than sent back for changes).
    pub rejected: bool,
}

email!(
    Decided,
    "email/decided/subject.txt",
    "email/decided/body.txt",
    "email/decided/body.html",
    |m| if m.rejected {
        "revision_rejected"
    } else {
        "changes_requested"
    }
);

/// A resubmission after changes were requested: the reviewer is asked to look again.
#[derive(Debug, Clone)]
pub struct ReRequested {
    pub title: String,
    pub author: String,
    pub label: String,
    pub change_note: String,
    /// The diff since the reviewer's last review (or the default comparison).
    pub diff_url: String,
    pub since_review: bool,
    pub revision_url: String,
    /// Which versions (clinician, patient) it changes against the live one; may be empty.
    pub versions: String,
}

email!(
    ReRequested,
    "email/re_requested/subject.txt",
    "email/re_requested/body.txt",
    "email/re_requested/body.html",
    |_m| "review_re_requested"
);

/// Someone else's newer revision superseded the recipient's.
#[derive(Debug, Clone)]
pub struct Superseded {
    pub title: String,
    pub by: String,
    /// The recipient's revision.
    pub label: String,
    pub new_label: String,
    /// Built on the recipient's revision (so its changes are in), or written beside it.
    pub folded: bool,
    pub diff_url: String,
    pub revision_url: String,
}

email!(
    Superseded,
    "email/superseded/subject.txt",
    "email/superseded/body.txt",
    "email/superseded/body.html",
    |_m| "revision_superseded"
);

/// The approval that met the policy published the revision.
#[derive(Debug, Clone)]
pub struct Published {
    pub title: String,
    pub label: String,
    pub public_url: String,
    pub revision_url: String,
}

email!(
    Published,
    "email/published/subject.txt",
    "email/published/body.txt",
    "email/published/body.html",
    |_m| "article_published"
);

/// An article comes due for review soon, or is overdue.
#[derive(Debug, Clone)]
pub struct ReviewDue {
    pub title: String,
    pub due: NaiveDateTime,
    pub overdue: bool,
    pub article_url: String,
}

email!(
    ReviewDue,
    "email/review_due/subject.txt",
    "email/review_due/body.txt",
    "email/review_due/body.html",
    |m| if m.overdue {
        "review_overdue"
    } else {
        "review_due_soon"
    }
);

/// A reviewer's assigned review is due tomorrow, or has passed its due date.
#[derive(Debug, Clone)]
pub struct AssignmentDue {
    pub title: String,
    /// "Revision 2".
    pub label: String,
    pub due: NaiveDateTime,
    pub overdue: bool,
    pub revision_url: String,
}

email!(
    AssignmentDue,
    "email/assignment_due/subject.txt",
    "email/assignment_due/body.txt",
    "email/assignment_due/body.html",
    |m| if m.overdue {
        "assigned_review_overdue"
    } else {
        "assigned_review_due_soon"
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    const FRAME: Frame<'static> = Frame {
        site: "Health Answers",
        settings_url: "https://reviews.example.org/account/notifications",
    };

    #[test]
    fn user_text_is_escaped_in_html_and_plain_in_text() {
        let notice = Commented {
            title: "<script>alert(1)</script> & co".into(),
            commenter: "Rita".into(),
            text: "See <b>this</b>".into(),
            revision_url: "https://reviews.example.org/manage/revisions/7".into(),
        };
        let mail = notice.render(FRAME).unwrap();
        assert_eq!(
            mail.subject,
            "Rita commented on <script>alert(1)</script> & co"
        );
        assert!(
            mail.html
                .contains("&#60;script&#62;alert(1)&#60;/script&#62; &#38; co"),
            "{}",
            mail.html
        );
        assert!(!mail.html.contains("<script>"));
        assert!(mail.html.contains("See &#60;b&#62;this&#60;/b&#62;"));
        assert!(mail.text.contains("See <b>this</b>"));
        assert!(
            mail.text
                .contains("https://reviews.example.org/manage/revisions/7")
        );
        assert!(
            mail.html
                .contains("href=\"https://reviews.example.org/manage/revisions/7\""),
            "{}",
            mail.html
        );
        assert!(mail.text.contains(FRAME.settings_url));
    }

    #[test]
    fn every_notice_renders_its_subject_and_links() {
        let at = chrono::NaiveDate::from_ymd_opt(2026, 12, 1)
            .unwrap()
            .and_hms_opt(9, 0, 0)
            .unwrap();
        let link = "https://reviews.example.org/link";
        let notices: Vec<(Box<dyn Email>, &str)> = vec![
            (
                Box::new(Invitation {
                    name: "Ann".into(),
                    setup_url: link.into(),
                    expires_at: at,
                }),
                "You are invited to Health Answers",
            ),
            (
                Box::new(PasswordReset {
                    name: "Ann".into(),
                    setup_url: link.into(),
                    expires_at: at,
                }),
                "Choose a new password for Health Answers",
            ),
            (
                Box::new(Submitted {
                    title: "T".into(),
                    author: "Ed".into(),
                    label: "Revision 2".into(),
                    revision_url: link.into(),
                    diff_url: link.into(),
                    versions: "Adds a patient version.".into(),
                }),
                "Review requested: T",
            ),
            (
                Box::new(Assigned {
                    title: "T".into(),
                    by: "Ada".into(),
                    label: "Revision 2".into(),
                    revision_url: link.into(),
                }),
                "Assigned to you for review: T",
            ),
            (
                Box::new(Decided {
                    title: "T".into(),
                    reviewer: "Rita".into(),
                    text: "Fix".into(),
                    revision_url: link.into(),
                    rejected: false,
                }),
                "Changes requested: T",
            ),
            (
                Box::new(Decided {
                    title: "T".into(),
                    reviewer: "Rita".into(),
                    text: "No".into(),
                    revision_url: link.into(),
                    rejected: true,
                }),
                "Rejected: T",
            ),
            (
                Box::new(Published {
                    title: "T".into(),
                    label: "Revision 2".into(),
                    public_url: link.into(),
                    revision_url: link.into(),
                }),
                "Approved and published: T",
            ),
            (
                Box::new(ReviewDue {
                    title: "T".into(),
                    due: at,
                    overdue: true,
                    article_url: link.into(),
                }),
                "Review overdue: T",
            ),
            (
                Box::new(ReviewDue {
                    title: "T".into(),
                    due: at,
                    overdue: false,
                    article_url: link.into(),
                }),
                "Review due soon: T",
            ),
            (
                Box::new(AssignmentDue {
                    title: "T".into(),
                    label: "Revision 2".into(),
                    due: at,
                    overdue: false,
                    revision_url: link.into(),
                }),
                "Review due tomorrow: T",
            ),
            (
                Box::new(AssignmentDue {
                    title: "T".into(),
                    label: "Revision 2".into(),
                    due: at,
                    overdue: true,
                    revision_url: link.into(),
                }),
                "Review overdue: T",
            ),
        ];
        let mut events = Vec::new();
        for (notice, subject) in &notices {
            let mail = notice.render(FRAME).unwrap();
            assert_eq!(mail.subject, *subject, "{}", notice.event());
            assert!(
                mail.text.contains(link),
                "{}: {}",
                notice.event(),
                mail.text
            );
            assert!(
                mail.html.contains(&format!("href=\"{link}\"")),
                "{}",
                notice.event()
            );
            assert!(mail.html.contains(&format!("<title>{subject}</title>")));
            events.push(notice.event());
        }
        events.dedup();
        assert_eq!(events.len(), notices.len(), "each notice has its own event");
    }
}
