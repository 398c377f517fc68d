//! Typed settings, read once from the environment at start-up and passed around as app state.
//!
//! Every setting has a default that needs no set-up; a bad value stops start-up with one line
//! naming the variable.

use std::net::SocketAddr;
use std::path::PathBuf;

use chrono::Duration;

/// Which database the URL selects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// A PostgreSQL connection string, passed to libpq as given.
    Postgres(String),
    /// A path to an SQLite file (created with its directory on first start).
    Sqlite(PathBuf),
}

impl DatabaseUrl {
    /// Parses `postgres://…`, `postgresql://…`, `sqlite://path` or `sqlite:path`.
    pub fn parse(value: &str) -> Result<Self, String> {
        let value = value.trim();
        if value.starts_with("postgres://") || value.starts_with("postgresql://") {
            return Ok(Self::Postgres(value.to_owned()));
        }
        let path = value
            .strip_prefix("sqlite://")
            .or_else(|| value.strip_prefix("sqlite:"))
            .ok_or_else(|| {
                format!("'{value}' is neither postgres://… nor sqlite://path (e.g. sqlite://data/imprimatur.db)")
            })?;
        if path.is_empty() || path == ":memory:" || path.contains('?') {
            return Err(format!(
                "'{value}' must name an SQLite file (in-memory databases and URL options are not supported)"
            ));
        }
        Ok(Self::Sqlite(PathBuf::from(path)))
    }

    /// The URL with any password replaced, for logs and console output.
    pub fn redacted(&self) -> String {
        match self {
            Self::Sqlite(path) => format!("sqlite://{}", path.display()),
            Self::Postgres(url) => redact_password(url),
        }
    }
}

fn redact_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let (authority, tail) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _)) => format!("{scheme}://{user}:***@{host}{tail}"),
            None => url.to_owned(),
        },
        None => url.to_owned(),
    }
}

/// How to reach the SMTP server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub username: Option<String>,
    pub password: Option<String>,
    pub security: SmtpSecurity,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpSecurity {
    /// `smtps://`: TLS from the first byte (port 465 by default).
    ImplicitTls,
    /// `smtp://` to another host: STARTTLS, required (port 587 by default).
    StartTls,
    /// `smtp://` to this machine (127.0.0.1, ::1, localhost): no TLS, for local relays.
    Plain,
}

impl SmtpSettings {
    /// Parses `smtp://user:pass@host:587`, `smtps://…` or `smtp://127.0.0.1:2525`.
    pub fn parse(value: &str) -> Result<Self, String> {
        let url = url::Url::parse(value.trim()).map_err(|e| format!("not a URL ({e})"))?;
        let host = url
            .host_str()
            .filter(|h| !h.is_empty())
            .ok_or("has no host")?
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_owned();
        let local = host == "localhost"
            || host
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback());
        let security = match url.scheme() {
            "smtps" => SmtpSecurity::ImplicitTls,
            "smtp" if local => SmtpSecurity::Plain,
            "smtp" => SmtpSecurity::StartTls,
            other => return Err(format!("'{other}://' is not smtp:// or smtps://")),
        };
        let decode = |s: &str| {
            url::form_urlencoded::parse(format!("v={s}").as_bytes())
                .next()
                .map(|(_, v)| v.into_owned())
                .unwrap_or_default()
        };
        let username = Some(url.username()).filter(|u| !u.is_empty()).map(decode);
        let password = url.password().map(decode);
        let port = url.port().unwrap_or(match security {
            SmtpSecurity::ImplicitTls => 465,
            SmtpSecurity::StartTls => 587,
            SmtpSecurity::Plain => 25,
        });
        Ok(Self {
            host,
            port,
            username,
            password,
            security,
        })
    }

    /// For logs: no password.
    pub fn describe(&self) -> String {
        let scheme = if self.security == SmtpSecurity::ImplicitTls {
            "smtps"
        } else {
            "smtp"
        };
        let user = self
            .username
            .as_deref()
            .map(|u| format!("{u}@"))
            .unwrap_or_default();
        format!("{scheme}://{user}{}:{}", self.host, self.port)
    }
}

