//! The in-memory cache of rendered public pages.
//!
//! An entry is served without touching the database while the publication generation it was
//! rendered at is current (a publication, retraction, workflow change or settings change in
//! this process bumps it) and it is younger than `REVALIDATE` (which bounds how stale a page
//! can be when another server instance made the change). Responses carry a strong ETag and
//! Last-Modified, so clients and CDNs revalidate with a cheap 304.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use actix_web::http::StatusCode;
use actix_web::http::header::{
    CACHE_CONTROL, CONTENT_TYPE, ETAG, HeaderValue, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED,
};
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse};
use chrono::{NaiveDateTime, TimeZone, Utc};

/// The longest an entry is served before it is rendered again from the database.
pub const REVALIDATE: Duration = Duration::from_secs(2);
/// How long browsers and CDNs may keep a public page without asking again.
pub const CACHE_CONTROL_PUBLIC: &str = "public, max-age=60, stale-while-revalidate=60";
/// Entries kept at most; beyond that the cache starts over (pages are cheap to re-render).
const MAX_ENTRIES: usize = 10_000;
/// Bytes of page bodies kept at most (with 100,000 articles, the entry bound alone would let
/// the cache grow to hundreds of MB); beyond that, too, the cache starts over.
const MAX_BYTES: usize = 16 * 1024 * 1024;

/// A rendered public response.
#[derive(Debug, Clone)]
pub struct CachedPage {
    pub status: StatusCode,
    pub content_type: &'static str,
    pub body: Bytes,
    pub etag: String,
    pub last_modified: Option<NaiveDateTime>,
}

impl CachedPage {
    /// A page whose ETag is derived from what it shows (`identity`), so re-rendering the same
    /// content keeps the same tag.
    pub fn new(
        status: StatusCode,
        content_type: &'static str,
        body: String,
        identity: &str,
        last_modified: Option<NaiveDateTime>,
    ) -> Self {
        use sha2::{Digest, Sha256};
        let tag = hex::encode(
            &Sha256::digest(format!("{identity}|{}", super::assets::stylesheet_path()))[..12],
        );
        Self {
            status,
            content_type,
            body: Bytes::from(body),
            etag: format!("\"{tag}\""),
            last_modified,
        }
    }
}

struct Entry {
    generation: u64,
    stored: Instant,
    page: Arc<CachedPage>,
}

#[derive(Default)]
pub struct PublicCache {
    entries: Mutex<Entries>,
}

#[derive(Default)]
struct Entries {
    pages: HashMap<String, Entry>,
    /// The bodies' bytes, with each key's.
    bytes: usize,
}

impl PublicCache {
    /// The cached page for `key`, if it is still good for `generation`.
    pub fn get(&self, key: &str, generation: u64) -> Option<Arc<CachedPage>> {
        let entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        entries
            .pages
            .get(key)
            .filter(|e| e.generation == generation && e.stored.elapsed() < REVALIDATE)
            .map(|e| e.page.clone())
    }

    /// Stores a page rendered from data read at `generation`.
    pub fn put(&self, key: String, generation: u64, page: Arc<CachedPage>) {
        let key_len = key.len();
        let size = page.body.len() + key_len;
        if size > MAX_BYTES {
            return;
        }
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        if entries.pages.len() >= MAX_ENTRIES || entries.bytes + size > MAX_BYTES {
            entries.pages.clear();
            entries.bytes = 0;
        }
        let replaced = entries.pages.insert(
            key,
            Entry {
                generation,
                stored: Instant::now(),
                page,
            },
        );
        let freed = replaced.map_or(0, |old| old.page.body.len() + key_len);
        entries.bytes = entries.bytes.saturating_sub(freed) + size;
    }
}

fn http_date(at: NaiveDateTime) -> String {
    Utc.from_utc_datetime(&at)
        .format("%a, %d %b %Y %H:%M:%S GMT")
        .to_string()
}

fn parse_http_date(value: &str) -> Option<NaiveDateTime> {
    chrono::DateTime::parse_from_rfc2822(value)
        .ok()
        .map(|d| d.naive_utc())
}

