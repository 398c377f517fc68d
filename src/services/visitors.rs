//! Visitors who are not signed in carry a signed cookie instead of a session row, so the
//! forms shown before sign-in (sign in, forgot password, set a password) have a CSRF token
//! while an anonymous visitor costs the database nothing: opening the sign-in page a
//! million times writes no row.
//!
//! The cookie is `v1.<nonce>.<issued unix seconds>.<HMAC>`; the form's token is another HMAC
//! of the nonce. The key is one secret per database (`server_keys`), so every server
//! instance accepts every other's cookies.

use std::sync::Arc;

use chrono::{Duration, NaiveDateTime};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use super::{Ctx, Failure, ServiceResult, secrets};
use crate::db::{self, server_keys};

type HmacSha256 = Hmac<Sha256>;

const KEY_NAME: &str = "visitor";

/// The secret that signs visitor cookies, keyed once.
#[derive(Clone)]
pub struct VisitorKey(Arc<HmacSha256>);

impl std::fmt::Debug for VisitorKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("VisitorKey(..)")
    }
}

impl VisitorKey {
    pub fn new(secret: &[u8]) -> Result<Self, hmac::digest::InvalidLength> {
        Ok(Self(Arc::new(<HmacSha256 as KeyInit>::new_from_slice(
            secret,
        )?)))
    }

    fn mac(&self) -> HmacSha256 {
        (*self.0).clone()
    }

    fn sign(&self, message: &str) -> String {
        let mut mac = self.mac();
        mac.update(message.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    fn verify(&self, message: &str, signature: &str) -> bool {
        let Ok(bytes) = hex::decode(signature) else {
            return false;
        };
        let mut mac = self.mac();
        mac.update(message.as_bytes());
        mac.verify_slice(&bytes).is_ok()
    }
}

/// The database's visitor key, made on first use (and kept by the `Env` afterwards).
pub(super) fn load_key(ctx: &mut Ctx<'_>) -> ServiceResult<VisitorKey> {
    let fresh = secrets::random_token()?;
    let secret = server_keys::find_or_insert(ctx.conn(), KEY_NAME, &fresh, db::now())?;
    Ok(VisitorKey::new(secret.as_bytes()).map_err(Failure::Key)?)
}

/// A visitor: the cookie that identifies them, and the CSRF token their forms carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Visit {
    pub cookie_value: String,
    pub csrf_token: String,
}

fn csrf(key: &VisitorKey, nonce: &str) -> String {
    key.sign(&format!("csrf.{nonce}"))
}

/// A new visitor cookie, issued at `now`.
pub fn issue(key: &VisitorKey, now: NaiveDateTime) -> ServiceResult<Visit> {
    let nonce = &secrets::random_token()?[..32];
    let issued = now.and_utc().timestamp();
    let signature = key.sign(&format!("v1.{nonce}.{issued}"));
    Ok(Visit {
        cookie_value: format!("v1.{nonce}.{issued}.{signature}"),
        csrf_token: csrf(key, nonce),
    })
}

/// The visit a cookie names, if its signature holds and it was issued within `valid_for`.
pub fn check(
    key: &VisitorKey,
    cookie_value: &str,
    now: NaiveDateTime,
    valid_for: Duration,
) -> Option<Visit> {
    let mut parts = cookie_value.splitn(4, '.');
    let (version, nonce, issued, signature) =
        (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    if version != "v1" || nonce.len() != 32 || !nonce.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let issued_at: i64 = issued.parse().ok()?;
    let age = now.and_utc().timestamp() - issued_at;
    if !(0..valid_for.num_seconds()).contains(&age) {
        return None;
    }
    key.verify(&format!("v1.{nonce}.{issued}"), signature)
        .then(|| Visit {
            cookie_value: cookie_value.to_owned(),
            csrf_token: csrf(key, nonce),
        })
}

/// A browser's proof that it signed in to the account `email`: `d1.<issued>.<HMAC>`. It
/// lets its owner past the per-address sign-in limit (`domain::throttle`).
pub fn device_cookie(key: &VisitorKey, email: &str, now: NaiveDateTime) -> String {
    let issued = now.and_utc().timestamp();
    let signature = key.sign(&format!("device.{email}.{issued}"));
    format!("d1.{issued}.{signature}")
}

/// Whether `cookie` is a device cookie for `email`, issued within `valid_for`.
pub fn known_device(
    key: &VisitorKey,
    cookie: &str,
    email: &str,
    now: NaiveDateTime,
    valid_for: Duration,
) -> bool {
    let mut parts = cookie.splitn(3, '.');
    let (Some("d1"), Some(issued), Some(signature)) = (parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let Ok(issued_at) = issued.parse::<i64>() else {
        return false;
    };
    let age = now.and_utc().timestamp() - issued_at;
    (0..valid_for.num_seconds()).contains(&age)
        && key.verify(&format!("device.{email}.{issued}"), signature)
}

/// How long a device cookie lets its browser past the per-address limit.
pub fn device_lifetime() -> Duration {
    Duration::days(90)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: i64) -> NaiveDateTime {
        chrono::DateTime::from_timestamp(1_800_000_000 + seconds, 0)
            .unwrap()
            .naive_utc()
    }

    #[test]
    fn a_visitor_cookie_is_signed_and_expires() {
        let key = VisitorKey::new(b"one key").unwrap();
        let visit = issue(&key, at(0)).unwrap();
        assert!(secrets::looks_like_token(&visit.csrf_token));
        let hour = Duration::hours(1);
        assert_eq!(
            check(&key, &visit.cookie_value, at(60), hour),
            Some(visit.clone())
        );
        assert_eq!(
            check(&key, &visit.cookie_value, at(3600), hour),
            None,
            "expired"
        );
        assert_eq!(
            check(&key, &visit.cookie_value, at(-5), hour),
            None,
            "from the future"
        );
        let other = VisitorKey::new(b"another key").unwrap();
        assert_eq!(check(&other, &visit.cookie_value, at(60), hour), None);
        // Changing any part breaks the signature.
        let tampered = visit.cookie_value.replacen(".1800", ".1801", 1);
        assert_eq!(check(&key, &tampered, at(60), hour), None);
        for junk in ["", "v1", "v1.x.y.z", "v2.a.b.c", &"a".repeat(300)] {
            assert_eq!(check(&key, junk, at(60), hour), None, "{junk}");
        }
        // Two visitors, two tokens.
        let second = issue(&key, at(0)).unwrap();
        assert_ne!(second.csrf_token, visit.csrf_token);
    }

    #[test]
    fn a_device_cookie_vouches_for_one_account_only() {
        let key = VisitorKey::new(b"one key").unwrap();
        let cookie = device_cookie(&key, "ann@example.org", at(0));
        let days = device_lifetime();
        assert!(known_device(
            &key,
            &cookie,
            "ann@example.org",
            at(86_400),
            days
        ));
        assert!(!known_device(
            &key,
            &cookie,
            "bob@example.org",
            at(86_400),
            days
        ));
        assert!(!known_device(
            &key,
            &cookie,
            "ann@example.org",
            at(91 * 86_400),
            days
        ));
        assert!(!known_device(
            &key,
            "d1.1.00",
            "ann@example.org",
            at(0),
            days
        ));
    }
}
