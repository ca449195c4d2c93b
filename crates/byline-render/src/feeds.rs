//! Feeds: RSS 2.0, Atom 1.0 and JSON Feed 1.1 for the whole site, an author or a term.
//!
//! What an article gives to a feed is decided in one place, [`entry_html`]: when membership
//! arrives, gated articles are cut there, and no feed can carry more than it allows.

use crate::urls;
use byline_core::{Article, License, Publication};
use chrono::{DateTime, Utc};
use serde::Serialize;

/// How many articles a feed carries.
pub const FEED_ITEMS: u64 = 20;

/// The formats, by the file name they are served under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedFormat {
    Rss,
    Atom,
    Json,
}

impl FeedFormat {
    pub const ALL: [FeedFormat; 3] = [FeedFormat::Rss, FeedFormat::Atom, FeedFormat::Json];

    pub fn file(self) -> &'static str {
        match self {
            FeedFormat::Rss => "feed.xml",
            FeedFormat::Atom => "atom.xml",
            FeedFormat::Json => "feed.json",
        }
    }

    pub fn from_file(file: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.file() == file)
    }

    pub fn mime(self) -> &'static str {
        match self {
            FeedFormat::Rss => "application/rss+xml",
            FeedFormat::Atom => "application/atom+xml",
            FeedFormat::Json => "application/feed+json",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            FeedFormat::Rss => "RSS",
            FeedFormat::Atom => "Atom",
            FeedFormat::Json => "JSON Feed",
        }
    }
}

/// What a feed is about: the whole site, an author or a term.
#[derive(Debug, Clone)]
pub struct FeedInfo {
    pub title: String,
    pub description: String,
    /// The HTML page the feed mirrors, site-relative (`/`, `/authors/x/`).
    pub page: String,
}

impl FeedInfo {
    /// The whole site's feed.
    pub fn site(p: &Publication) -> Self {
        let description = p.description.clone().or_else(|| p.tagline.clone());
        Self {
            title: p.title.clone(),
            description: description
                .unwrap_or_else(|| format!("The latest articles from {}", p.title)),
            page: "/".into(),
        }
    }

    /// An author's feed.
    pub fn author(a: &byline_core::Author, p: &Publication) -> Self {
        Self {
            title: format!("{} · {}", a.name, p.title),
            description: format!("Articles by {} in {}", a.name, p.title),
            page: urls::author(&a.slug),
        }
    }

    /// A term's feed (its articles and those of the terms below it).
    pub fn term(t: &byline_core::Taxonomy, term: &byline_core::Term, p: &Publication) -> Self {
        Self {
            title: format!("{} · {}", term.name, p.title),
            description: format!("{}: {} in {}", t.singular, term.name, p.title),
            page: urls::term(&t.slug, &term.slug),
        }
    }
}

/// A feed in one of the formats.
pub fn render(
    format: FeedFormat,
    info: &FeedInfo,
    articles: &[Article],
    p: &Publication,
    base: &str,
) -> String {
    match format {
        FeedFormat::Rss => rss(info, articles, p, base),
        FeedFormat::Atom => atom(info, articles, p, base),
        FeedFormat::Json => json(info, articles, p, base),
    }
}

/// Makes `href="/…"` and `src="/…"` absolute, for HTML read away from the site.
pub fn absolutize(html: &str, base_url: &str) -> String {
    let mut out = String::with_capacity(html.len() + 64);
    let mut rest = html;
    while let Some(i) = rest.find("=\"/") {
        let (head, tail) = rest.split_at(i + 2);
        out.push_str(head);
        let attr_ok = head.ends_with("href=\"") || head.ends_with("src=\"");
        if attr_ok && !tail.starts_with("//") {
            out.push_str(base_url);
        }
        rest = tail;
    }
    out.push_str(rest);
    out
}

/// The rights line an article carries: `© 2026 Holder. Licence name.`
pub fn rights(a: &Article, p: &Publication) -> String {
    let license = a.license_or(p.default_license);
    let year = a.copyright_year_or(a.published_at.unwrap_or_default());
    format!("© {year} {}. {}.", a.copyright_holder_or(&p.title), license.name())
}

