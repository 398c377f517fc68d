//! Webhooks: which workflow events a program can be told of, which addresses may receive
//! them, how a delivery is signed, and when a failed one is tried again. Pure rules; the
//! outbox and the sending are `services::webhooks`.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use super::audit::AuditAction;

/// What a webhook can subscribe to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WebhookEvent {
    Submitted,
    ChangesRequested,
    Approved,
    Published,
    Rejected,
    Retracted,
}

impl WebhookEvent {
    pub const ALL: [WebhookEvent; 6] = [
        WebhookEvent::Submitted,
        WebhookEvent::ChangesRequested,
        WebhookEvent::Approved,
        WebhookEvent::Published,
        WebhookEvent::Rejected,
        WebhookEvent::Retracted,
    ];

    /// The `type` of the delivered event, and the name a subscription stores.
    pub fn as_str(self) -> &'static str {
        match self {
            WebhookEvent::Submitted => "revision.submitted",
            WebhookEvent::ChangesRequested => "revision.changes_requested",
            WebhookEvent::Approved => "revision.approved",
            WebhookEvent::Published => "article.published",
            WebhookEvent::Rejected => "revision.rejected",
            WebhookEvent::Retracted => "article.retracted",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            WebhookEvent::Submitted => "A revision is submitted for review",
            WebhookEvent::ChangesRequested => "A reviewer requests changes",
            WebhookEvent::Approved => "A reviewer approves (each approval)",
            WebhookEvent::Published => "An article is published (the approvals meet the policy)",
            WebhookEvent::Rejected => "A revision is rejected",
            WebhookEvent::Retracted => "An article is retracted",
        }
    }

    pub fn parse(value: &str) -> Option<WebhookEvent> {
        WebhookEvent::ALL.into_iter().find(|e| e.as_str() == value)
    }

    /// The event an audited action is, if programs can subscribe to it. The audit log is
    /// where every path (page, API, command line) records these, so deliveries are queued
    /// there, in the same transaction.
    pub fn of(action: AuditAction) -> Option<WebhookEvent> {
        Some(match action {
            AuditAction::RevisionSubmitted => WebhookEvent::Submitted,
            AuditAction::ChangesRequested => WebhookEvent::ChangesRequested,
            AuditAction::RevisionApproved => WebhookEvent::Approved,
            AuditAction::ArticlePublished => WebhookEvent::Published,
            AuditAction::RevisionRejected => WebhookEvent::Rejected,
            AuditAction::ArticleRetracted => WebhookEvent::Retracted,
            _ => return None,
        })
    }
}

/// A set of subscribed events, stored as their names joined by commas.
pub fn stored(events: &[WebhookEvent]) -> String {
    WebhookEvent::ALL
        .into_iter()
        .filter(|e| events.contains(e))
        .map(WebhookEvent::as_str)
        .collect::<Vec<_>>()
        .join(",")
}

pub fn parse_stored(stored: &str) -> Vec<WebhookEvent> {
    stored.split(',').filter_map(WebhookEvent::parse).collect()
}

/// The longest address taken.
pub const URL_MAX: usize = 2_000;

/// Checks a receiving address: `https://` with a host, or, when `allow_loopback` (tests, a
/// receiver on the same machine), `http://` to 127.0.0.1, `[::1]` or localhost. No user
/// name or password in it, no fragment.
pub fn check_url(text: &str, allow_loopback: bool) -> Result<url::Url, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("Enter the address that receives the events.".into());
    }
    if text.chars().count() > URL_MAX {
        return Err(format!(
            "The address is too long (at most {URL_MAX} characters)."
        ));
    }
    let url = url::Url::parse(text).map_err(|e| format!("'{text}' is not a web address ({e})."))?;
    let loopback = matches!(
        url.host(),
        Some(url::Host::Ipv4(ip)) if ip.is_loopback()
    ) || matches!(url.host(), Some(url::Host::Ipv6(ip)) if ip.is_loopback())
        || url.host_str() == Some("localhost");
    let https = url.scheme() == "https" && url.host().is_some();
    let allowed_http = url.scheme() == "http" && loopback && allow_loopback;
    if !(https || allowed_http) {
        return Err(if loopback && !allow_loopback {
            "Deliveries to this machine are turned off (IMPRIMATUR_WEBHOOKS_ALLOW_LOOPBACK).".into()
        } else {
            "The address must start with https:// (events are signed, but their content is not for the open network).".into()
        });
    }
    if loopback && !allow_loopback {
        return Err(
            "Deliveries to this machine are turned off (IMPRIMATUR_WEBHOOKS_ALLOW_LOOPBACK)."
                .into(),
        );
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("Put no user name or password in the address: deliveries are signed.".into());
    }
    if url.fragment().is_some() {
        return Err("The address cannot have a #fragment.".into());
    }
    Ok(url)
}

