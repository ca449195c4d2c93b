//! The fast path for published pages: rendered bytes kept in memory, pre-compressed (gzip
//! and brotli), answered with ETag, Last-Modified and 304s.
//!
//! - Bounded by bytes, least-recently-used entries evicted first.
//! - A page true only until a moment (an article whose comments close by age says "open"
//!   until then) is kept no longer: its handler says when ([`FreshUntil`]), the entry
//!   expires then (moka's per-entry expiry), and browsers are told no longer max-age.
//! - One render per page at a time: concurrent misses for the same page wait for the first
//!   and share its result (`try_get_with`), so a burst cannot stampede the database.
//! - Invalidated precisely: a handler tags what it rendered ([`CacheTags`]: its article,
//!   authors, terms, `list`, `site`); the store logs the tags every write touches; each
//!   process follows that log (`AppState::catch_up`) and drops only matching pages. Writes
//!   from other processes (an import, another node) are seen the same way: by polling, and
//!   on PostgreSQL at once by LISTEN/NOTIFY.
//! - Read-your-writes: after a request that may have written, this process applies the log
//!   before the response leaves ([`read_your_writes`]), so the writer's next page shows it.
//!   A render that was under way when pages were dropped is not kept (it may predate the
//!   write), and a request never shares a render that started before its last drop.
//! - Keyed by the reader's access level ([`Reader::cache_key`]: anonymous, or a member's
//!   paid flag and tiers) and the path, never by person: a members-only article is kept once
//!   in full for each level that may read it and once as a preview for the others, and the
//!   member pass is opened with the key in memory, so no reader costs a database query.
//!   Pages answered to members are `private` for shared caches, and every page varies by
//!   `Cookie`.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use http_body_util::BodyExt;
use moka::policy::EvictionPolicy;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crate::AppState;
use byline_core::members::Reader;

/// Put on a response by its handler: the page may be cached, and these tags say what it
/// shows (see `byline_store::changes`).
#[derive(Debug, Clone)]
pub struct CacheTags(pub Vec<String>);

/// Put on a response by its handler beside [`CacheTags`]: the page shows something that
/// stops being true at this moment (an article's comments open until they close by age), so
/// the cache keeps it no longer, and tells browsers so.
#[derive(Debug, Clone, Copy)]
pub struct FreshUntil(pub chrono::DateTime<chrono::Utc>);

/// Headers a render may set that the cached answer repeats.
const KEPT: [&str; 3] = ["access-control-allow-origin", "content-version", "vary"];

/// One cached page in every encoding.
#[derive(Debug)]
pub struct Entry {
    content_type: HeaderValue,
    cache_control: Option<HeaderValue>,
    last_modified: Option<HeaderValue>,
    etag: String,
    identity: Bytes,
    gzip: Bytes,
    brotli: Bytes,
    tags: Vec<String>,
    /// Headers of the render kept as they were (CORS, Content-Version, Vary: see [`KEPT`]).
    kept: HeaderMap,
    /// The cache's generation when the render began.
    born: u64,
    /// When the page stops being true ([`FreshUntil`]); `None`: until a change drops it.
    until: Option<Instant>,
}

impl Entry {
    fn weight(&self) -> u32 {
        let bytes = self.identity.len() + self.gzip.len() + self.brotli.len() + 512;
        u32::try_from(bytes).unwrap_or(u32::MAX)
    }
}

/// Keeps each page until its own deadline, if it has one, or until a change drops it.
struct UntilStale;

impl moka::Expiry<String, Arc<Entry>> for UntilStale {
    fn expire_after_create(&self, _: &String, e: &Arc<Entry>, now: Instant) -> Option<Duration> {
        e.until.map(|u| u.saturating_duration_since(now))
    }

    fn expire_after_update(
        &self,
        _: &String,
        e: &Arc<Entry>,
        now: Instant,
        _: Option<Duration>,
    ) -> Option<Duration> {
        e.until.map(|u| u.saturating_duration_since(now))
    }
}

/// A response that was not cached, kept whole so that requests that waited for it get it too.
#[derive(Debug)]
pub struct Uncached {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
    born: u64,
}

#[derive(Debug)]
pub struct PageCache {
    pages: moka::future::Cache<String, Arc<Entry>>,
    /// Counts drops: a render that saw it change may show what was dropped.
    generation: AtomicU64,
}

impl PageCache {
    /// A cache holding at most `max_bytes` of pages (all encodings counted).
    pub fn new(max_bytes: u64) -> Self {
        let pages = moka::future::Cache::builder()
            .max_capacity(max_bytes)
            .weigher(|_key: &String, e: &Arc<Entry>| e.weight())
            .eviction_policy(EvictionPolicy::lru())
            .expire_after(UntilStale)
            .support_invalidation_closures()
            .build();
        Self { pages, generation: AtomicU64::new(0) }
    }

    /// Bytes held now (after pending evictions are applied).
    pub async fn weight(&self) -> u64 {
        self.pages.run_pending_tasks().await;
        self.pages.weighted_size()
    }

    pub async fn len(&self) -> u64 {
        self.pages.run_pending_tasks().await;
        self.pages.entry_count()
    }