/// The HTML a feed may carry for an article: its body with absolute links, then the
/// original-source and rights lines. The single gate for feed content.
pub fn entry_html(a: &Article, p: &Publication, base_url: &str) -> String {
    let mut html = absolutize(&a.body_html, base_url);
    if let Some(s) = &a.source {
        let name = escape(&s.name);
        match &s.url {
            Some(u) => html.push_str(&format!(
                "<p>The original source of this article is <a href=\"{}\">{name}</a>.</p>",
                escape(u)
            )),
            None => {
                html.push_str(&format!("<p>The original source of this article is {name}.</p>"))
            }
        }
    }
    let license = a.license_or(p.default_license);
    let rights = escape(&rights(a, p));
    match license.url() {
        Some(u) => html.push_str(&format!("<p><a href=\"{u}\" rel=\"license\">{rights}</a></p>")),
        None => html.push_str(&format!("<p>{rights}</p>")),
    }
    html
}

/// Escapes text for HTML content and double-quoted attributes (the only kind written here).
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

fn when(a: &Article) -> DateTime<Utc> {
    a.published_at.unwrap_or_default()
}

fn last_change(a: &Article) -> DateTime<Utc> {
    a.updated_at.unwrap_or_else(|| when(a))
}

/// The newest change among the articles (the feed's own "updated").
pub fn updated(articles: &[Article]) -> Option<DateTime<Utc>> {
    articles.iter().map(last_change).max()
}

fn abs(base: &str, path: &str) -> String {
    format!("{base}{path}")
}

fn publication_rights(p: &Publication) -> Option<String> {
    p.copyright.clone().or_else(|| match p.default_license {
        License::AllRightsReserved => Some(format!("© {}", p.title)),
        l => Some(format!("{} {}", p.title, l.name())),
    })
}

pub fn rss(info: &FeedInfo, articles: &[Article], p: &Publication, base: &str) -> String {
    let self_url = abs(base, &format!("{}{}", info.page, FeedFormat::Rss.file()));
    let items = articles
        .iter()
        .map(|a| {
            let url = abs(base, &urls::article(&a.slug));
            rss::Item {
                title: Some(a.title.clone()),
                link: Some(url.clone()),
                description: Some(a.excerpt.clone()),
                guid: Some(rss::Guid { value: url, permalink: true }),
                pub_date: Some(when(a).to_rfc2822()),
                categories: a
                    .terms
                    .iter()
                    .map(|t| rss::Category {
                        name: t.name.clone(),
                        domain: Some(abs(base, &urls::taxonomy(&t.taxonomy_slug))),
                    })
                    .collect(),
                content: Some(entry_html(a, p, base)),
                dublin_core_ext: Some(rss::extension::dublincore::DublinCoreExtension {
                    creators: a.authors.iter().map(|x| x.name.clone()).collect(),
                    rights: vec![rights(a, p)],
                    ..Default::default()
                }),
                ..Default::default()
            }
        })
        .collect();
    let channel = rss::Channel {
        title: info.title.clone(),
        link: abs(base, &info.page),
        description: info.description.clone(),
        language: Some(p.language.clone()),
        copyright: publication_rights(p),
        last_build_date: updated(articles).map(|d| d.to_rfc2822()),
        generator: Some("Byline".into()),
        items,
        atom_ext: Some(rss::extension::atom::AtomExtension {
            links: vec![atom_syndication::Link {
                href: self_url,
                rel: "self".into(),
                mime_type: Some(FeedFormat::Rss.mime().into()),
                ..Default::default()
            }],
        }),
        ..Default::default()
    };
    channel.to_string()
}