/// The `Imprimatur-Signature` of a delivery: `v1=` and the hex HMAC-SHA256, keyed with the
/// webhook's secret, of the timestamp (Unix seconds, as in `Imprimatur-Timestamp`), a dot
/// and the body. A receiver recomputes it and refuses a timestamp outside its window, so a
/// captured delivery cannot be replayed later.
pub fn signature(secret: &str, timestamp: i64, body: &str) -> String {
    // HMAC takes a key of any length.
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
        return String::new();
    };
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body.as_bytes());
    format!("v1={}", hex::encode(mac.finalize().into_bytes()))
}

/// Attempts before a delivery is given up.
pub const MAX_ATTEMPTS: i32 = 10;

/// How long to wait after failed attempt `attempts` (1-based): `base` doubling each time,
/// at most six hours.
pub fn backoff(base_seconds: i64, attempts: i32) -> chrono::Duration {
    let exponent = u32::try_from(attempts.clamp(1, 20) - 1).unwrap_or(0);
    let seconds = base_seconds.max(0).saturating_mul(1_i64 << exponent);
    chrono::Duration::seconds(seconds.min(6 * 3600))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_https_or_allowed_loopback_addresses_are_taken() {
        assert!(check_url("https://hooks.example.org/imprimatur", false).is_ok());
        assert!(check_url("http://hooks.example.org/", false).is_err());
        assert!(check_url("http://127.0.0.1:9000/hook", false).is_err());
        assert!(check_url("http://127.0.0.1:9000/hook", true).is_ok());
        assert!(check_url("http://[::1]:9000/", true).is_ok());
        assert!(check_url("http://example.org/", true).is_err());
        assert!(check_url("https://user:pw@example.org/", false).is_err());
        assert!(check_url("ftp://example.org/", false).is_err());
        assert!(check_url("  ", false).is_err());
        assert!(check_url("https://localhost/x", false).is_err());
    }

    #[test]
    fn the_signature_is_hmac_sha256_over_timestamp_dot_body() {
        // RFC 4231 test case 2 shape: key "Jefe", data "what do ya want for nothing?".
        let sig = signature("Jefe", 0, "what do ya want for nothing?");
        // Over "0.what do ya want for nothing?", so not the RFC's digest, but stable:
        assert_eq!(sig.len(), 3 + 64);
        assert!(sig.starts_with("v1="));
        assert_ne!(sig, signature("Jefe", 1, "what do ya want for nothing?"));
        assert_ne!(sig, signature("Jeff", 0, "what do ya want for nothing?"));
        let mut mac = Hmac::<Sha256>::new_from_slice(b"Jefe").unwrap();
        mac.update(b"what do ya want for nothing?");
        assert_eq!(
            hex::encode(mac.finalize().into_bytes()),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn backoff_doubles_up_to_six_hours() {
        assert_eq!(backoff(30, 1).num_seconds(), 30);
        assert_eq!(backoff(30, 2).num_seconds(), 60);
        assert_eq!(backoff(30, 5).num_seconds(), 480);
        assert_eq!(backoff(30, 19).num_seconds(), 6 * 3600);
        assert_eq!(backoff(0, 3).num_seconds(), 0);
    }

    #[test]
    fn events_come_from_the_audited_actions() {
        assert_eq!(
            WebhookEvent::of(AuditAction::ArticlePublished),
            Some(WebhookEvent::Published)
        );
        assert_eq!(WebhookEvent::of(AuditAction::LoginSucceeded), None);
        let all = stored(&WebhookEvent::ALL);
        assert_eq!(parse_stored(&all), WebhookEvent::ALL.to_vec());
        for event in WebhookEvent::ALL {
            assert_eq!(WebhookEvent::parse(event.as_str()), Some(event));
        }
    }
}
