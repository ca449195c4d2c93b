//! Counting views of republished copies without cookies and without keeping addresses.
//!
//! The tracking image only touches memory: each view is added to a buffer that a background
//! task flushes to the database ([`Tracker::drain`] + `Store::record_copy_views`). A view
//! counts once per reader, copy and hour: the reader is a keyed hash of their address and
//! browser, with a key made at random each hour and never stored, so the hashes cannot be
//! linked to anyone afterwards; requests without a Referer, from our own pages, and from
//! obvious robots count nothing.
//!
//! Every new copy page becomes a database row, so what one client can create is bounded:
//! within an hour one address (an IPv6 /64 counts as one) may bring at most
//! [`PAGES_PER_ADDRESS_PER_HOUR`] distinct pages and one article at most
//! [`PAGES_PER_ARTICLE_PER_HOUR`]; views of pages already admitted that hour still count.
//! The bounds are kept in memory on each node (a cluster of N nodes admits up to N times
//! as many), and only plausible page URLs count (see [`copy_location`]).

use byline_store::CopyViews;
use std::collections::hash_map::RandomState;
use std::collections::{HashMap, HashSet};
use std::hash::BuildHasher;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Distinct copies buffered between flushes, and readers remembered per hour, at most;
/// past these, views are dropped rather than memory grown.
const MAX_COPIES: usize = 50_000;
const MAX_READERS: usize = 500_000;
const WINDOW: Duration = Duration::from_secs(3600);
/// New copy pages one address may bring in an hour.
pub const PAGES_PER_ADDRESS_PER_HOUR: u32 = 10;
/// New copy pages one article may gain in an hour.
pub const PAGES_PER_ARTICLE_PER_HOUR: u32 = 100;
/// The longest Referer that counts, in bytes.
pub const MAX_REFERER: usize = 512;

#[derive(Debug)]
pub struct Tracker {
    inner: Mutex<Inner>,
    own_host: Option<String>,
}

#[derive(Debug)]
struct Inner {
    counts: HashMap<(i64, String), (String, i64)>,
    seen: HashSet<u64>,
    key: RandomState,
    window_start: Instant,
    /// (article, page) pairs admitted this hour, as keyed hashes.
    pages: HashSet<u64>,
    /// New pages admitted this hour per address (keyed hash) and per article.
    per_address: HashMap<u64, u32>,
    per_article: HashMap<i64, u32>,
}

/// Where a copy was seen: the page URL (without query or fragment, which may carry personal
/// data), or the origin when that is all the browser sent. `None` unless the Referer is a
/// plausible page address: at most [`MAX_REFERER`] bytes, no control characters or spaces,
/// http or https, no user name or password, and a host that is `localhost`, an IPv4
/// address or a name with a dot in it.
pub fn copy_location(referer: &str) -> Option<(String, String)> {
    if referer.len() > MAX_REFERER || referer.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return None;
    }
    let u = url::Url::parse(referer).ok()?;
    if !matches!(u.scheme(), "http" | "https") || !u.username().is_empty() || u.password().is_some()
    {
        return None;
    }
    let plausible_host = match u.host()? {
        url::Host::Domain(d) => {
            d == "localhost" || (d.contains('.') && d.split('.').all(|label| !label.is_empty()))
        }
        url::Host::Ipv4(_) => true,
        url::Host::Ipv6(_) => false,
    };
    if !plausible_host {
        return None;
    }
    let host = u.host_str()?.to_ascii_lowercase();
    let origin = match u.port() {
        Some(p) => format!("{}://{host}:{p}", u.scheme()),
        None => format!("{}://{host}", u.scheme()),
    };
    let loc = if u.path() == "/" { origin } else { format!("{origin}{}", u.path()) };
    (loc.len() <= MAX_REFERER).then_some((loc, host))
}

/// The address a bound is kept for: an IPv6 client usually has a whole /64.
fn address_bucket(reader: Option<IpAddr>) -> Option<IpAddr> {
    reader.map(|ip| match ip {
        IpAddr::V6(v6) => {
            let s = v6.segments();
            IpAddr::from([s[0], s[1], s[2], s[3], 0, 0, 0, 0])
        }
        v4 => v4,
    })
}

fn is_robot(user_agent: &str) -> bool {
    let ua = user_agent.to_ascii_lowercase();
    ua.is_empty()
        || ["bot", "crawler", "spider", "slurp", "curl/", "wget", "python-requests", "headless"]
            .iter()
            .any(|w| ua.contains(w))
}

impl Tracker {
    /// `base_url` is the site's own address: views from its own pages are not copies.
    pub fn new(base_url: &str) -> Self {
        Self {
            inner: Mutex::new(Inner {
                counts: HashMap::new(),
                seen: HashSet::new(),
                key: RandomState::new(),
                window_start: Instant::now(),
                pages: HashSet::new(),
                per_address: HashMap::new(),
                per_article: HashMap::new(),
            }),
            own_host: url::Url::parse(base_url)
                .ok()
                .and_then(|u| u.host_str().map(str::to_ascii_lowercase)),
        }
    }

