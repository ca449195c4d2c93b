//! Old addresses: the URLs a publication had on the system it came from (WordPress
//! permalinks and `?p=123`, Ghost's `/slug/`, Hugo and Zola `aliases`, Jekyll
//! `redirect_from`), each leading to what it showed, by id, so a rename later still leads
//! to the right place.
//!
//! An address is kept normalised ([`normalise`]): no scheme or host, percent-escapes
//! decoded, `.`/`..` resolved, no repeated or trailing `/`, a final `index.php` or
//! `index.html` dropped, and its query (if any) as sorted `key=value` pairs. A request's own
//! path and query give the keys to look up ([`lookup_keys`]).

use crate::Invalid;
use serde::Serialize;

/// The longest path (after normalising) an old address may have.
pub const MAX_PATH: usize = 2000;

/// What an old address leads to. Ids, never slugs: a later rename is followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum AddressTarget {
    /// The front page.
    Home,
    /// The site's main feed.
    SiteFeed,
    Article(i64),
    /// A static page.
    Page(i64),
    Author(i64),
    AuthorFeed(i64),
    Term(i64),
    TermFeed(i64),
}

impl AddressTarget {
    /// The stored name of the kind: `home`, `site_feed`, `article`, `page`, `author`,
    /// `author_feed`, `term`, `term_feed`.
    pub fn kind(self) -> &'static str {
        match self {
            AddressTarget::Home => "home",
            AddressTarget::SiteFeed => "site_feed",
            AddressTarget::Article(_) => "article",
            AddressTarget::Page(_) => "page",
            AddressTarget::Author(_) => "author",
            AddressTarget::AuthorFeed(_) => "author_feed",
            AddressTarget::Term(_) => "term",
            AddressTarget::TermFeed(_) => "term_feed",
        }
    }

    /// The id of the article, page, author or term; `None` for the home page and site feed.
    pub fn id(self) -> Option<i64> {
        match self {
            AddressTarget::Home | AddressTarget::SiteFeed => None,
            AddressTarget::Article(id)
            | AddressTarget::Page(id)
            | AddressTarget::Author(id)
            | AddressTarget::AuthorFeed(id)
            | AddressTarget::Term(id)
            | AddressTarget::TermFeed(id) => Some(id),
        }
    }

    /// The target a stored kind and id name; `None` for an unknown kind or a missing id.
    pub fn from_parts(kind: &str, id: Option<i64>) -> Option<Self> {
        Some(match (kind, id) {
            ("home", _) => AddressTarget::Home,
            ("site_feed", _) => AddressTarget::SiteFeed,
            ("article", Some(id)) => AddressTarget::Article(id),
            ("page", Some(id)) => AddressTarget::Page(id),
            ("author", Some(id)) => AddressTarget::Author(id),
            ("author_feed", Some(id)) => AddressTarget::AuthorFeed(id),
            ("term", Some(id)) => AddressTarget::Term(id),
            ("term_feed", Some(id)) => AddressTarget::TermFeed(id),
            _ => return None,
        })
    }
}

/// One old address, normalised, and what it leads to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OldAddress {
    /// `/2019/03/hello-world`, `/category/news`, `/` (always starts with `/`, never ends
    /// with one unless it is the root).
    pub path: String,
    /// Sorted `key=value` pairs joined by `&` (`p=123`), or empty.
    pub query: String,
    pub target: AddressTarget,
}

impl OldAddress {
    /// `url` (a full URL, a path, or a path with a query) normalised, leading to `target`.
    /// Refused when it holds control characters or its path is longer than [`MAX_PATH`].
    pub fn new(url: &str, target: AddressTarget) -> Result<Self, Invalid> {
        let (path, query) = normalise(url).ok_or_else(|| {
            Invalid::one("old_address", format!("“{}” is not a usable address", url.trim()))
        })?;
        Ok(Self { path, query, target })
    }

    /// The address as people read it: `/2019/03/hello-world` or `/?p=123`.
    pub fn display(&self) -> String {
        if self.query.is_empty() {
            self.path.clone()
        } else {
            format!("{}?{}", self.path, self.query)
        }
    }
}

/// A URL or path as an old address's `(path, query)`; `None` when it holds a control
/// character (before or after decoding) or its path is too long.
pub fn normalise(url: &str) -> Option<(String, String)> {
    let url = url.trim();
    let url = url.split('#').next().unwrap_or("");
    let rest = match url.find("://") {
        Some(i) if url[..i].chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)) => {
            after_host(&url[i + 3..])
        }
        _ if url.starts_with("//") => after_host(&url[2..]),
        _ => url,
    };
    let (path, query) = match rest.split_once('?') {
        Some((p, q)) => (p, q),
        None => (rest, ""),
    };
    Some((normalise_path(path)?, normalise_query(query)?))
}

