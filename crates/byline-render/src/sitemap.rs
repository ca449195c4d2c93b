//! Sitemaps (sitemaps.org protocol 0.9): an index, and one file per kind of page, split so no
//! file lists more than 50,000 addresses.

use crate::feeds::escape;
use chrono::{DateTime, Utc};

/// The most addresses one sitemap file may list.
pub const MAX_URLS: usize = 50_000;

/// The kinds of page, each with its own sitemap files: `/sitemaps/{kind}-{n}.xml`.
pub const KINDS: [&str; 4] = ["articles", "pages", "authors", "terms"];

/// `/sitemaps/{kind}-{n}.xml`
pub fn file_path(kind: &str, n: usize) -> String {
    format!("/sitemaps/{kind}-{n}.xml")
}

/// Reads `articles-2.xml` as ("articles", 2).
pub fn parse_file(file: &str) -> Option<(&str, usize)> {
    let stem = file.strip_suffix(".xml")?;
    let (kind, n) = stem.rsplit_once('-')?;
    let n: usize = n.parse().ok().filter(|n| *n >= 1)?;
    KINDS.iter().find(|k| **k == kind).map(|k| (*k, n))
}

/// robots.txt: everything may be crawled but the share redirects and the tracking image.
pub fn robots_txt(base_url: &str) -> String {
    format!(
        "User-agent: *\nAllow: /\nDisallow: /share/\nDisallow: /r/\n\nSitemap: {base_url}/sitemap.xml\n"
    )
}

fn date(d: DateTime<Utc>) -> String {
    d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// A `<urlset>` of absolute addresses.
pub fn urlset(entries: &[(String, Option<DateTime<Utc>>)]) -> String {
    let mut x = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (loc, lastmod) in entries {
        x.push_str("  <url><loc>");
        x.push_str(&escape(loc));
        x.push_str("</loc>");
        if let Some(d) = lastmod {
            x.push_str("<lastmod>");
            x.push_str(&date(*d));
            x.push_str("</lastmod>");
        }
        x.push_str("</url>\n");
    }
    x.push_str("</urlset>\n");
    x
}

/// A `<sitemapindex>` of absolute sitemap addresses.
pub fn index(sitemaps: &[String]) -> String {
    let mut x = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for loc in sitemaps {
        x.push_str("  <sitemap><loc>");
        x.push_str(&escape(loc));
        x.push_str("</loc></sitemap>\n");
    }
    x.push_str("</sitemapindex>\n");
    x
}

#[cfg(test)]
mod tests {
    #[test]
    fn file_names_round_trip() {
        assert_eq!(super::parse_file("articles-2.xml"), Some(("articles", 2)));
        assert_eq!(super::parse_file("articles-0.xml"), None);
        assert_eq!(super::parse_file("secrets-1.xml"), None);
        assert_eq!(
            super::parse_file(super::file_path("terms", 3).trim_start_matches("/sitemaps/")),
            Some(("terms", 3))
        );
    }
}