    /// Notes one view of an article's tracking image; `reader` is the client's address (as
    /// `trusted_proxies` judges it). Returns whether it counted.
    pub fn view(
        &self,
        article_id: i64,
        referer: Option<&str>,
        reader: Option<IpAddr>,
        user_agent: &str,
    ) -> bool {
        let Some((url, host)) = referer.and_then(copy_location) else { return false };
        if Some(&host) == self.own_host.as_ref() || is_robot(user_agent) {
            return false;
        }
        let mut inner = self.inner.lock().expect("tracker lock");
        if inner.window_start.elapsed() >= WINDOW {
            inner.seen.clear();
            inner.pages.clear();
            inner.per_address.clear();
            inner.per_article.clear();
            inner.key = RandomState::new();
            inner.window_start = Instant::now();
        }
        if !inner.admit_page(article_id, &url, reader) {
            return false;
        }
        let fingerprint = inner.key.hash_one((reader, user_agent, article_id, &url));
        if inner.seen.len() >= MAX_READERS || !inner.seen.insert(fingerprint) {
            return false;
        }
        let key = (article_id, url);
        if !inner.counts.contains_key(&key) && inner.counts.len() >= MAX_COPIES {
            return false;
        }
        inner.counts.entry(key).or_insert_with(|| (host, 0)).1 += 1;
        true
    }

    /// Takes the buffered counts, leaving the buffer empty.
    pub fn drain(&self) -> Vec<CopyViews> {
        let counts = std::mem::take(&mut self.inner.lock().expect("tracker lock").counts);
        counts
            .into_iter()
            .map(|((article_id, url), (host, views))| CopyViews { article_id, url, host, views })
            .collect()
    }

    /// Puts counts back after a failed flush, so no view is lost.
    pub fn restore(&self, views: Vec<CopyViews>) {
        let mut inner = self.inner.lock().expect("tracker lock");
        for v in views {
            inner.counts.entry((v.article_id, v.url)).or_insert_with(|| (v.host, 0)).1 += v.views;
        }
    }
}

impl Inner {
    /// Whether a view of `url` may count: a page already admitted this hour, or a new one
    /// within the address's and the article's hourly bounds (which it then uses up).
    fn admit_page(&mut self, article_id: i64, url: &str, reader: Option<IpAddr>) -> bool {
        let page = self.key.hash_one((article_id, url));
        if self.pages.contains(&page) {
            return true;
        }
        let address = self.key.hash_one(address_bucket(reader));
        let by_address = self.per_address.get(&address).copied().unwrap_or(0);
        let by_article = self.per_article.get(&article_id).copied().unwrap_or(0);
        if by_address >= PAGES_PER_ADDRESS_PER_HOUR
            || by_article >= PAGES_PER_ARTICLE_PER_HOUR
            || self.pages.len() >= MAX_READERS
            || self.per_address.len() >= MAX_READERS
        {
            return false;
        }
        self.pages.insert(page);
        self.per_address.insert(address, by_address + 1);
        self.per_article.insert(article_id, by_article + 1);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_pages_or_origins_without_queries() {
        assert_eq!(
            copy_location("https://News.example/a/b?utm=1&email=x@y#f"),
            Some(("https://news.example/a/b".into(), "news.example".into()))
        );
        assert_eq!(
            copy_location("https://news.example/"),
            Some(("https://news.example".into(), "news.example".into()))
        );
        assert_eq!(copy_location("android-app://x"), None);
    }

    #[test]
    fn counts_a_reader_once_and_skips_robots_and_ourselves() {
        let t = Tracker::new("https://us.example");
        let ip: IpAddr = "203.0.113.9".parse().unwrap();
        let page = Some("https://them.example/story");
        assert!(t.view(1, page, Some(ip), "Mozilla/5.0"));
        assert!(!t.view(1, page, Some(ip), "Mozilla/5.0"), "same reader, same hour");
        assert!(t.view(1, page, Some("203.0.113.10".parse().unwrap()), "Mozilla/5.0"));
        assert!(!t.view(1, page, Some(ip), "Googlebot/2.1"));
        assert!(!t.view(1, Some("https://us.example/articles/x/"), Some(ip), "Mozilla/5.0"));
        assert!(!t.view(1, None, Some(ip), "Mozilla/5.0"));
        let drained = t.drain();
        assert_eq!(drained.len(), 1);
        assert_eq!(drained[0].views, 2);
        assert!(t.drain().is_empty());
        t.restore(drained);
        assert_eq!(t.drain()[0].views, 2);
    }
}