/// Everything the server needs to know about its surroundings.
#[derive(Debug, Clone)]
pub struct Config {
    pub database_url: DatabaseUrl,
    pub bind: SocketAddr,
    /// Base URL used in links (setup links, emails), without a trailing slash.
    pub public_url: String,
    pub data_dir: PathBuf,
    /// A session not used for this long is refused.
    pub session_idle: Duration,
    /// A session older than this is refused however active it is.
    pub session_absolute: Duration,
    /// Take the client address from `X-Forwarded-For` (only behind a reverse proxy you run).
    pub behind_proxy: bool,
    /// Where mail goes; `None` writes `.eml` files under `data_dir/mail` instead.
    pub smtp: Option<SmtpSettings>,
    /// The From of every message ("Name <address>").
    pub mail_from: String,
    /// A message that could not be delivered for this long is given up (and audited).
    pub mail_max_age: Duration,
    /// The first retry waits this long; each next one twice as long (at most an hour).
    pub mail_retry_base: Duration,
    /// How long a worker holds the messages it claimed before another may take them over.
    pub mail_lease: Duration,
    /// Requests one API token may make per minute, per server instance.
    pub api_rate_per_minute: u32,
    /// Webhooks may deliver to this machine over plain http (for tests and a receiver
    /// beside the server); otherwise only https addresses are taken.
    pub webhooks_allow_loopback: bool,
    /// The first webhook retry waits this long; each next one twice as long (at most six
    /// hours).
    pub webhook_retry_base: Duration,
}

/// A setting that could not be read; `Display` is the one line shown at start-up.
#[derive(Debug, thiserror::Error)]
#[error("{variable}: {message}")]
pub struct ConfigError {
    pub variable: &'static str,
    pub message: String,
}

impl Config {
    /// Reads the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads settings through `lookup` (the environment in production, a map in tests).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());

        let data_dir = PathBuf::from(get("IMPRIMATUR_DATA_DIR").unwrap_or_else(|| "data".into()));
        let database_url = match get("IMPRIMATUR_DATABASE_URL") {
            Some(value) => DatabaseUrl::parse(&value).map_err(|message| ConfigError {
                variable: "IMPRIMATUR_DATABASE_URL",
                message,
            })?,
            None => DatabaseUrl::Sqlite(data_dir.join("imprimatur.db")),
        };
        let bind: SocketAddr = match get("IMPRIMATUR_BIND") {
            Some(value) => value.trim().parse().map_err(|_| ConfigError {
                variable: "IMPRIMATUR_BIND",
                message: format!("'{value}' is not an address:port (e.g. 127.0.0.1:8080)"),
            })?,
            None => SocketAddr::from(([127, 0, 0, 1], 8080)),
        };
        let public_url = match get("IMPRIMATUR_PUBLIC_URL") {
            Some(value) => parse_public_url(&value).map_err(|message| ConfigError {
                variable: "IMPRIMATUR_PUBLIC_URL",
                message,
            })?,
            None => format!("http://{bind}"),
        };
        let session_idle = minutes(&get, "IMPRIMATUR_SESSION_IDLE_MINUTES", 120)?;
        let session_absolute = minutes(&get, "IMPRIMATUR_SESSION_MAX_HOURS", 12)?
            .checked_mul(60)
            .map(Duration::minutes)
            .ok_or_else(|| ConfigError {
                variable: "IMPRIMATUR_SESSION_MAX_HOURS",
                message: "is too large".into(),
            })?;
        let smtp = match get("IMPRIMATUR_SMTP_URL") {
            Some(value) => Some(SmtpSettings::parse(&value).map_err(|message| ConfigError {
                variable: "IMPRIMATUR_SMTP_URL",
                message: format!("{message} (e.g. smtp://user:password@mail.example.org:587)"),
            })?),
            None => None,
        };
        let mail_from = match get("IMPRIMATUR_MAIL_FROM") {
            Some(value) => check_mailbox(&value).map_err(|message| ConfigError {
                variable: "IMPRIMATUR_MAIL_FROM",
                message,
            })?,
            None => "Imprimatur <noreply@localhost>".to_owned(),
        };
        let mail_max_age = Duration::hours(minutes(&get, "IMPRIMATUR_MAIL_MAX_AGE_HOURS", 48)?);
        let mail_retry_base =
            Duration::seconds(minutes(&get, "IMPRIMATUR_MAIL_RETRY_SECONDS", 30)?);
        let mail_lease = Duration::seconds(minutes(&get, "IMPRIMATUR_MAIL_LEASE_SECONDS", 300)?);
        let api_rate_per_minute =
            u32::try_from(minutes(&get, "IMPRIMATUR_API_RATE_PER_MINUTE", 600)?).unwrap_or(600);
        let behind_proxy = flag(&get, "IMPRIMATUR_BEHIND_PROXY")?;
        let webhooks_allow_loopback = flag(&get, "IMPRIMATUR_WEBHOOKS_ALLOW_LOOPBACK")?;
        let webhook_retry_base =
            Duration::seconds(minutes(&get, "IMPRIMATUR_WEBHOOK_RETRY_SECONDS", 30)?);

