//! What every page shares: the publication and its navigation ([`SiteView`]) and the
//! page's `<head>` ([`MetaView`]: title, canonical address, feeds, social tags).

use crate::seo::MetaTag;
use crate::urls;
use byline_core::{Page, Publication, Taxonomy};
use chrono::{DateTime, Datelike, Utc};
use serde::Serialize;

/// The publication, its navigation and what every page's chrome needs.
#[derive(Debug, Clone, Serialize)]
pub struct SiteView {
    pub title: String,
    pub tagline: Option<String>,
    pub description: Option<String>,
    pub language: String,
    /// Absolute, without a trailing slash.
    pub base_url: String,
    pub logo: Option<String>,
    /// The icon browsers show: the publication's, or the built-in `/favicon.ico`.
    pub favicon: String,
    pub contact_email: Option<String>,
    pub media_email: Option<String>,
    pub copyright: Option<String>,
    pub disclaimer_html: Option<String>,
    pub year: i32,
    pub nav: Vec<LinkView>,
    pub taxonomies: Vec<TaxonomyLink>,
    /// Is the reader a signed-in member? (The header offers "Account" instead of "Subscribe"
    /// and "Sign in".) Pages are cached per access level, so this may depend on the reader's
    /// level, never on the person.
    pub member: bool,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct LinkView {
    pub title: String,
    pub url: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct TaxonomyLink {
    pub name: String,
    pub singular: String,
    pub slug: String,
    pub url: String,
}

/// The page's `<head>` essentials.
#[derive(Debug, Clone, Serialize)]
pub struct MetaView {
    pub title: String,
    pub description: Option<String>,
    /// Absolute URL.
    pub canonical: String,
    pub noindex: bool,
    /// Feeds to announce (`<link rel="alternate">`), the page's own first.
    pub feeds: Vec<FeedLink>,
    /// OpenGraph `<meta property>` tags.
    pub og: Vec<MetaTag>,
    /// Twitter card `<meta name>` tags.
    pub twitter: Vec<MetaTag>,
    /// JSON-LD, already safe to print inside `<script type="application/ld+json">`.
    pub json_ld: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FeedLink {
    pub title: String,
    pub url: String,
    pub mime: &'static str,
}

/// The three feeds of a list whose page is at `page`, titled after `title`.
pub fn feed_links(page: &str, title: &str) -> Vec<FeedLink> {
    crate::feeds::FeedFormat::ALL
        .into_iter()
        .map(|f| FeedLink {
            title: format!("{title} ({})", f.label()),
            url: format!("{page}{}", f.file()),
            mime: f.mime(),
        })
        .collect()
}

impl MetaView {
    /// Announces the feeds of the list at `page` before the site's own.
    pub fn with_feeds_of(mut self, page: &str, title: &str) -> Self {
        let mut feeds = feed_links(page, title);
        feeds.append(&mut self.feeds);
        self.feeds = feeds;
        self
    }
}

impl SiteView {
    /// `base_url` is used when the publication sets none (it comes from where Byline listens).
    pub fn new(
        p: &Publication,
        taxonomies: &[Taxonomy],
        pages: &[Page],
        base_url: &str,
        now: DateTime<Utc>,
    ) -> Self {
        Self {
            title: p.title.clone(),
            tagline: p.tagline.clone(),
            description: p.description.clone(),
            language: p.language.clone(),
            base_url: p
                .base_url
                .clone()
                .unwrap_or_else(|| base_url.trim_end_matches('/').to_owned()),
            logo: p.logo.clone(),
            favicon: p.favicon.clone().unwrap_or_else(|| "/favicon.ico".to_owned()),
            contact_email: p.contact_email.clone(),
            media_email: p.media_email.clone(),
            copyright: p.copyright.clone(),
            disclaimer_html: p.disclaimer_html.clone(),
            year: now.year(),
            nav: pages
                .iter()
                .filter(|pg| pg.in_nav)
                .map(|pg| LinkView { title: pg.title.clone(), url: urls::page(&pg.slug) })
                .collect(),
            taxonomies: taxonomies
                .iter()
                .map(|t| TaxonomyLink {
                    name: t.name.clone(),
                    singular: t.singular.clone(),
                    slug: t.slug.clone(),
                    url: urls::taxonomy(&t.slug),
                })
                .collect(),
            member: false,
        }
    }

    /// `<head>` data for a page at `path`, titled `title` (the site's name is appended).
    pub fn meta(&self, title: Option<&str>, description: Option<&str>, path: &str) -> MetaView {
        let full = match title {
            Some(t) => format!("{t} · {}", self.title),
            None => match &self.tagline {
                Some(tag) => format!("{} · {tag}", self.title),
                None => self.title.clone(),
            },
        };
        let description = description.map(str::to_owned).or_else(|| self.description.clone());
        let canonical = format!("{}{path}", self.base_url);
        let (og, twitter) = crate::seo::website_tags(
            &self.title,
            title.unwrap_or(&self.title),
            description.as_deref(),
            &canonical,
        );
        MetaView {
            title: full,
            description,
            canonical,
            noindex: false,
            feeds: feed_links("/", &self.title),
            og,
            twitter,
            json_ld: None,
        }
    }
}
