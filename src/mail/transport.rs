//! Where messages go: an SMTP server (`IMPRIMATUR_SMTP_URL`), or `.eml` files under
//! `data/mail/` when none is configured, so the default set-up needs no mail server.
//!
//! Each message gets its own SMTP connection (lettre's connection pool is not used): the
//! volume of an editorial workflow is small, and a pool's background tasks would tie the
//! transport to one async runtime's lifetime.

use std::path::PathBuf;
use std::time::Duration;

use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::{Config, SmtpSecurity};

/// One message as it leaves: addresses, headers and both parts, links already absolute.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub from: String,
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// Kept with the queued message, so every retry carries the same one.
    pub message_id: String,
    /// Messages about one revision share a thread.
    pub thread_id: Option<String>,
}

/// How messages leave.
#[derive(Clone)]
pub enum Mailer {
    Smtp {
        transport: AsyncSmtpTransport<Tokio1Executor>,
        description: String,
    },
    Files {
        transport: AsyncFileTransport<Tokio1Executor>,
        dir: PathBuf,
    },
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe())
    }
}

impl Mailer {
    pub fn from_config(config: &Config) -> Result<Self, String> {
        let Some(smtp) = &config.smtp else {
            let dir = config.data_dir.join("mail");
            std::fs::create_dir_all(&dir)
                .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
            return Ok(Mailer::Files {
                transport: AsyncFileTransport::new(&dir),
                dir,
            });
        };
        let builder = match smtp.security {
            SmtpSecurity::ImplicitTls => AsyncSmtpTransport::<Tokio1Executor>::relay(&smtp.host),
            SmtpSecurity::StartTls => {
                AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&smtp.host)
            }
            SmtpSecurity::Plain => Ok(AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(
                &smtp.host,
            )),
        }
        .map_err(|e| format!("SMTP server {}: {e}", smtp.host))?;
        let mut builder = builder
            .port(smtp.port)
            .timeout(Some(Duration::from_secs(30)));
        if let (Some(user), Some(password)) = (&smtp.username, &smtp.password) {
            builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
        }
        Ok(Mailer::Smtp {
            transport: builder.build(),
            description: smtp.describe(),
        })
    }

    pub fn describe(&self) -> String {
        match self {
            Mailer::Smtp { description, .. } => format!("SMTP {description}"),
            Mailer::Files { dir, .. } => format!(".eml files in {}", dir.display()),
        }
    }

    /// Sends one message. The error is a sentence for the admin mail page.
    pub async fn send(&self, outgoing: &Outgoing) -> Result<(), String> {
        let message = build(outgoing)?;
        match self {
            Mailer::Smtp { transport, .. } => transport
                .send(message)
                .await
                .map(|_| ())
                .map_err(|e| e.to_string()),
            Mailer::Files { transport, .. } => transport
                .send(message)
                .await
                .map(|_| ())
                .map_err(|e| e.to_string()),
        }
    }
}

/// The message: its stored Message-ID (so a resend is recognisable), threading headers per
/// revision, and text and HTML alternatives.
fn build(outgoing: &Outgoing) -> Result<Message, String> {
    let from: Mailbox = outgoing
        .from
        .parse()
        .map_err(|e| format!("bad From address '{}': {e}", outgoing.from))?;
    let to: Mailbox = outgoing
        .to
        .parse()
        .map_err(|e| format!("bad recipient address '{}': {e}", outgoing.to))?;
    let mut builder = Message::builder()
        .from(from)
        .to(to)
        .subject(outgoing.subject.clone())
        .message_id(Some(outgoing.message_id.clone()))
        .header(AutoSubmitted);
    if let Some(thread) = &outgoing.thread_id {
        builder = builder
            .in_reply_to(thread.clone())
            .references(thread.clone());
    }
    builder
        .multipart(MultiPart::alternative_plain_html(
            outgoing.text.clone(),
            outgoing.html.clone(),
        ))
        .map_err(|e| format!("cannot build the message: {e}"))
}

/// `Auto-Submitted: auto-generated` (RFC 3834): auto-responders must not answer.
#[derive(Clone)]
struct AutoSubmitted;

impl lettre::message::header::Header for AutoSubmitted {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("Auto-Submitted")
    }

    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(AutoSubmitted)
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "auto-generated".into())
    }
}