        Ok(Self {
            database_url,
            bind,
            public_url,
            data_dir,
            session_idle: Duration::minutes(session_idle),
            session_absolute,
            behind_proxy,
            smtp,
            mail_from,
            mail_max_age,
            mail_retry_base,
            mail_lease,
            api_rate_per_minute,
            webhooks_allow_loopback,
            webhook_retry_base,
        })
    }

    /// Cookies get `Secure` and the `__Host-` prefix when the public URL is https.
    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }

    /// How often mail delivery looks for due retries and for messages other server
    /// instances queued, when nothing in this one woke it: the retry delay, 1 to 5 seconds.
    pub fn mail_poll(&self) -> std::time::Duration {
        std::time::Duration::from_secs(
            u64::try_from(self.mail_retry_base.num_seconds())
                .unwrap_or(5)
                .clamp(1, 5),
        )
    }

    /// An absolute link to `path` (which starts with `/`).
    pub fn link(&self, path: &str) -> String {
        format!("{}{}", self.public_url, path)
    }
}

/// A true-or-false setting: absent, 0, false or no is false; 1, true or yes is true.
fn flag(
    get: &impl Fn(&str) -> Option<String>,
    variable: &'static str,
) -> Result<bool, ConfigError> {
    match get(variable).as_deref().map(str::trim) {
        None | Some("0" | "false" | "no") => Ok(false),
        Some("1" | "true" | "yes") => Ok(true),
        Some(other) => Err(ConfigError {
            variable,
            message: format!("'{other}' is not true or false"),
        }),
    }
}

fn minutes(
    get: &impl Fn(&str) -> Option<String>,
    variable: &'static str,
    default: i64,
) -> Result<i64, ConfigError> {
    let Some(value) = get(variable) else {
        return Ok(default);
    };
    match value.trim().parse::<i64>() {
        Ok(n) if (1..=100_000).contains(&n) => Ok(n),
        _ => Err(ConfigError {
            variable,
            message: format!("'{value}' is not a whole number between 1 and 100000"),
        }),
    }
}

/// "Name <address@host>" or "address@host".
fn check_mailbox(value: &str) -> Result<String, String> {
    let value = value.trim();
    let address = match (value.rfind('<'), value.ends_with('>')) {
        (Some(open), true) => &value[open + 1..value.len() - 1],
        (None, false) => value,
        _ => {
            return Err(format!(
                "'{value}' is not like \"Name <address@example.org>\""
            ));
        }
    };
    match address.split_once('@') {
        Some((local, domain))
            if !local.is_empty()
                && !domain.is_empty()
                && !address.contains(char::is_whitespace) =>
        {
            Ok(value.to_owned())
        }
        _ => Err(format!(
            "'{value}' is not like \"Name <address@example.org>\""
        )),
    }
}

