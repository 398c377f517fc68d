//! The server as an operator runs it: the `imprimatur` binary in its own process, on a real
//! database, its output captured to a file, started, killed with SIGKILL and restarted.
//!
//! The binary is the release build named by `IMPRIMATUR_TEST_RELEASE_BIN` (CI builds it and
//! sets it), or else the debug build cargo made for the tests.

use std::fs::OpenOptions;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use imprimatur::config::DatabaseUrl;
use imprimatur::domain::roles::Role;
use imprimatur::ids::UserId;
use imprimatur::services::accounts::{self, InviteInput, SetPasswordInput};
use imprimatur::services::{Caller, Env};

use crate::support::smtp::free_port;
use crate::support::{PASSWORD, TestDatabase};

/// The binary to run, and which build it is.
pub fn binary() -> (PathBuf, &'static str) {
    match std::env::var("IMPRIMATUR_TEST_RELEASE_BIN") {
        Ok(path) if !path.is_empty() => (PathBuf::from(path), "release"),
        _ => (PathBuf::from(env!("CARGO_BIN_EXE_imprimatur")), "debug"),
    }
}

pub fn database_url(database: &TestDatabase) -> String {
    match &database.url {
        DatabaseUrl::Sqlite(path) => format!("sqlite://{}", path.display()),
        DatabaseUrl::Postgres(url) => url.clone(),
    }
}

/// Creates an account with the test password, through the use cases, before the server
/// runs (so it prints no first-admin link).
pub fn seed_person(env: &Env, email: &str, name: &str, roles: &[Role]) -> UserId {
    let invite = InviteInput {
        email: email.into(),
        display_name: name.into(),
        credentials: String::new(),
        roles: roles.iter().copied().collect(),
    };
    let link = env
        .ctx(|ctx| accounts::invite(ctx, &Caller::system(), &invite))
        .unwrap();
    let input = SetPasswordInput {
        password: PASSWORD.into(),
        password_confirm: PASSWORD.into(),
        ..SetPasswordInput::default()
    };
    accounts::redeem_link(env, &link.token, &input, "127.0.0.1").unwrap()
}

pub struct ServerProcess {
    child: Option<Child>,
    pub base_url: String,
    port: u16,
    database_url: String,
    data_dir: PathBuf,
    log: PathBuf,
    rust_log: String,
    pub starts: usize,
}

impl ServerProcess {
    /// Starts the server and waits until it answers `/healthz`.
    pub async fn start(database: &TestDatabase, data_dir: &Path, rust_log: &str) -> Self {
        let port = free_port();
        let mut server = ServerProcess {
            child: None,
            base_url: format!("http://127.0.0.1:{port}"),
            port,
            database_url: database_url(database),
            data_dir: data_dir.to_owned(),
            log: data_dir.join("server.log"),
            rust_log: rust_log.to_owned(),
            starts: 0,
        };
        server.spawn().await;
        server
    }

    async fn spawn(&mut self) {
        let (binary, _) = binary();
        let log = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log)
            .unwrap();
        let child = Command::new(&binary)
            .arg("serve")
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("IMPRIMATUR_DATABASE_URL", &self.database_url)
            .env("IMPRIMATUR_BIND", format!("127.0.0.1:{}", self.port))
            .env("IMPRIMATUR_PUBLIC_URL", &self.base_url)
            .env("IMPRIMATUR_DATA_DIR", &self.data_dir)
            .env("IMPRIMATUR_MAIL_RETRY_SECONDS", "1")
            .env("IMPRIMATUR_MAIL_LEASE_SECONDS", "2")
            .env("RUST_LOG", &self.rust_log)
            .stdout(Stdio::from(log.try_clone().unwrap()))
            .stderr(Stdio::from(log))
            .stdin(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", binary.display()));
        self.child = Some(child);
        self.starts += 1;
        let deadline = Instant::now() + Duration::from_secs(60);
        let http = reqwest::Client::new();
        loop {
            if let Ok(answer) = http.get(format!("{}/healthz", self.base_url)).send().await
                && answer.status() == 200
            {
                return;
            }
            if let Some(status) = self
                .child
                .as_mut()
                .and_then(|c| c.try_wait().ok().flatten())
            {
                panic!("the server exited with {status}:\n{}", self.logs());
            }
            assert!(
                Instant::now() < deadline,
                "the server did not answer within a minute:\n{}",
                self.logs()
            );
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    /// `kill -9`: no signal handler runs, nothing is flushed.
    pub fn kill9(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill().unwrap();
            child.wait().unwrap();
        }
    }

    pub async fn restart(&mut self) {
        self.spawn().await;
    }

    /// SIGTERM, as an init system stops it, and waits for it to exit.
    pub fn terminate(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = Command::new("kill")
                .args(["-TERM", &child.id().to_string()])
                .status();
            let deadline = Instant::now() + Duration::from_secs(20);
            while child.try_wait().ok().flatten().is_none() {
                if Instant::now() > deadline {
                    let _ = child.kill();
                    break;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            let _ = child.wait();
        }
    }

    /// Everything the server wrote to stdout and stderr, over every start.
    pub fn logs(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Runs another command of the same binary on the same database.
    pub fn command(&self, args: &[&str]) -> std::process::Output {
        Command::new(binary().0)
            .args(args)
            .env("IMPRIMATUR_DATABASE_URL", &self.database_url)
            .env("IMPRIMATUR_DATA_DIR", &self.data_dir)
            .env("RUST_LOG", "warn")
            .output()
            .unwrap()
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}
