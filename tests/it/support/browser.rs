//! A real headless Chromium driven through chromedriver (WebDriver), for browser tests.

use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder};

use super::skip;

pub struct Browser {
    pub client: Client,
    driver: Child,
    _profile: tempfile::TempDir,
}

fn find(env: &str, candidates: &[&str]) -> Option<PathBuf> {
    if let Ok(path) = std::env::var(env) {
        return Some(PathBuf::from(path));
    }
    let path_dirs = std::env::var("PATH").unwrap_or_default();
    for name in candidates {
        for dir in path_dirs
            .split(':')
            .chain(["/usr/bin", "/usr/lib/chromium"])
        {
            let candidate = PathBuf::from(dir).join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
    }
    None
}

impl Browser {
    /// Starts chromedriver and a headless Chromium; `None` (after saying so) when either is
    /// not installed.
    pub async fn start(test: &str) -> Option<Browser> {
        Self::start_with(test, true).await
    }

    /// As [`Browser::start`], with the pages' JavaScript switched off: what a reader
    /// without scripts gets.
    pub async fn without_javascript(test: &str) -> Option<Browser> {
        Self::start_with(test, false).await
    }

    async fn start_with(test: &str, javascript: bool) -> Option<Browser> {
        let Some(driver_path) = find("CHROMEDRIVER", &["chromedriver"]) else {
            skip(
                test,
                "chromedriver is not installed (apt-get install chromium-driver)",
            );
            return None;
        };
        let Some(chromium) = find(
            "CHROMIUM",
            &["chromium", "chromium-browser", "google-chrome"],
        ) else {
            skip(test, "chromium is not installed (apt-get install chromium)");
            return None;
        };
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        // In a process group of its own, with the Chromium it starts, so that a test that
        // ends (or panics) without `close` can still stop both: killing chromedriver alone
        // leaves Chromium running.
        let driver = Command::new(&driver_path)
            .process_group(0)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", driver_path.display()));
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "chromedriver did not start listening"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let profile = tempfile::tempdir().unwrap();
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            serde_json::json!({
                "binary": chromium,
                "args": [
                    "--headless=new",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-dev-shm-usage",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--disable-quic",
                    "--no-first-run",
                    "--window-size=1280,900",
                    format!("--user-data-dir={}", profile.path().display()),
                ],
                // 2 blocks scripts on every site.
                "prefs": {
                    "profile.managed_default_content_settings.javascript":
                        if javascript { 1 } else { 2 },
                },
            }),
        );
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let client = ClientBuilder::new(connector)
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .unwrap_or_else(|e| panic!("cannot start a Chromium session: {e}"));
        Some(Browser {
            client,
            driver,
            _profile: profile,
        })
    }

    /// Ends the browser session (Chromium exits); dropping it then stops chromedriver.
    pub async fn close(self) {
        let _ = self.client.clone().close().await;
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // The whole group: chromedriver and every Chromium process it started.
        let group = format!("-{}", self.driver.id());
        let _ = Command::new("kill")
            .args(["-KILL", "--", &group])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}
