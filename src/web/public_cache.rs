//! The in-memory cache of rendered public pages.
//!
//! An entry is served without touching the database while the publication generation it was
//! rendered at is current (a publication, retraction, workflow change or settings change in
//! this process bumps it) and it is younger than `REVALIDATE` (which bounds how stale a page
//! can be when another server instance made the change). Responses carry a strong ETag and
//! Last-Modified, so clients and CDNs revalidate with a cheap 304.

use std::collections::HashMap;
use std::future::Future;
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
/// the cache grow to hundreds of MB); beyond that, too, the cache starts over. 4 MiB holds
/// about 250 article pages or 150 pages of search results: a site's hot pages, since an
/// entry is rendered again after [`REVALIDATE`] anyway. At 8 MiB, readers paging through
/// searches nobody asked before (a new page every request) kept the server's peak memory
/// 4–5 MB higher for no hits.
const MAX_BYTES: usize = 4 * 1024 * 1024;

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
        Self {
            status,
            content_type,
            etag: etag(identity),
            body: Bytes::from(body),
            last_modified,
        }
    }
}

/// A strong ETag for what a page shows (`identity`) with the stylesheet it links: a new
/// stylesheet changes every page's tag.
fn etag(identity: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::new()
        .chain_update(identity)
        .chain_update("|")
        .chain_update(super::assets::stylesheet_path())
        .finalize();
    format!("\"{}\"", hex::encode(&digest[..12]))
}

/// A page that is its own identity: any change to what it shows changes its tag.
pub fn of_body(
    status: StatusCode,
    content_type: &'static str,
    body: String,
    last_modified: Option<NaiveDateTime>,
) -> CachedPage {
    CachedPage {
        status,
        content_type,
        etag: etag(&body),
        body: Bytes::from(body),
        last_modified,
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
    /// One turn per page being rendered: requests that miss the same page wait for the one
    /// rendering it instead of each rendering (and holding) a copy of their own.
    rendering: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
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

    /// The page for `key`: from the cache while it is good for `generation`, or rendered by
    /// `render` and stored. Concurrent misses of one key render it once. A failed rendering
    /// (a 404, say) is not stored.
    pub async fn get_or_render<F, Fut, E>(
        &self,
        key: String,
        generation: u64,
        render: F,
    ) -> Result<Arc<CachedPage>, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<CachedPage, E>>,
    {
        if let Some(page) = self.get(&key, generation) {
            return Ok(page);
        }
        let turn = self
            .rendering
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(key.clone())
            .or_default()
            .clone();
        let rendered = {
            let _mine = turn.lock().await;
            // Whoever had the turn before may have rendered it meanwhile.
            match self.get(&key, generation) {
                Some(page) => Ok(page),
                None => render().await.map(|page| {
                    let page = Arc::new(page);
                    self.put(key.clone(), generation, page.clone());
                    page
                }),
            }
        };
        let mut rendering = self
            .rendering
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        // Two holders: the map and this request. More means others still wait their turn.
        if rendering
            .get(&key)
            .is_some_and(|t| Arc::strong_count(t) <= 2)
        {
            rendering.remove(&key);
        }
        rendered
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

    #[tokio::test]
    async fn concurrent_misses_of_one_page_render_it_once() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let cache = Arc::new(PublicCache::default());
        let renders = Arc::new(AtomicUsize::new(0));
        let readers: Vec<_> = (0..8)
            .map(|_| {
                let (cache, renders) = (cache.clone(), renders.clone());
                tokio::spawn(async move {
                    cache
                        .get_or_render("home:1".into(), 3, || async {
                            renders.fetch_add(1, Ordering::SeqCst);
                            tokio::time::sleep(Duration::from_millis(20)).await;
                            Ok::<_, ()>(of_body(StatusCode::OK, "text/html", "home".into(), None))
                        })
                        .await
                        .unwrap()
                })
            })
            .collect();
        for reader in readers {
            assert_eq!(&reader.await.unwrap().body[..], b"home");
        }
        assert_eq!(renders.load(Ordering::SeqCst), 1);
        assert!(
            cache.rendering.lock().unwrap().is_empty(),
            "no turn left behind"
        );
        // A newer generation renders again.
        let again = cache
            .get_or_render("home:1".into(), 4, || async {
                renders.fetch_add(1, Ordering::SeqCst);
                Ok::<_, ()>(of_body(StatusCode::OK, "text/html", "newer".into(), None))
            })
            .await
            .unwrap();
        assert_eq!(&again.body[..], b"newer");
        assert_eq!(renders.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn a_failed_rendering_is_not_kept() {
        let cache = PublicCache::default();
        let failed = cache
            .get_or_render("article:gone".into(), 1, || async {
                Err::<CachedPage, _>("404")
            })
            .await;
        assert_eq!(failed.unwrap_err(), "404");
        assert!(cache.get("article:gone", 1).is_none());
        let found = cache
            .get_or_render("article:gone".into(), 1, || async {
                Ok::<_, &str>(of_body(StatusCode::OK, "text/html", "back".into(), None))
            })
            .await
            .unwrap();
        assert_eq!(&found.body[..], b"back");
        assert!(cache.get("article:gone", 1).is_some());
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
