//! What several view-models share: name links, image and author views, dates in the forms
//! templates show, and term links. The page modules and `republish` use these; this module
//! uses none of them.

use super::site::LinkView;
use crate::urls;
use byline_core::{ArticleSummary, Author, Term};
use chrono::{DateTime, Utc};
use serde::Serialize;

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
    /// `Members` or `Paid` for a gated article (a badge; lists never show gated text).
    pub access: Option<&'static str>,
    /// The article's id (for comment counts).
    pub id: i64,
    /// Its public comments (filled by lists that show them).
    pub comments: u64,
    /// Featured: the home page lists it first, with a label.
    pub featured: bool,
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

/// `14 March 2026`.
pub fn display_date(t: DateTime<Utc>) -> String {
    t.format("%-d %B %Y").to_string()
}

pub(crate) fn iso(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

pub(crate) fn name_link(name: &str, slug: &str) -> NameLink {
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
            access: byline_core::gating::badge(&a.access),
            id: a.id,
            comments: 0,
            featured: a.featured,
        }
    }

    /// Puts each card's comment count in from `counts` (by article id).
    pub fn count_comments(cards: &mut [CardView], counts: &std::collections::HashMap<i64, u64>) {
        for c in cards {
            c.comments = counts.get(&c.id).copied().unwrap_or(0);
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
