//! What a feed is: its format (by the file it is served under) and its subject (the whole
//! site, an author or a term).

use crate::urls;
use byline_core::Publication;

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
