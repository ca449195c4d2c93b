//! View-models: exactly what templates see, built from `byline_core` types. Field names are
//! the theme contract (docs/THEMES.md); changing one breaks themes, so add rather than rename.

mod pages;
pub mod share;

pub use pages::*;

use crate::seo::MetaTag;
use crate::urls;
use byline_core::{
    Article, ArticleSummary, Author, License, Page, Publication, Taxonomy, Term, TermRef,
};
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

#[derive(Debug, Clone, Serialize)]
pub struct NameLink {
    pub name: String,
    pub url: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct CardTerm {
    pub name: String,
    pub url: String,
    pub taxonomy: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ImageView {
    pub url: String,
    pub alt: String,
    pub caption: Option<String>,
    /// For a media-library image (known by its URL, without a query): its copies in its own
    /// format and in WebP, and its size, so the page reserves room and offers `srcset`.
    pub srcset: Option<String>,
    pub webp_srcset: Option<String>,
    pub width: Option<u32>,
    pub height: Option<u32>,
}

impl ImageView {
    pub fn new(i: &byline_core::FeaturedImage) -> Self {
        use byline_core::media::{ImageFormat, MediaName, srcset};
        let name = MediaName::parse_url(&i.url);
        let set = |format| {
            name.as_ref()
                .map(|(origin, n)| srcset(origin, &n.candidates(format)))
                .filter(|s| !s.is_empty())
        };
        Self {
            url: i.url.clone(),
            alt: i.alt.clone(),
            caption: i.caption.clone(),
            srcset: name.as_ref().and_then(|(_, n)| set(n.format)),
            webp_srcset: name.as_ref().filter(|(_, n)| n.webp).and_then(|_| set(ImageFormat::WebP)),
            width: name.as_ref().map(|(_, n)| n.width),
            height: name.as_ref().map(|(_, n)| n.height),
        }
    }
}

/// An article in a list.
#[derive(Debug, Clone, Serialize)]
pub struct CardView {
    pub title: String,
    pub subtitle: Option<String>,
    pub url: String,
    pub excerpt: String,
    pub published: String,
    pub published_iso: String,
    pub authors: Vec<NameLink>,
    pub terms: Vec<CardTerm>,
    pub image: Option<ImageView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AuthorView {
    pub name: String,
    pub slug: String,
    pub url: String,
    pub bio_html: Option<String>,
    pub photo: Option<String>,
    pub website: Option<String>,
    pub email: Option<String>,
    pub links: Vec<LinkView>,
    pub guest: bool,
    pub initials: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct PaginationView {
    pub current: u64,
    pub total: u64,
    pub prev_url: Option<String>,
    pub next_url: Option<String>,
}

/// How many terms a card shows.
const CARD_TERMS: usize = 3;

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

/// `14 March 2026`.
pub fn display_date(t: DateTime<Utc>) -> String {
    t.format("%-d %B %Y").to_string()
}

fn iso(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn name_link(name: &str, slug: &str) -> NameLink {
    NameLink { name: name.to_owned(), url: urls::author(slug) }
}

impl CardView {
    pub fn new(a: &ArticleSummary) -> Self {
        let published_at = a.published_at.unwrap_or_default();
        Self {
            title: a.title.clone(),
            subtitle: a.subtitle.clone(),
            url: urls::article(&a.slug),
            excerpt: a.excerpt.clone(),
            published: display_date(published_at),
            published_iso: iso(published_at),
            authors: a.authors.iter().map(|r| name_link(&r.name, &r.slug)).collect(),
            terms: a
                .terms
                .iter()
                .take(CARD_TERMS)
                .map(|t| CardTerm {
                    name: t.name.clone(),
                    url: urls::term(&t.taxonomy_slug, &t.slug),
                    taxonomy: t.taxonomy_name.clone(),
                })
                .collect(),
            image: a.image.as_ref().map(ImageView::new),
        }
    }

    pub fn list(items: &[ArticleSummary]) -> Vec<Self> {
        items.iter().map(Self::new).collect()
    }
}

impl AuthorView {
    pub fn new(a: &Author) -> Self {
        Self {
            name: a.name.clone(),
            slug: a.slug.clone(),
            url: urls::author(&a.slug),
            bio_html: a.bio_html.clone(),
            photo: a.photo.clone(),
            website: a.website.clone(),
            email: a.email.clone(),
            links: a
                .links
                .iter()
                .map(|l| LinkView { title: l.title.clone(), url: l.url.clone() })
                .collect(),
            guest: a.guest,
            initials: initials(&a.name),
        }
    }
}

/// `Anna Kowalska` → `AK`; at most two letters.
pub fn initials(name: &str) -> String {
    let words: Vec<&str> = name.split_whitespace().collect();
    let pick = match words.as_slice() {
        [] => vec![],
        [one] => vec![*one],
        [first, .., last] => vec![*first, *last],
    };
    pick.iter().filter_map(|w| w.chars().next()).flat_map(char::to_uppercase).collect()
}

impl PaginationView {
    /// Page `current` of `total` for a list whose first page is at `base`.
    pub fn new(base: &str, current: u64, total: u64) -> Self {
        Self {
            current,
            total,
            prev_url: (current > 1).then(|| urls::paged(base, current - 1)),
            next_url: (current < total).then(|| urls::paged(base, current + 1)),
        }
    }
}

/// Terms grouped by taxonomy, in the order they come (the store sorts taxonomies).
#[derive(Debug, Clone, Serialize)]
pub struct TermGroup {
    pub taxonomy: TaxonomyLink,
    pub terms: Vec<NameLink>,
}

pub fn term_groups(terms: &[TermRef], taxonomies: &[TaxonomyLink]) -> Vec<TermGroup> {
    let mut groups: Vec<TermGroup> = Vec::new();
    for t in terms {
        let link = NameLink { name: t.name.clone(), url: urls::term(&t.taxonomy_slug, &t.slug) };
        match groups.iter_mut().find(|g| g.taxonomy.slug == t.taxonomy_slug) {
            Some(g) => g.terms.push(link),
            None => {
                let taxonomy =
                    taxonomies.iter().find(|x| x.slug == t.taxonomy_slug).cloned().unwrap_or(
                        TaxonomyLink {
                            name: t.taxonomy_name.clone(),
                            singular: t.taxonomy_name.clone(),
                            slug: t.taxonomy_slug.clone(),
                            url: urls::taxonomy(&t.taxonomy_slug),
                        },
                    );
                groups.push(TermGroup { taxonomy, terms: vec![link] });
            }
        }
    }
    groups
}

#[derive(Debug, Clone, Serialize)]
pub struct LicenseView {
    pub code: &'static str,
    pub name: &'static str,
    pub url: Option<&'static str>,
}

impl From<License> for LicenseView {
    fn from(l: License) -> Self {
        Self { code: l.code(), name: l.name(), url: l.url() }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct CopyrightView {
    pub holder: String,
    pub year: i32,
}

#[derive(Debug, Clone, Serialize)]
pub struct SourceView {
    pub name: String,
    pub url: Option<String>,
}

/// A whole article as its page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct ArticleView {
    pub title: String,
    pub subtitle: Option<String>,
    pub url: String,
    pub body_html: String,
    pub excerpt: String,
    pub published: String,
    pub published_iso: String,
    pub updated: Option<String>,
    pub updated_iso: Option<String>,
    pub authors: Vec<AuthorView>,
    pub term_groups: Vec<TermGroup>,
    pub image: Option<ImageView>,
    pub note_html: Option<String>,
    pub source: Option<SourceView>,
    pub copyright: CopyrightView,
    pub license: LicenseView,
    pub canonical_url: Option<String>,
    pub seo_title: Option<String>,
    pub seo_description: Option<String>,
    /// Plain share links (email, Mastodon, Bluesky …).
    pub share: Vec<share::ShareLink>,
    /// The "Republish this article" page, when the article may be republished.
    pub republish_url: Option<String>,
}

impl ArticleView {
    pub fn new(a: &Article, p: &Publication, site: &SiteView, now: DateTime<Utc>) -> Self {
        let published_at = a.published_at.unwrap_or(now);
        Self {
            title: a.title.clone(),
            subtitle: a.subtitle.clone(),
            url: urls::article(&a.slug),
            body_html: a.body_html.clone(),
            excerpt: a.excerpt.clone(),
            published: display_date(published_at),
            published_iso: iso(published_at),
            updated: a.updated_at.map(display_date),
            updated_iso: a.updated_at.map(iso),
            authors: a.authors.iter().map(AuthorView::new).collect(),
            term_groups: term_groups(&a.terms, &site.taxonomies),
            image: a.image.as_ref().map(ImageView::new),
            note_html: a.note_html.clone(),
            source: a
                .source
                .as_ref()
                .map(|s| SourceView { name: s.name.clone(), url: s.url.clone() }),
            copyright: CopyrightView {
                holder: a.copyright_holder_or(&p.title).to_owned(),
                year: a.copyright_year_or(now),
            },
            license: a.license.unwrap_or(p.default_license).into(),
            canonical_url: a.canonical_url.clone(),
            seo_title: a.seo_title.clone(),
            seo_description: a.seo_description.clone(),
            share: share::links(
                &format!("{}{}", site.base_url, urls::article(&a.slug)),
                &a.title,
                &site.title,
            ),
            republish_url: a.republishable(p).then(|| urls::republish(&a.slug)),
        }
    }
}

/// A term in a breadcrumb or child list.
pub fn term_link(taxonomy_slug: &str, t: &Term) -> NameLink {
    NameLink { name: t.name.clone(), url: urls::term(taxonomy_slug, &t.slug) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initials_take_first_and_last_words() {
        assert_eq!(initials("Anna Maria Kowalska"), "AK");
        assert_eq!(initials("łukasz"), "Ł");
        assert_eq!(initials(""), "");
    }

    #[test]
    fn pagination_links_only_where_pages_exist() {
        let p = PaginationView::new("/", 1, 3);
        assert_eq!((p.prev_url, p.next_url.as_deref()), (None, Some("/page/2/")));
        let p = PaginationView::new("/tags/x/", 3, 3);
        assert_eq!((p.prev_url.as_deref(), p.next_url), (Some("/tags/x/page/2/"), None));
    }
}
