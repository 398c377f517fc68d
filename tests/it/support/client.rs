//! A cookie-keeping HTTP client that follows no redirects, so tests see every 303.

use std::sync::{Arc, Mutex};

use reqwest::cookie::{CookieStore, Jar};
use reqwest::header::HeaderMap;

/// One response, read whole.
#[derive(Debug, Clone)]
pub struct Page {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: String,
}

impl Page {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn location(&self) -> Option<&str> {
        self.header("location")
    }

    /// All `Set-Cookie` headers.
    pub fn set_cookies(&self) -> Vec<String> {
        self.headers
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok().map(str::to_owned))
            .collect()
    }

    /// The value of the first hidden `csrf_token` field.
    pub fn csrf_token(&self) -> Option<String> {
        self.field("csrf_token")
    }

    /// The value of the first form field called `name`: an input's `value` (wherever the
    /// attribute is in the tag), or a textarea's text, with HTML entities decoded.
    pub fn field(&self, name: &str) -> Option<String> {
        let marker = format!("name=\"{name}\"");
        let at = self.body.find(&marker)?;
        let open = self.body[..at].rfind('<')?;
        let close = at + self.body[at..].find('>')?;
        let tag = &self.body[open..close];
        if tag.starts_with("<textarea") {
            let end = self.body[close..].find("</textarea>")?;
            return Some(unescape(&self.body[close + 1..close + end]));
        }
        let value = attribute_after(tag, "value=\"").unwrap_or_default();
        Some(unescape(&value))
    }

    /// The text of the first `/setup/<token>` link on the page.
    pub fn setup_link(&self) -> Option<String> {
        let start = self.body.find("/setup/")?;
        let token: String = self.body[start + 7..]
            .chars()
            .take_while(char::is_ascii_hexdigit)
            .collect();
        (token.len() == 64).then(|| format!("/setup/{token}"))
    }

    #[track_caller]
    pub fn assert_status(&self, status: u16) -> &Self {
        assert_eq!(
            self.status, status,
            "unexpected status; body:\n{}",
            self.body
        );
        self
    }

    #[track_caller]
    pub fn assert_contains(&self, text: &str) -> &Self {
        assert!(
            self.body.contains(text),
            "expected {text:?} in:\n{}",
            self.body
        );
        self
    }

    #[track_caller]
    pub fn assert_redirect(&self, to: &str) -> &Self {
        assert_eq!(
            self.status, 303,
            "expected a redirect; body:\n{}",
            self.body
        );
        assert_eq!(self.location(), Some(to));
        self
    }
}

/// Undoes askama's HTML escaping.
fn unescape(text: &str) -> String {
    text.replace("&#60;", "<")
        .replace("&#62;", ">")
        .replace("&#34;", "\"")
        .replace("&#39;", "'")
        .replace("&#38;", "&")
}

fn attribute_after(body: &str, marker: &str) -> Option<String> {
    let start = body.find(marker)? + marker.len();
    let end = body[start..].find('"')?;
    Some(body[start..start + end].to_owned())
}

pub struct Client {
    http: reqwest::Client,
    base: String,
    jar: Arc<Jar>,
    csrf: Mutex<Option<String>>,
}

impl Client {
    pub fn new(base: &str) -> Self {
        imprimatur::services::webhooks::install_tls_provider();
        let jar = Arc::new(Jar::default());
        let http = reqwest::Client::builder()
            .cookie_provider(jar.clone())
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        Self {
            http,
            base: base.to_owned(),
            jar,
            csrf: Mutex::new(None),
        }
    }

    async fn read(&self, response: reqwest::Response) -> Page {
        let page = Page {
            status: response.status().as_u16(),
            headers: response.headers().clone(),
            body: response.text().await.unwrap(),
        };
        if let Some(token) = page.csrf_token() {
            *self.csrf.lock().unwrap() = Some(token);
        }
        page
    }

    pub async fn get(&self, path: &str) -> Page {
        let response = self
            .http
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap();
        self.read(response).await
    }

    /// Posts a form exactly as given (no CSRF token added).
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let response = self
            .http
            .post(format!("{}{path}", self.base))
            .form(fields)
            .send()
            .await
            .unwrap();
        self.read(response).await
    }

    /// Posts a form with the CSRF token of the last page this client loaded.
    pub async fn submit(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let token = self
            .last_csrf()
            .expect("no page with a csrf_token was loaded yet");
        let mut all: Vec<(&str, &str)> = vec![("csrf_token", &token)];
        all.extend_from_slice(fields);
        self.post(path, &all).await
    }

    /// Loads `path` (for its form's CSRF token), then posts the form back to it.
    pub async fn submit_after_get(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        self.get(path).await;
        self.submit(path, fields).await
    }

    pub fn last_csrf(&self) -> Option<String> {
        self.csrf.lock().unwrap().clone()
    }

    /// Signs in through the form; returns the answer to the POST.
    pub async fn sign_in(&self, email: &str, password: &str) -> Page {
        self.get("/login").await.assert_status(200);
        self.submit("/login", &[("email", email), ("password", password)])
            .await
    }

    /// The `Cookie` header this client would send.
    pub fn cookie_header(&self) -> Option<String> {
        let url = self.base.parse().unwrap();
        self.jar
            .cookies(&url)
            .and_then(|v| v.to_str().ok().map(str::to_owned))
    }

    /// The value of the cookie called `name` this client holds.
    pub fn cookie(&self, name: &str) -> Option<String> {
        let header = self.cookie_header()?;
        header.split("; ").find_map(|pair| {
            pair.split_once('=')
                .filter(|(n, _)| *n == name)
                .map(|(_, v)| v.to_owned())
        })
    }

    /// Puts a cookie in this client's jar, as if the server had set it.
    pub fn set_cookie(&self, name: &str, value: &str) {
        let url = self.base.parse().unwrap();
        self.jar
            .add_cookie_str(&format!("{name}={value}; Path=/"), &url);
    }

    /// A GET with a given `Cookie` header and nothing from the jar.
    pub async fn get_with_cookie(base: &str, path: &str, cookie: &str) -> Page {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let response = http
            .get(format!("{base}{path}"))
            .header("cookie", cookie)
            .send()
            .await
            .unwrap();
        Page {
            status: response.status().as_u16(),
            headers: response.headers().clone(),
            body: response.text().await.unwrap(),
        }
    }

    /// The underlying reqwest client, for requests the helpers do not cover.
    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }
}