pub fn atom(info: &FeedInfo, articles: &[Article], p: &Publication, base: &str) -> String {
    use atom_syndication::{Category, Content, Entry, Feed, Link, Person, Text};
    let self_url = abs(base, &format!("{}{}", info.page, FeedFormat::Atom.file()));
    let publisher =
        Person { name: p.title.clone(), uri: Some(abs(base, "/")), ..Default::default() };
    let entries = articles
        .iter()
        .map(|a| {
            let url = abs(base, &urls::article(&a.slug));
            let mut authors: Vec<Person> = a
                .authors
                .iter()
                .map(|x| Person {
                    name: x.name.clone(),
                    uri: Some(abs(base, &urls::author(&x.slug))),
                    ..Default::default()
                })
                .collect();
            if authors.is_empty() {
                authors.push(publisher.clone());
            }
            Entry {
                title: Text::plain(a.title.clone()),
                id: url.clone(),
                updated: last_change(a).fixed_offset(),
                published: Some(when(a).fixed_offset()),
                authors,
                links: vec![Link {
                    href: url,
                    rel: "alternate".into(),
                    mime_type: Some("text/html".into()),
                    ..Default::default()
                }],
                categories: a
                    .terms
                    .iter()
                    .map(|t| Category {
                        term: t.slug.clone(),
                        scheme: Some(abs(base, &urls::taxonomy(&t.taxonomy_slug))),
                        label: Some(t.name.clone()),
                    })
                    .collect(),
                rights: Some(Text::plain(rights(a, p))),
                summary: Some(Text::plain(a.excerpt.clone())),
                content: Some(Content {
                    value: Some(entry_html(a, p, base)),
                    content_type: Some("html".into()),
                    ..Default::default()
                }),
                ..Default::default()
            }
        })
        .collect();
    let feed = Feed {
        title: Text::plain(info.title.clone()),
        id: self_url.clone(),
        updated: updated(articles).unwrap_or_default().fixed_offset(),
        authors: vec![publisher],
        links: vec![
            Link {
                href: abs(base, &info.page),
                rel: "alternate".into(),
                mime_type: Some("text/html".into()),
                ..Default::default()
            },
            Link {
                href: self_url,
                rel: "self".into(),
                mime_type: Some(FeedFormat::Atom.mime().into()),
                ..Default::default()
            },
        ],
        rights: publication_rights(p).map(Text::plain),
        subtitle: Some(Text::plain(info.description.clone())),
        entries,
        ..Default::default()
    };
    feed.to_string()
}

#[derive(Serialize)]
struct JsonFeed<'a> {
    version: &'static str,
    title: &'a str,
    home_page_url: String,
    feed_url: String,
    description: &'a str,
    language: &'a str,
    authors: Vec<JsonAuthor>,
    items: Vec<JsonItem>,
}

#[derive(Serialize)]
struct JsonAuthor {
    name: String,
    url: String,
}

#[derive(Serialize)]
struct JsonItem {
    id: String,
    url: String,
    title: String,
    content_html: String,
    summary: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    image: Option<String>,
    date_published: String,
    date_modified: String,
    authors: Vec<JsonAuthor>,
    tags: Vec<String>,
    /// JSON Feed extensions start with an underscore.
    _rights: JsonRights,
}

#[derive(Serialize)]
struct JsonRights {
    rights: String,
    license: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    license_url: Option<&'static str>,
}

pub fn json(info: &FeedInfo, articles: &[Article], p: &Publication, base: &str) -> String {
    let iso = |d: DateTime<Utc>| d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let items = articles
        .iter()
        .map(|a| {
            let url = abs(base, &urls::article(&a.slug));
            let license = a.license_or(p.default_license);
            JsonItem {
                id: url.clone(),
                url,
                title: a.title.clone(),
                content_html: entry_html(a, p, base),
                summary: a.excerpt.clone(),
                image: a.image.as_ref().map(|i| absolutize_url(&i.url, base)),
                date_published: iso(when(a)),
                date_modified: iso(last_change(a)),
                authors: a
                    .authors
                    .iter()
                    .map(|x| JsonAuthor {
                        name: x.name.clone(),
                        url: abs(base, &urls::author(&x.slug)),
                    })
                    .collect(),
                tags: a.terms.iter().map(|t| t.name.clone()).collect(),
                _rights: JsonRights {
                    rights: rights(a, p),
                    license: license.code(),
                    license_url: license.url(),
                },
            }
        })
        .collect();
    let feed = JsonFeed {
        version: "https://jsonfeed.org/version/1.1",
        title: &info.title,
        home_page_url: abs(base, &info.page),
        feed_url: abs(base, &format!("{}{}", info.page, FeedFormat::Json.file())),
        description: &info.description,
        language: &p.language,
        authors: vec![JsonAuthor { name: p.title.clone(), url: abs(base, "/") }],
        items,
    };
    serde_json::to_string_pretty(&feed).expect("feeds serialize")
}

/// A URL made absolute when it is site-relative.
pub fn absolutize_url(url: &str, base: &str) -> String {
    if url.starts_with('/') && !url.starts_with("//") {
        format!("{base}{url}")
    } else {
        url.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn makes_site_links_absolute_and_leaves_others() {
        let html = r#"<a href="/a/">x</a><img src="/m.jpg"><a href="//cdn.x/y">z</a><a href="https://o/">o</a><p title="/t">"#;
        assert_eq!(
            absolutize(html, "https://s.example"),
            r#"<a href="https://s.example/a/">x</a><img src="https://s.example/m.jpg"><a href="//cdn.x/y">z</a><a href="https://o/">o</a><p title="/t">"#
        );
    }
}
