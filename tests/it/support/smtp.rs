//! A real SMTP server for mail tests: aiosmtpd (from PyPI) writing every delivered message
//! into a Maildir, started and stopped by PID on a free loopback port.

use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::skip;

/// A delivered message, parsed.
#[derive(Debug, Clone)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub message_id: String,
    pub references: String,
    pub text: String,
    pub html: String,
}

impl Mail {
    /// The first link in the text part that starts with `base`.
    pub fn link(&self, base: &str) -> Option<String> {
        let start = self.text.find(base)?;
        Some(self.text[start..].split_whitespace().next()?.to_owned())
    }
}

pub struct SmtpServer {
    pub port: u16,
    dir: tempfile::TempDir,
    child: Option<Child>,
}

/// A free loopback port.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn aiosmtpd_available() -> bool {
    Command::new("python3")
        .args(["-c", "import aiosmtpd"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

impl SmtpServer {
    /// Starts a server on a free port; `None` (after saying so) without aiosmtpd.
    pub fn start(test: &str) -> Option<SmtpServer> {
        if !aiosmtpd_available() {
            skip(
                test,
                "python3 with aiosmtpd is not installed (pip install aiosmtpd)",
            );
            return None;
        }
        let mut server = SmtpServer {
            port: free_port(),
            dir: tempfile::tempdir().unwrap(),
            child: None,
        };
        server.resume();
        Some(server)
    }

    /// The URL the app is configured with.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Stops the server (by PID); delivered messages stay readable.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        let deadline = Instant::now() + Duration::from_secs(5);
        while TcpStream::connect(("127.0.0.1", self.port)).is_ok() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Starts (again) on the same port, into the same Maildir.
    pub fn resume(&mut self) {
        let maildir: PathBuf = self.dir.path().join("maildir");
        let child = Command::new("python3")
            .args([
                "-m",
                "aiosmtpd",
                "-n",
                "-l",
                &format!("127.0.0.1:{}", self.port),
                "-c",
                "aiosmtpd.handlers.Mailbox",
            ])
            .arg(&maildir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 -m aiosmtpd");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "aiosmtpd did not start listening"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Every message delivered so far, in the order they arrived.
    pub fn messages(&self) -> Vec<Mail> {
        let mut files = Vec::new();
        for folder in ["new", "cur"] {
            let Ok(entries) = std::fs::read_dir(self.dir.path().join("maildir").join(folder))
            else {
                continue;
            };
            for entry in entries.flatten() {
                let modified = entry.metadata().and_then(|m| m.modified()).unwrap();
                files.push((modified, entry.path()));
            }
        }
        files.sort();
        files
            .iter()
            .map(|(_, path)| parse(&std::fs::read(path).unwrap()))
            .collect()
    }

    /// Waits until at least `n` messages arrived (or `timeout` passed); returns them all.
    pub async fn wait_for(&self, n: usize, timeout: Duration) -> Vec<Mail> {
        self.wait_until(|messages| messages.len() >= n, timeout)
            .await
    }

    /// Waits until the messages so far satisfy `done` (or `timeout` passed); returns them all.
    pub async fn wait_until(&self, done: impl Fn(&[Mail]) -> bool, timeout: Duration) -> Vec<Mail> {
        let deadline = Instant::now() + timeout;
        loop {
            let messages = self.messages();
            if done(&messages) || Instant::now() >= deadline {
                return messages;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        self.stop();
    }
}

fn parse(raw: &[u8]) -> Mail {
    use mailparse::MailHeaderMap;
    let parsed = mailparse::parse_mail(raw).unwrap();
    let header = |name: &str| parsed.headers.get_first_value(name).unwrap_or_default();
    let mut text = String::new();
    let mut html = String::new();
    for part in std::iter::once(&parsed).chain(parsed.subparts.iter()) {
        match part.ctype.mimetype.as_str() {
            "text/plain" => text = part.get_body().unwrap(),
            "text/html" => html = part.get_body().unwrap(),
            _ => {}
        }
    }
    // "Name <address>", however the sender quoted or encoded the name (parsed from the raw
    // header: decoding RFC 2047 words first would lose the quoting).
    let to_header = parsed.headers.get_first_header("To").expect("a To header");
    let to = match mailparse::addrparse_header(to_header).unwrap().first() {
        Some(mailparse::MailAddr::Single(single)) => match &single.display_name {
            Some(name) => format!("{name} <{}>", single.addr),
            None => single.addr.clone(),
        },
        _ => header("To"),
    };
    Mail {
        to,
        subject: header("Subject"),
        message_id: header("Message-ID"),
        references: header("References"),
        text,
        html,
    }
}

impl super::TestApp {
    /// An app whose mail goes to a fresh aiosmtpd; `None` (after saying why) when the
    /// backend or aiosmtpd is unavailable.
    pub fn spawn_with_smtp(backend: super::Backend, test: &str) -> Option<(Self, SmtpServer)> {
        if backend == super::Backend::Postgres
            && std::env::var("IMPRIMATUR_TEST_POSTGRES_URL").is_err()
        {
            skip(test, "IMPRIMATUR_TEST_POSTGRES_URL is not set");
            return None;
        }
        let smtp = SmtpServer::start(test)?;
        let url = smtp.url();
        let app = Self::spawn_with(backend, test, |config| {
            config.smtp = Some(imprimatur::config::SmtpSettings::parse(&url).unwrap());
            config.mail_from = "Health Answers <reviews@example.org>".into();
        })?;
        Some((app, smtp))
    }
}