/// Answers with the page, or 304 when the client already has it.
pub fn respond(req: &HttpRequest, page: &CachedPage) -> HttpResponse {
    let not_modified = match req
        .headers()
        .get(IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
    {
        Some(tags) => tags
            .split(',')
            .map(|t| t.trim().trim_start_matches("W/"))
            .any(|t| t == page.etag || t == "*"),
        None => match (
            req.headers()
                .get(IF_MODIFIED_SINCE)
                .and_then(|v| v.to_str().ok())
                .and_then(parse_http_date),
            page.last_modified,
        ) {
            // HTTP dates have whole seconds.
            (Some(since), Some(modified)) => {
                modified.and_utc().timestamp() <= since.and_utc().timestamp()
            }
            _ => false,
        },
    };
    let mut builder = if not_modified && page.status == StatusCode::OK {
        HttpResponse::NotModified()
    } else {
        HttpResponse::build(page.status)
    };
    builder
        .insert_header((ETAG, page.etag.as_str()))
        .insert_header((CACHE_CONTROL, CACHE_CONTROL_PUBLIC));
    if let Some(modified) = page.last_modified
        && let Ok(value) = HeaderValue::from_str(&http_date(modified))
    {
        builder.insert_header((LAST_MODIFIED, value));
    }
    if not_modified && page.status == StatusCode::OK {
        return builder.finish();
    }
    builder
        .insert_header((CONTENT_TYPE, page.content_type))
        .body(page.body.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page() -> Arc<CachedPage> {
        Arc::new(CachedPage::new(
            StatusCode::OK,
            "text/html",
            "body".into(),
            "revision 7",
            None,
        ))
    }

    #[test]
    fn the_cache_is_bounded_by_bytes() {
        let cache = PublicCache::default();
        let big = |n: usize| {
            Arc::new(CachedPage::new(
                StatusCode::OK,
                "text/html",
                "x".repeat(n),
                "big",
                None,
            ))
        };
        // A page larger than the whole cache is not kept.
        cache.put("huge".into(), 1, big(MAX_BYTES + 1));
        assert!(cache.get("huge", 1).is_none());
        // Filling past the bound starts over: the newest page stays, the bytes stay bounded.
        for i in 0..5 {
            cache.put(format!("p{i}"), 1, big(MAX_BYTES / 4));
        }
        let entries = cache.entries.lock().unwrap();
        assert!(entries.bytes <= MAX_BYTES, "{}", entries.bytes);
        assert!(entries.pages.contains_key("p4"));
        assert!(!entries.pages.contains_key("p0"));
        drop(entries);
        // Replacing a page counts its bytes once.
        cache.put("p4".into(), 2, big(10));
        let entries = cache.entries.lock().unwrap();
        let total: usize = entries
            .pages
            .iter()
            .map(|(k, e)| k.len() + e.page.body.len())
            .sum();
        assert_eq!(entries.bytes, total);
    }

    #[test]
    fn entries_expire_with_the_generation() {
        let cache = PublicCache::default();
        cache.put("a".into(), 5, page());
        assert!(cache.get("a", 5).is_some());
        assert!(cache.get("a", 6).is_none());
        assert!(cache.get("b", 5).is_none());
    }

    #[test]
    fn the_etag_depends_on_identity_only() {
        let a = CachedPage::new(
            StatusCode::OK,
            "text/html",
            "one".into(),
            "revision 7",
            None,
        );
        let b = CachedPage::new(
            StatusCode::OK,
            "text/html",
            "two".into(),
            "revision 7",
            None,
        );
        let c = CachedPage::new(
            StatusCode::OK,
            "text/html",
            "one".into(),
            "revision 8",
            None,
        );
        assert_eq!(a.etag, b.etag);
        assert_ne!(a.etag, c.etag);
    }

    #[test]
    fn http_dates_round_trip() {
        let at = chrono::NaiveDate::from_ymd_opt(2026, 11, 25)
            .unwrap()
            .and_hms_opt(8, 30, 5)
            .unwrap();
        assert_eq!(http_date(at), "Wed, 25 Nov 2026 08:30:05 GMT");
        assert_eq!(parse_http_date(&http_date(at)), Some(at));
    }
}
