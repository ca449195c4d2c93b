//! The addresses a WordPress site answered, for each thing imported: a post's permalink
//! (whatever its structure: the file gives each item's own `<link>`), `?p=ID` and
//! `?page_id=ID`, category, tag and custom taxonomy archives with their feeds and `?cat=ID`,
//! author archives with their feeds and `?author=ID`, and the site's feeds. Each leads to
//! the Byline thing by id (see `byline_core::old_address`).

use byline_core::old_address::{AddressTarget, OldAddress};

/// Where the WordPress site lived: the path of its blog (`/blog` when installed in a
/// folder, or empty).
#[derive(Debug, Clone, Default)]
pub(crate) struct Site {
    pub base_path: String,
}

impl Site {
    pub fn from_base_url(url: &str) -> Self {
        let path = byline_core::old_address::normalise(url).map(|(p, _)| p).unwrap_or_default();
        Self { base_path: path.trim_end_matches('/').to_owned() }
    }

    fn at(&self, path: &str) -> String {
        format!("{}{path}", self.base_path)
    }
}

fn push(out: &mut Vec<OldAddress>, url: &str, target: AddressTarget) {
    if let Ok(a) = OldAddress::new(url, target)
        && !out.contains(&a)
    {
        out.push(a);
    }
}

/// A post's or page's addresses.
pub(crate) fn item(
    site: &Site,
    link: &str,
    wp_id: Option<i64>,
    page: bool,
    target: AddressTarget,
) -> Vec<OldAddress> {
    let mut out = Vec::new();
    if !link.is_empty() {
        push(&mut out, link, target);
    }
    if let Some(id) = wp_id {
        push(&mut out, &site.at(&format!("/?p={id}")), target);
        if page {
            push(&mut out, &site.at(&format!("/?page_id={id}")), target);
        }
    }
    // The home page's own address is never taken by an item.
    out.retain(|a| !(a.path == "/" && a.query.is_empty()));
    out
}

/// A term's archive and feed: `/category/parent/child/`, `/category/child/`, `?cat=ID`;
/// `/tag/slug/`, `?tag=slug`; `/{taxonomy}/slug/`, `?{taxonomy}=slug`.
pub(crate) fn term(
    site: &Site,
    wp_taxonomy: &str,
    path: &[String],
    wp_id: Option<i64>,
    term_id: i64,
) -> Vec<OldAddress> {
    let Some(slug) = path.last() else { return Vec::new() };
    let (base, query) = match wp_taxonomy {
        "category" => ("category", wp_id.map(|id| format!("cat={id}"))),
        "post_tag" => ("tag", Some(format!("tag={slug}"))),
        other => (other, Some(format!("{other}={slug}"))),
    };
    let mut out = Vec::new();
    let full = path.join("/");
    for p in [full.as_str(), slug.as_str()] {
        push(&mut out, &site.at(&format!("/{base}/{p}/")), AddressTarget::Term(term_id));
        for feed in ["feed/", "feed/rss2/", "feed/atom/"] {
            let url = site.at(&format!("/{base}/{p}/{feed}"));
            push(&mut out, &url, AddressTarget::TermFeed(term_id));
        }
    }
    if let Some(q) = query {
        push(&mut out, &site.at(&format!("/?{q}")), AddressTarget::Term(term_id));
        let feed = site.at(&format!("/?{q}&feed=rss2"));
        push(&mut out, &feed, AddressTarget::TermFeed(term_id));
    }
    out
}

/// An author's archive and feed: `/author/login/`, `?author=ID`.
pub(crate) fn author(site: &Site, login: &str, wp_id: Option<i64>, id: i64) -> Vec<OldAddress> {
    let mut out = Vec::new();
    let nicename = byline_core::slugify(login);
    if !nicename.is_empty() {
        push(&mut out, &site.at(&format!("/author/{nicename}/")), AddressTarget::Author(id));
        for feed in ["feed/", "feed/rss2/", "feed/atom/"] {
            let url = site.at(&format!("/author/{nicename}/{feed}"));
            push(&mut out, &url, AddressTarget::AuthorFeed(id));
        }
    }
    if let Some(w) = wp_id {
        push(&mut out, &site.at(&format!("/?author={w}")), AddressTarget::Author(id));
    }
    out
}

/// The site's own feeds.
pub(crate) fn site_feeds(site: &Site) -> Vec<OldAddress> {
    let mut out = Vec::new();
    for f in ["/feed/", "/feed/rss2/", "/feed/rss/", "/feed/atom/", "/feed/rdf/"] {
        push(&mut out, &site.at(f), AddressTarget::SiteFeed);
    }
    for q in ["rss2", "rss", "atom", "rdf"] {
        push(&mut out, &site.at(&format!("/?feed={q}")), AddressTarget::SiteFeed);
    }
    if !site.base_path.is_empty() {
        push(&mut out, &site.at("/"), AddressTarget::Home);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_post_keeps_its_permalink_and_its_id_addresses() {
        let site = Site::from_base_url("https://old.example/blog/");
        let a = item(
            &site,
            "https://old.example/blog/2019/03/hello/",
            Some(7),
            false,
            AddressTarget::Article(1),
        );
        let shown: Vec<String> = a.iter().map(OldAddress::display).collect();
        assert_eq!(shown, ["/blog/2019/03/hello", "/blog?p=7"]);
        let p =
            item(&Site::default(), "http://x/?page_id=3", Some(3), true, AddressTarget::Page(2));
        let shown: Vec<String> = p.iter().map(OldAddress::display).collect();
        assert_eq!(shown, ["/?page_id=3", "/?p=3"]);
    }

    #[test]
    fn terms_and_authors_keep_archives_and_feeds() {
        let t = term(&Site::default(), "category", &["parent".into(), "child".into()], Some(9), 4);
        let shown: Vec<String> = t.iter().map(OldAddress::display).collect();
        assert!(shown.contains(&"/category/parent/child".to_owned()));
        assert!(shown.contains(&"/category/child/feed".to_owned()));
        assert!(shown.contains(&"/?cat=9".to_owned()));
        assert!(shown.contains(&"/?cat=9&feed=rss2".to_owned()));
        let a = author(&Site::default(), "John.Doe", Some(2), 5);
        let shown: Vec<String> = a.iter().map(OldAddress::display).collect();
        assert!(shown.contains(&"/author/john-doe".to_owned()), "{shown:?}");
        assert!(shown.contains(&"/?author=2".to_owned()));
    }
}