fn after_host(s: &str) -> &str {
    match s.find(['/', '?']) {
        Some(i) => &s[i..],
        None => "",
    }
}

fn normalise_path(path: &str) -> Option<String> {
    let decoded = percent_decode(path).replace('\\', "/");
    if decoded.chars().any(char::is_control) {
        return None;
    }
    let mut segments: Vec<&str> = Vec::new();
    for s in decoded.split('/') {
        match s {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            s => segments.push(s),
        }
    }
    if matches!(segments.last(), Some(&("index.php" | "index.html" | "index.htm"))) {
        segments.pop();
    }
    let out = format!("/{}", segments.join("/"));
    (out.len() <= MAX_PATH).then_some(out)
}

fn normalise_query(query: &str) -> Option<String> {
    let mut pairs: Vec<String> = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let k = percent_decode(&k.replace('+', " "));
        let v = percent_decode(&v.replace('+', " "));
        if k.is_empty() || k.chars().chain(v.chars()).any(char::is_control) {
            return None;
        }
        pairs.push(format!("{}={}", k.trim(), v.trim()));
    }
    pairs.sort();
    pairs.dedup();
    let out = pairs.join("&");
    (out.len() <= MAX_PATH).then_some(out)
}

/// The `(path, query)` keys a request's path and query are looked up under, best first:
/// the whole query, then each of its pairs alone (the first eight), then the path with no
/// query. `None` when the request's path cannot be an old address at all.
pub fn lookup_keys(path: &str, query: Option<&str>) -> Option<Vec<(String, String)>> {
    let (path, query) = normalise(&match query {
        Some(q) => format!("{path}?{q}"),
        None => path.to_owned(),
    })?;
    let mut keys = Vec::new();
    if !query.is_empty() {
        keys.push((path.clone(), query.clone()));
        for pair in query.split('&').take(8) {
            if pair != query {
                keys.push((path.clone(), pair.to_owned()));
            }
        }
    }
    keys.push((path, String::new()));
    Some(keys)
}

/// `%XX` escapes decoded; invalid UTF-8 is replaced rather than refused, and a `%` not
/// followed by two hex digits is kept as it is.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push(h * 16 + l);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(url: &str) -> (String, String) {
        normalise(url).unwrap()
    }

    #[test]
    fn addresses_are_normalised() {
        assert_eq!(
            n("https://old.example/2019/03/hello-world/"),
            ("/2019/03/hello-world".into(), "".into())
        );
        assert_eq!(n("http://old.example"), ("/".into(), "".into()));
        assert_eq!(n("http://old.example/?p=123"), ("/".into(), "p=123".into()));
        assert_eq!(
            n("/index.php?page_id=7&preview=true"),
            ("/".into(), "page_id=7&preview=true".into())
        );
        assert_eq!(n("//cdn.example/a//b/./c/../d/"), ("/a/b/d".into(), "".into()));
        assert_eq!(n("/caf%C3%A9/"), ("/café".into(), "".into()));
        assert_eq!(n("/a%2"), ("/a%2".into(), "".into()));
        assert_eq!(n("/x/index.html#top"), ("/x".into(), "".into()));
        assert_eq!(n("/?b=2&a=1"), ("/".into(), "a=1&b=2".into()));
        assert_eq!(normalise("/a%0Ab"), None);
        assert_eq!(normalise("/a\r\nb"), None);
        assert_eq!(normalise(&format!("/{}", "a".repeat(MAX_PATH))), None);
    }

    #[test]
    fn a_request_is_looked_up_by_its_whole_query_then_each_pair_then_none() {
        let keys = lookup_keys("/", Some("p=12&utm_source=x")).unwrap();
        let want = [("/", "p=12&utm_source=x"), ("/", "p=12"), ("/", "utm_source=x"), ("/", "")];
        let want: Vec<(String, String)> =
            want.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect();
        assert_eq!(keys, want);
        assert_eq!(lookup_keys("/a/", None).unwrap(), vec![("/a".to_string(), String::new())]);
        assert_eq!(lookup_keys("/?p=1", None), lookup_keys("/", Some("p=1")));
    }

    #[test]
    fn targets_round_trip_through_their_stored_parts() {
        for t in [
            AddressTarget::Home,
            AddressTarget::SiteFeed,
            AddressTarget::Article(1),
            AddressTarget::Page(2),
            AddressTarget::Author(3),
            AddressTarget::AuthorFeed(4),
            AddressTarget::Term(5),
            AddressTarget::TermFeed(6),
        ] {
            assert_eq!(AddressTarget::from_parts(t.kind(), t.id()), Some(t));
        }
        assert_eq!(AddressTarget::from_parts("article", None), None);
        assert_eq!(AddressTarget::from_parts("nonsense", Some(1)), None);
    }
}
