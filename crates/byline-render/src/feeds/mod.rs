//! Feeds: RSS 2.0, Atom 1.0 and JSON Feed 1.1 for the whole site, an author or a term.
//!
//! What an article gives to a feed is decided in one place, [`entry_html`]: when membership
//! arrives, gated articles are cut there, and no feed can carry more than it allows.

mod atom;
mod entry;
mod json;
mod rss;

pub use atom::atom;
pub(crate) use entry::escape;
pub use entry::{absolutize, absolutize_url, entry_html, rights};
pub use json::json;
pub use rss::rss;

use crate::urls;
use byline_core::{Article, License, Publication};
use chrono::{DateTime, Utc};

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
