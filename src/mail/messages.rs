//! What each notification says: subject, plain text and HTML, from askama templates over a
//! shared base. User text (titles, comments) is escaped in the HTML part.
//!
//! Links are written against `LINK_BASE`, which the worker replaces with
//! `IMPRIMATUR_PUBLIC_URL` when it sends: a queued message gets the address the site has when
//! the message leaves, and the code that queues it needs no configuration.

use askama::Template;
use chrono::NaiveDateTime;

/// Stands for the public base URL in stored messages.
pub const LINK_BASE: &str = "%IMPRIMATUR_PUBLIC_URL%";

/// One notification, with what it needs to say.
#[derive(Debug, Clone)]
pub enum Notice {
    Invitation {
        name: String,
        setup_path: String,
        expires_at: NaiveDateTime,
    },
    PasswordReset {
        name: String,
        setup_path: String,
        expires_at: NaiveDateTime,
    },
    Submitted {
        title: String,
        author: String,
        label: String,
        revision_path: String,
        diff_path: String,
    },
    Assigned {
        title: String,
        by: String,
        label: String,
        revision_path: String,
    },
    Comment {
        title: String,
        commenter: String,
        text: String,
        revision_path: String,
    },
    ChangesRequested {
        title: String,
        reviewer: String,
        text: String,
        revision_path: String,
    },
    Rejected {
        title: String,
        reviewer: String,
        text: String,
        revision_path: String,
    },
    Published {
        title: String,
        label: String,
        public_path: String,
        revision_path: String,
    },
    ReviewDue {
        title: String,
        due: NaiveDateTime,
        overdue: bool,
        article_path: String,
    },
}

impl Notice {
    /// The event name stored with the message and shown on the admin mail page.
    pub fn event(&self) -> &'static str {
        match self {
            Notice::Invitation { .. } => "invitation",
            Notice::PasswordReset { .. } => "password_reset",
            Notice::Submitted { .. } => "revision_submitted",
            Notice::Assigned { .. } => "reviewer_assigned",
            Notice::Comment { .. } => "comment_added",
            Notice::ChangesRequested { .. } => "changes_requested",
            Notice::Rejected { .. } => "revision_rejected",
            Notice::Published { .. } => "article_published",
            Notice::ReviewDue { overdue: false, .. } => "review_due_soon",
            Notice::ReviewDue { overdue: true, .. } => "review_overdue",
        }
    }

    fn subject(&self, site: &str) -> String {
        match self {
            Notice::Invitation { .. } => format!("You are invited to {site}"),
            Notice::PasswordReset { .. } => format!("Choose a new password for {site}"),
            Notice::Submitted { title, .. } => format!("Review requested: {title}"),
            Notice::Assigned { title, .. } => format!("Assigned to you for review: {title}"),
            Notice::Comment {
                title, commenter, ..
            } => format!("{commenter} commented on {title}"),
            Notice::ChangesRequested { title, .. } => format!("Changes requested: {title}"),
            Notice::Rejected { title, .. } => format!("Rejected: {title}"),
            Notice::Published { title, .. } => format!("Approved and published: {title}"),
            Notice::ReviewDue {
                title,
                overdue: true,
                ..
            } => format!("Review overdue: {title}"),
            Notice::ReviewDue { title, .. } => format!("Review due soon: {title}"),
        }
    }
}

/// A message ready to queue.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

#[derive(Template)]
#[template(path = "email/message.txt")]
struct Text<'a> {
    site: &'a str,
    base: &'a str,
    notice: &'a Notice,
}

#[derive(Template)]
#[template(path = "email/message.html")]
struct Html<'a> {
    site: &'a str,
    subject: &'a str,
    base: &'a str,
    notice: &'a Notice,
}

/// Renders a notice from the site `site`.
pub fn render(site: &str, notice: &Notice) -> Result<Rendered, askama::Error> {
    let subject = notice.subject(site);
    let text = Text {
        site,
        base: LINK_BASE,
        notice,
    }
    .render()?;
    let html = Html {
        site,
        subject: &subject,
        base: LINK_BASE,
        notice,
    }
    .render()?;
    Ok(Rendered {
        subject,
        text,
        html,
    })
}

/// Makes the stored links absolute.
pub fn with_links(body: &str, public_url: &str) -> String {
    body.replace(LINK_BASE, public_url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_text_is_escaped_in_html_and_plain_in_text() {
        let notice = Notice::Comment {
            title: "<script>alert(1)</script> & co".into(),
            commenter: "Rita".into(),
            text: "See <b>this</b>".into(),
            revision_path: "/manage/revisions/7".into(),
        };
        let mail = render("Health Answers", &notice).unwrap();
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
                .contains(&format!("{LINK_BASE}/manage/revisions/7"))
        );
        let sent = with_links(&mail.html, "https://reviews.example.org");
        assert!(
            sent.contains("href=\"https://reviews.example.org/manage/revisions/7\""),
            "{sent}"
        );
    }

    #[test]
    fn every_notice_renders_with_its_link() {
        let at = chrono::NaiveDate::from_ymd_opt(2026, 12, 1)
            .unwrap()
            .and_hms_opt(9, 0, 0)
            .unwrap();
        let notices = [
            Notice::Invitation {
                name: "Ann".into(),
                setup_path: "/setup/abc".into(),
                expires_at: at,
            },
            Notice::PasswordReset {
                name: "Ann".into(),
                setup_path: "/setup/def".into(),
                expires_at: at,
            },
            Notice::Submitted {
                title: "T".into(),
                author: "Ed".into(),
                label: "Revision 2".into(),
                revision_path: "/manage/revisions/2".into(),
                diff_path: "/manage/revisions/2/diff".into(),
            },
            Notice::Assigned {
                title: "T".into(),
                by: "Ada".into(),
                label: "Revision 2".into(),
                revision_path: "/manage/revisions/2".into(),
            },
            Notice::ChangesRequested {
                title: "T".into(),
                reviewer: "Rita".into(),
                text: "Fix".into(),
                revision_path: "/manage/revisions/2".into(),
            },
            Notice::Rejected {
                title: "T".into(),
                reviewer: "Rita".into(),
                text: "No".into(),
                revision_path: "/manage/revisions/2".into(),
            },
            Notice::Published {
                title: "T".into(),
                label: "Revision 2".into(),
                public_path: "/articles/t".into(),
                revision_path: "/manage/revisions/2".into(),
            },
            Notice::ReviewDue {
                title: "T".into(),
                due: at,
                overdue: true,
                article_path: "/manage/articles/1".into(),
            },
        ];
        for notice in &notices {
            let mail = render("Site", notice).unwrap();
            assert!(
                mail.text.contains(LINK_BASE),
                "{}: {}",
                notice.event(),
                mail.text
            );
            assert!(
                mail.html.contains(&format!("href=\"{LINK_BASE}")),
                "{}",
                notice.event()
            );
            assert!(!mail.subject.is_empty());
        }
    }
}