fn parse_public_url(value: &str) -> Result<String, String> {
    let value = value.trim().trim_end_matches('/');
    let rest = value
        .strip_prefix("https://")
        .or_else(|| value.strip_prefix("http://"))
        .ok_or_else(|| format!("'{value}' must start with http:// or https://"))?;
    if rest.is_empty() || rest.contains(['?', '#', ' ']) {
        return Err(format!(
            "'{value}' must be a base URL like https://reviews.example.org"
        ));
    }
    Ok(value.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        Config::from_lookup(|name| map.get(name).cloned())
    }

    #[test]
    fn defaults_need_no_setup() {
        let c = config(&[]).unwrap();
        assert_eq!(
            c.database_url,
            DatabaseUrl::Sqlite(PathBuf::from("data/imprimatur.db"))
        );
        assert_eq!(c.bind.to_string(), "127.0.0.1:8080");
        assert_eq!(c.public_url, "http://127.0.0.1:8080");
        assert!(!c.secure_cookies());
        assert_eq!(c.session_idle, Duration::hours(2));
        assert_eq!(c.session_absolute, Duration::hours(12));
    }

    #[test]
    fn postgres_url_selects_postgres() {
        let c = config(&[("IMPRIMATUR_DATABASE_URL", "postgres://u:secret@db/imp")]).unwrap();
        assert!(matches!(c.database_url, DatabaseUrl::Postgres(_)));
        assert_eq!(c.database_url.redacted(), "postgres://u:***@db/imp");
    }

    #[test]
    fn https_public_url_turns_on_secure_cookies() {
        let c = config(&[("IMPRIMATUR_PUBLIC_URL", "https://reviews.example.org/")]).unwrap();
        assert!(c.secure_cookies());
        assert_eq!(c.link("/setup/x"), "https://reviews.example.org/setup/x");
    }

    #[test]
    fn bad_values_name_the_variable() {
        for (var, value) in [
            ("IMPRIMATUR_BIND", "localhost"),
            ("IMPRIMATUR_DATABASE_URL", "mysql://x"),
            ("IMPRIMATUR_DATABASE_URL", "sqlite://:memory:"),
            ("IMPRIMATUR_PUBLIC_URL", "example.org"),
            ("IMPRIMATUR_SESSION_IDLE_MINUTES", "-5"),
            ("IMPRIMATUR_BEHIND_PROXY", "maybe"),
            ("IMPRIMATUR_SMTP_URL", "http://mail.example.org"),
            ("IMPRIMATUR_SMTP_URL", "smtp://"),
            ("IMPRIMATUR_MAIL_FROM", "not an address"),
            ("IMPRIMATUR_MAIL_MAX_AGE_HOURS", "0"),
        ] {
            let err = config(&[(var, value)]).unwrap_err();
            assert_eq!(err.variable, var);
            assert!(err.to_string().starts_with(var), "{err}");
        }
    }

    #[test]
    fn smtp_urls_choose_their_security_by_scheme_and_host() {
        let remote = SmtpSettings::parse("smtp://user%40org:p%40ss@mail.example.org").unwrap();
        assert_eq!(remote.security, SmtpSecurity::StartTls);
        assert_eq!(remote.port, 587);
        assert_eq!(remote.username.as_deref(), Some("user@org"));
        assert_eq!(remote.password.as_deref(), Some("p@ss"));
        assert_eq!(remote.describe(), "smtp://user@org@mail.example.org:587");
        let implicit = SmtpSettings::parse("smtps://mail.example.org").unwrap();
        assert_eq!(
            (implicit.security, implicit.port),
            (SmtpSecurity::ImplicitTls, 465)
        );
        let local = SmtpSettings::parse("smtp://127.0.0.1:2525").unwrap();
        assert_eq!((local.security, local.port), (SmtpSecurity::Plain, 2525));
        assert_eq!(
            SmtpSettings::parse("smtp://[::1]:25").unwrap().security,
            SmtpSecurity::Plain
        );
        let c = config(&[]).unwrap();
        assert!(c.smtp.is_none());
        assert_eq!(c.mail_from, "Imprimatur <noreply@localhost>");
    }

    #[test]
    fn data_dir_moves_the_default_database() {
        let c = config(&[("IMPRIMATUR_DATA_DIR", "/srv/imp")]).unwrap();
        assert_eq!(
            c.database_url,
            DatabaseUrl::Sqlite(PathBuf::from("/srv/imp/imprimatur.db"))
        );
    }
}
