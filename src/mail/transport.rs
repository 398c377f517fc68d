//! Where messages go: an SMTP server (`IMPRIMATUR_SMTP_URL`), or `.eml` files under
//! `data/mail/` when none is configured, so the default set-up needs no mail server.
//!
//! Delivery is at least once: a message is marked sent after the transport accepted it, so
//! a server killed between the two sends it again on restart, with the same Message-ID
//! (mail clients show one). The file transport is exactly once: each message is one file
//! named after its Message-ID, written whole (a temporary file renamed into place) and not
//! written again if it is already there.
//!
//! Each message gets its own SMTP connection (lettre's connection pool is not used): the
//! volume of an editorial workflow is small, and a pool's background tasks would tie the
//! transport to one async runtime's lifetime.

use std::path::PathBuf;
use std::time::Duration;

use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

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
            remove_interrupted_writes(&dir)
                .map_err(|e| format!("cannot tidy {}: {e}", dir.display()))?;
            return Ok(Mailer::Files { dir });
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
            Mailer::Files { dir } => {
                let path = dir.join(file_name(&outgoing.message_id));
                let bytes = message.formatted();
                let written = tokio::task::spawn_blocking(move || write_once(&path, &bytes))
                    .await
                    .map_err(|e| format!("writing the message failed: {e}"))?
                    .map_err(|e| format!("cannot write the message: {e}"))?;
                if !written {
                    tracing::info!(
                        message_id = %outgoing.message_id,
                        "message file already written before a restart; not written again"
                    );
                }
                Ok(())
            }
        }
    }
}

/// The file of the message with this Message-ID: the id's letters, digits and `.-_@`.
fn file_name(message_id: &str) -> String {
    let id: String = message_id
        .trim_matches(['<', '>'])
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '@') {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{id}.eml")
}

/// Writes `bytes` to `path` unless a file is there already (then returns false): into a
/// temporary file first, flushed to disk, then renamed, so a reader (or a crash) never
/// sees half a message.
fn write_once(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<bool> {
    use std::io::Write;
    if path.exists() {
        return Ok(false);
    }
    let mut nonce = [0u8; 8];
    getrandom::fill(&mut nonce).map_err(std::io::Error::other)?;
    let temporary = path.with_extension(format!("{}.tmp", hex::encode(nonce)));
    let mut file = std::fs::File::create(&temporary)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    drop(file);
    std::fs::rename(&temporary, path)?;
    Ok(true)
}

/// Removes the temporary files of messages whose writing a crash interrupted (their
/// messages are still unsent in the outbox, and are written again).
fn remove_interrupted_writes(dir: &std::path::Path) -> std::io::Result<usize> {
    let mut removed = 0;
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "tmp") {
            std::fs::remove_file(&path)?;
            removed += 1;
        }
    }
    Ok(removed)
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

/// The `To` of a message to `name` at `email`, quoted as RFC 5322 needs, so any display
/// name (commas, quotes, brackets, parentheses, non-ASCII) reaches the person: the stored
/// recipient always parses back into the same name and address.
pub fn recipient(name: &str, email: &str) -> String {
    let name = name.trim();
    match email.parse::<lettre::Address>() {
        Ok(address) if !name.is_empty() => Mailbox::new(Some(name.to_owned()), address).to_string(),
        _ => email.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_file_is_named_after_its_message_id_and_written_once() {
        assert_eq!(
            file_name("<submitted.1a2b@reviews.example.org>"),
            "submitted.1a2b@reviews.example.org.eml"
        );
        assert_eq!(file_name("<../../etc/passwd>"), ".._.._etc_passwd.eml");
        let dir = tempfile_dir();
        let path = dir.join("m.eml");
        assert!(write_once(&path, b"first").unwrap());
        assert!(!write_once(&path, b"second").unwrap());
        assert_eq!(std::fs::read(&path).unwrap(), b"first");
        let files = std::fs::read_dir(&dir).unwrap().count();
        assert_eq!(files, 1, "no temporary file is left");
        std::fs::write(dir.join("n.0123.tmp"), b"half a mess").unwrap();
        assert_eq!(remove_interrupted_writes(&dir).unwrap(), 1);
        assert!(path.exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    fn tempfile_dir() -> PathBuf {
        let mut nonce = [0u8; 8];
        getrandom::fill(&mut nonce).unwrap();
        let dir = std::env::temp_dir().join(format!("imprimatur-mail-{}", hex::encode(nonce)));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn any_display_name_makes_a_recipient_that_parses_back() {
        for name in [
            "Rita Reviewer",
            "Smith, John",
            "Dr. O'Brien (Cardiology)",
            "\"Quoted\" \\ back\\slash",
            "<script>alert(1)</script>",
            "x\" y='z'></a></p><img src=x onerror=alert(1)>",
            "a@b; c:d [e]",
            "Zoë Ångström ✓",
            "",
        ] {
            let to = recipient(name, "rita@example.org");
            let parsed: Mailbox = to
                .parse()
                .unwrap_or_else(|e| panic!("{name:?} gave {to:?}, which does not parse: {e}"));
            assert_eq!(parsed.email.to_string(), "rita@example.org", "{name:?}");
            let expected = (!name.trim().is_empty()).then(|| name.trim().to_owned());
            assert_eq!(parsed.name, expected, "{name:?} gave {to:?}");
        }
    }
}