    pub async fn is_empty(&self) -> bool {
        self.len().await == 0
    }

    /// Drops the pages showing any of `tags`; `site` drops everything.
    pub fn invalidate(&self, tags: &[String]) {
        if tags.is_empty() {
            return;
        }
        self.generation.fetch_add(1, Ordering::AcqRel);
        if tags.iter().any(|t| t == byline_store::changes::SITE) {
            self.pages.invalidate_all();
            return;
        }
        let tags: Arc<[String]> = tags.into();
        self.pages
            .invalidate_entries_if(move |_, e| e.tags.iter().any(|t| tags.contains(t)))
            .expect("invalidation closures are enabled");
    }

    /// Drops every page.
    pub fn clear(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
        self.pages.invalidate_all();
    }

    fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Encoding {
    Identity,
    Gzip,
    Brotli,
}

fn preferred(headers: &HeaderMap) -> Encoding {
    let accept = headers.get(header::ACCEPT_ENCODING).and_then(|v| v.to_str().ok()).unwrap_or("");
    let offers = |name: &str| {
        accept.split(',').any(|part| {
            let mut it = part.trim().split(';');
            let coding = it.next().unwrap_or("").trim();
            let refused = it.any(|p| p.trim().replace(' ', "") == "q=0");
            coding.eq_ignore_ascii_case(name) && !refused
        })
    };
    if offers("br") {
        Encoding::Brotli
    } else if offers("gzip") {
        Encoding::Gzip
    } else {
        Encoding::Identity
    }
}

/// Serves GET and HEAD requests for pages from the cache, filling it on a miss.
pub(crate) async fn serve(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let Some(cache) = state.cache.clone() else { return next.run(req).await };
    let path = req.uri().path();
    // Every tracking-image request must reach its handler (concurrent ones would otherwise
    // be answered together and counted once); assets carry their own caching.
    let passes_by = ["/r/", "/assets/", "/share/", "/healthz"].iter().any(|p| path.starts_with(p));
    // The Content API's answers depend on their query (filters, the key): keyed by it.
    let by_query = path.starts_with(crate::ghost::PREFIX);
    if !(req.method() == Method::GET || req.method() == Method::HEAD)
        || (req.uri().query().is_some() && !by_query)
        || passes_by
    {
        return next.run(req).await;
    }
    let conditional = req.headers().clone();
    let (mut parts, _) = req.into_parts();
    // Pages are kept per access level (the header and gated articles differ), never per
    // person; the pass middleware in front has usually put the reader on the request.
    let reader: Reader = match parts.extensions.get::<Reader>() {
        Some(r) => r.clone(),
        None => crate::members::reader::pass_of(&state, &parts)
            .await
            .map(|p| p.reader)
            .unwrap_or_default(),
    };
    let member = reader.is_member();
    let target = if by_query { parts.uri.to_string() } else { parts.uri.path().to_owned() };
    let key = format!("{} {target}", reader.cache_key());
    // The cache keeps whole pages: conditions are checked against the entry, not the render.
    parts.headers.remove(header::IF_NONE_MATCH);
    parts.headers.remove(header::IF_MODIFIED_SINCE);
    if let Some(entry) = cache.pages.get(&key).await {
        return answer(&entry, &conditional, member);
    }
    let seen = cache.generation();
    let request = || Request::from_parts(parts.clone(), Body::empty());
    let born =
        match cache.pages.try_get_with(key.clone(), fill(&cache, request(), next.clone())).await {
            Ok(entry) if entry.born >= seen => return answer(&entry, &conditional, member),
            Err(uncached) if uncached.born >= seen => return whole(&uncached),
            Ok(entry) => entry.born,
            Err(uncached) => uncached.born,
        };
    // A render begun before pages were last dropped may show what was dropped: it is not
    // kept, and this request renders afresh.
    if born < seen {
        cache.pages.invalidate(&key).await;
    }
    next.run(request()).await
}

/// After a request that may have written (any method but GET, HEAD and OPTIONS), applies
/// the store's change log to this process before the response leaves: the pages the write
/// touched are gone when its author asks for them. Writes store their tags in their own
/// transaction, so whichever surface wrote (admin, API), the log has them.
pub(crate) async fn read_your_writes(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    let writes = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let res = next.run(req).await;
    if writes {
        state.catch_up_or_forget().await;
    }
    res
}

fn whole(u: &Uncached) -> Response {
    let mut r = Response::new(Body::from(u.body.clone()));
    *r.status_mut() = u.status;
    *r.headers_mut() = u.headers.clone();
    r
}

async fn fill(cache: &PageCache, req: Request, next: Next) -> Result<Arc<Entry>, Uncached> {
    let born = cache.generation();
    let res = next.run(req).await;
    let tags = res.extensions().get::<CacheTags>().cloned();
    // A deadline in the past gives a page kept for no time (a later request renders anew).
    let until = res.extensions().get::<FreshUntil>().map(|FreshUntil(at)| {
        let left = (*at - chrono::Utc::now()).to_std().unwrap_or_default();
        Instant::now().checked_add(left)
    });
    let (parts, body) = res.into_parts();
    let body = body.collect().await.map(|b| b.to_bytes()).unwrap_or_default();
    let uncached = |parts: axum::http::response::Parts, body| Uncached {
        status: parts.status,
        headers: parts.headers,
        body,
        born,
    };
    let (Some(CacheTags(tags)), StatusCode::OK) = (tags, parts.status) else {
        return Err(uncached(parts, body));
    };
    if cache.generation() != born {
        return Err(uncached(parts, body));
    }
    let etag = match parts.headers.get(header::ETAG).and_then(|v| v.to_str().ok()) {
        Some(e) => e.trim_matches('"').to_owned(),
        None => {
            let mut h = DefaultHasher::new();
            body.hash(&mut h);
            format!("{:016x}", h.finish())
        }
    };
    let content_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .cloned()
        .unwrap_or(HeaderValue::from_static("text/html; charset=utf-8"));
    Ok(Arc::new(Entry {
        content_type,
        cache_control: parts.headers.get(header::CACHE_CONTROL).cloned(),
        last_modified: parts.headers.get(header::LAST_MODIFIED).cloned(),
        etag,
        gzip: gzip(&body),
        brotli: brotli(&body),
        identity: body,
        tags,
        kept: KEPT
            .iter()
            .filter_map(|k| {
                Some((header::HeaderName::from_static(k), parts.headers.get(*k)?.clone()))
            })
            .collect(),
        born,
        until: until.flatten(),
    }))
}

fn gzip(bytes: &[u8]) -> Bytes {
    let mut e = flate2::write::GzEncoder::new(
        Vec::with_capacity(bytes.len() / 3),
        flate2::Compression::new(6),
    );
    e.write_all(bytes).expect("writing to memory cannot fail");
    Bytes::from(e.finish().expect("writing to memory cannot fail"))
}

fn brotli(bytes: &[u8]) -> Bytes {
    let mut out = Vec::with_capacity(bytes.len() / 3);
    let params = brotli::enc::BrotliEncoderParams { quality: 6, lgwin: 22, ..Default::default() };
    brotli::BrotliCompress(&mut &bytes[..], &mut out, &params)
        .expect("writing to memory cannot fail");
    Bytes::from(out)
}

fn answer(e: &Entry, request: &HeaderMap, member: bool) -> Response {
    let encoding = preferred(request);
    let (suffix, coding, body) = match encoding {
        Encoding::Brotli => ("-br", Some("br"), e.brotli.clone()),
        Encoding::Gzip => ("-gz", Some("gzip"), e.gzip.clone()),
        Encoding::Identity => ("", None, e.identity.clone()),
    };
    let etag = format!("\"{}{suffix}\"", e.etag);
    let mut h = HeaderMap::new();
    h.insert(header::CONTENT_TYPE, e.content_type.clone());
    h.insert(header::VARY, HeaderValue::from_static("accept-encoding, cookie"));
    h.insert(header::ETAG, HeaderValue::from_str(&etag).expect("hex is a header value"));
    // A page with a deadline is not kept by browsers past it either.
    let max_age =
        e.until.map_or(60, |u| u.saturating_duration_since(Instant::now()).as_secs().min(60));
    let cache_control = match (&e.cache_control, member) {
        // A member's copy is theirs: browsers may keep it, shared caches may not.
        (_, true) => HeaderValue::from_str(&format!("private, max-age={max_age}")),
        (Some(c), false) => Ok(c.clone()),
        (None, false) => HeaderValue::from_str(&format!("public, max-age={max_age}")),
    }
    .expect("digits are a header value");
    h.insert(header::CACHE_CONTROL, cache_control);
    if let Some(lm) = &e.last_modified {
        h.insert(header::LAST_MODIFIED, lm.clone());
    }
    if let Some(c) = coding {
        h.insert(header::CONTENT_ENCODING, HeaderValue::from_static(c));
    }
    for (k, v) in &e.kept {
        h.insert(k, v.clone());
    }
    let matches =
        request.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()).is_some_and(|tags| {
            tags.split(',').any(|t| {
                let t = t.trim().trim_start_matches("W/");
                t == etag || t == "*" || t.trim_matches('"') == e.etag
            })
        });
    let not_modified_since = request.get(header::IF_NONE_MATCH).is_none()
        && matches!(
            (request.get(header::IF_MODIFIED_SINCE), &e.last_modified),
            (Some(since), Some(lm)) if since == lm
        );
    if matches || not_modified_since {
        return (StatusCode::NOT_MODIFIED, h).into_response();
    }
    (h, body).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiates_the_best_encoding_offered() {
        let h = |v: &str| {
            let mut m = HeaderMap::new();
            m.insert(header::ACCEPT_ENCODING, HeaderValue::from_str(v).unwrap());
            m
        };
        assert!(matches!(preferred(&h("gzip, deflate, br")), Encoding::Brotli));
        assert!(matches!(preferred(&h("gzip")), Encoding::Gzip));
        assert!(matches!(preferred(&h("br;q=0, gzip")), Encoding::Gzip));
        assert!(matches!(preferred(&HeaderMap::new()), Encoding::Identity));
    }
}
