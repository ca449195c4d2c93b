//! Articles: the heart of a publication.

use crate::author::{Author, AuthorRef, checked_slug};
use crate::error::{Checker, Invalid, non_blank};
use crate::gating;
use crate::members::Access;
use crate::taxonomy::{TermRef, split_term_path};
use crate::{License, markdown};
use chrono::{DateTime, Datelike, Utc};
use serde::{Deserialize, Serialize};
use std::{fmt, str::FromStr};

/// How long a derived excerpt may be, in characters.
pub const EXCERPT_CHARS: usize = 240;
/// The most days after publication an article's comments may stay open before closing.
pub const MAX_COMMENT_DAYS: u32 = 36_500;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum ArticleStatus {
    #[default]
    Draft,
    /// Submitted by its writer and awaiting an editor: still not public.
    Review,
    Scheduled,
    Published,
    /// Deleted to the trash: never public; restored as a draft, or deleted for good.
    Trash,
}

impl ArticleStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ArticleStatus::Draft => "draft",
            ArticleStatus::Review => "review",
            ArticleStatus::Scheduled => "scheduled",
            ArticleStatus::Published => "published",
            ArticleStatus::Trash => "trash",
        }
    }

    pub const ALL: [ArticleStatus; 5] = [
        ArticleStatus::Draft,
        ArticleStatus::Review,
        ArticleStatus::Scheduled,
        ArticleStatus::Published,
        ArticleStatus::Trash,
    ];

    /// As the admin labels it.
    pub fn label(self) -> &'static str {
        match self {
            ArticleStatus::Draft => "Draft",
            ArticleStatus::Review => "Awaiting review",
            ArticleStatus::Scheduled => "Scheduled",
            ArticleStatus::Published => "Published",
            ArticleStatus::Trash => "In the trash",
        }
    }

    /// Published or scheduled: what the permission rules call "published".
    pub fn is_live(self) -> bool {
        matches!(self, ArticleStatus::Published | ArticleStatus::Scheduled)
    }
}

impl fmt::Display for ArticleStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ArticleStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "draft" => Ok(Self::Draft),
            "review" => Ok(Self::Review),
            "scheduled" => Ok(Self::Scheduled),
            "published" => Ok(Self::Published),
            "trash" => Ok(Self::Trash),
            other => Err(format!(
                "unknown article status {other:?}; expected draft, review, scheduled, published \
                 or trash"
            )),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeaturedImage {
    pub url: String,
    /// Empty when the image is decorative.
    pub alt: String,
    pub caption: Option<String>,
}

/// Where an article was first published.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    pub name: String,
    pub url: Option<String>,
}

/// A term an article is filed under, as written by a user: a taxonomy slug and a path of
/// term names or slugs (`regions`, `Europe/Belarus`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TermPath {
    pub taxonomy: String,
    pub path: Vec<String>,
}

/// An article as a user writes it, before validation. Also what a revision keeps (as JSON)
/// and what the editor shows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ArticleInput {
    pub title: String,
    pub slug: Option<String>,
    pub subtitle: Option<String>,
    /// Markdown.
    pub body: String,
    /// A given excerpt; derived from the body when absent.
    pub excerpt: Option<String>,
    pub status: ArticleStatus,
    pub published_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
    /// Author slugs (or names, for authors not yet known), in byline order.
    pub authors: Vec<String>,
    /// (taxonomy slug, term path such as `Europe/Belarus`).
    pub terms: Vec<(String, String)>,
    pub image: Option<String>,
    pub image_alt: Option<String>,
    pub image_caption: Option<String>,
    /// Markdown note to readers.
    pub note: Option<String>,
    pub source_name: Option<String>,
    pub source_url: Option<String>,
    pub copyright_holder: Option<String>,
    pub copyright_year: Option<i32>,
    pub license: Option<License>,
    pub canonical_url: Option<String>,
    pub seo_title: Option<String>,
    pub seo_description: Option<String>,
    /// May other sites republish it? `None` follows the publication's policy.
    pub republish: Option<bool>,
    /// Are comments open on it? `None` (the default) and `true` open, `false` closed
    /// (`comments: false` in front matter).
    pub comments: Option<bool>,
    /// Comments close this many days after it is published, whatever the publication's
    /// setting (`comments_close_after_days` in front matter); `Some(0)`: they never close
    /// by age; `None`: the publication's setting.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comments_close_after_days: Option<u32>,
    /// Is it featured: shown first on the home page, `featured` in the Ghost Content API
    /// (`featured: true` in front matter; WordPress's sticky posts).
    pub featured: bool,
    /// Who may read it in full: `public` (or none), `members`, `paid` or `tiers`.
    pub access: Option<String>,
    /// The tiers (slugs) it is for, with `access: tiers`.
    pub tiers: Vec<String>,
}

/// A validated article, ready to store: Markdown rendered, excerpt derived, references
/// (authors, terms) still by name for the store to resolve.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleFields {
    pub slug: String,
    pub title: String,
    pub subtitle: Option<String>,
    pub body: String,
    pub body_html: String,
    pub excerpt: String,
    /// Was the excerpt written by someone (rather than derived from the body)?
    pub excerpt_given: bool,
    pub status: ArticleStatus,
    pub published_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
    pub authors: Vec<String>,
    pub terms: Vec<TermPath>,
    pub image: Option<FeaturedImage>,
    pub note: Option<String>,
    pub note_html: Option<String>,
    pub source: Option<Source>,
    pub copyright_holder: Option<String>,
    pub copyright_year: Option<i32>,
    pub license: Option<License>,
    pub canonical_url: Option<String>,
    pub seo_title: Option<String>,
    pub seo_description: Option<String>,
    pub republish: Option<bool>,
    pub comments: Option<bool>,
    /// See [`ArticleInput::comments_close_after_days`].
    pub comments_close_after_days: Option<u32>,
    pub featured: bool,
    /// Who may read it in full (tier slugs still to be found by the store).
    pub access: Access,
    /// What readers without access see (see `gating`).
    pub preview_html: String,
    /// Where in `body_html` the members-only part begins.
    pub members_from: usize,
}

impl ArticleInput {
    /// Checks every field and says which are wrong; renders Markdown and derives the excerpt.
    pub fn validate(&self) -> Result<ArticleFields, Invalid> {
        let mut c = Checker::default();
        let title = c.required("title", &self.title);
        if title.chars().count() > 300 {
            c.fail("title", "is longer than 300 characters");
        }
        let slug = checked_slug(&mut c, self.slug.as_deref(), &title);
        let needs_body = matches!(
            self.status,
            ArticleStatus::Review | ArticleStatus::Scheduled | ArticleStatus::Published
        );
        if needs_body && self.body.trim().is_empty() {
            c.fail("body", format!("is empty; a {} article needs a body", self.status));
        }
        if self.status == ArticleStatus::Scheduled && self.published_at.is_none() {
            c.fail("published_at", "is required to schedule an article");
        }
        let mut authors: Vec<String> = Vec::with_capacity(self.authors.len());
        for (i, a) in self.authors.iter().enumerate() {
            let a = a.trim();
            if crate::slugify(a).is_empty() {
                c.fail(&format!("authors[{i}]"), format!("{a:?} names no author"));
            } else if !authors.iter().any(|known| crate::slugify(known) == crate::slugify(a)) {
                authors.push(a.to_owned());
            }
        }
        let mut terms: Vec<TermPath> = Vec::new();
        for (taxonomy, path) in &self.terms {
            let parts = split_term_path(path);
            if parts.is_empty() {
                continue;
            }
            let t = TermPath { taxonomy: crate::slugify(taxonomy), path: parts };
            if !terms.contains(&t) {
                terms.push(t);
            }
        }
        let image = c.url_or_path("image", self.image.as_deref()).map(|url| FeaturedImage {
            url,
            alt: non_blank(self.image_alt.as_deref()).unwrap_or_default(),
            caption: non_blank(self.image_caption.as_deref()),
        });
        let source_url = c.url("source_url", self.source_url.as_deref());
        let source = match (non_blank(self.source_name.as_deref()), source_url) {
            (Some(name), url) => Some(Source { name, url }),
            (None, Some(_)) => {
                c.fail("source_name", "is required when source_url is given");
                None
            }
            (None, None) => None,
        };
        if let Some(y) = self.copyright_year
            && !(1800..=2200).contains(&y)
        {
            c.fail("copyright_year", format!("{y} is not a plausible year"));
        }
        let canonical_url = c.url("canonical_url", self.canonical_url.as_deref());
        if let Some(d) = self.comments_close_after_days
            && d > MAX_COMMENT_DAYS
        {
            c.fail(
                "comments_close_after_days",
                format!("{d} is more than {MAX_COMMENT_DAYS} days (100 years)"),
            );
        }
        let body = self.body.replace("\r\n", "\n");
        let access = match Access::parse("access", self.access.as_deref(), &self.tiers) {
            Ok(a) => a,
            Err(e) => {
                e.0.into_iter().for_each(|f| c.fail(&f.field, f.message));
                Access::Public
            }
        };
        let rendered = gating::render_body(&body);
        let given = non_blank(self.excerpt.as_deref());
        // Derived from the free part only, so no list or meta tag shows members-only text.
        let excerpt = match &given {
            Some(e) => markdown::truncate_words(e, 1000),
            None => markdown::excerpt(&rendered.free_markdown, EXCERPT_CHARS),
        };
        let note = non_blank(self.note.as_deref());
        let published_at = self.published_at.or(match self.status {
            ArticleStatus::Published => self.updated_at,
            _ => None,
        });
        c.finish(ArticleFields {
            slug,
            title,
            subtitle: non_blank(self.subtitle.as_deref()),
            preview_html: gating::preview_html(&rendered, &excerpt),
            members_from: rendered.members_from,
            body_html: rendered.body_html,
            body,
            excerpt,
            excerpt_given: given.is_some(),
            status: self.status,
            published_at,
            updated_at: self.updated_at.filter(|u| Some(*u) > published_at),
            authors,
            terms,
            image,
            note_html: note.as_deref().map(markdown::to_html),
            note,
            source,
            copyright_holder: non_blank(self.copyright_holder.as_deref()),
            copyright_year: self.copyright_year,
            license: self.license,
            canonical_url,
            seo_title: non_blank(self.seo_title.as_deref()),
            seo_description: non_blank(self.seo_description.as_deref()),
            republish: self.republish,
            comments: self.comments,
            comments_close_after_days: self.comments_close_after_days,
            featured: self.featured,
            access,
        })
    }
}

/// An article as lists show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleSummary {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub subtitle: Option<String>,
    pub excerpt: String,
    pub status: ArticleStatus,
    pub published_at: Option<DateTime<Utc>>,
    pub authors: Vec<AuthorRef>,
    pub terms: Vec<TermRef>,
    pub image: Option<FeaturedImage>,
    /// Who may read it in full (lists show a badge; never its text).
    #[serde(default)]
    pub access: Access,
    /// Featured: first on the home page.
    #[serde(default)]
    pub featured: bool,
}

/// A whole article, as its page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Article {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub subtitle: Option<String>,
    /// The Markdown source, for the plain-text and republication versions.
    pub body: String,
    pub body_html: String,
    pub excerpt: String,
    pub status: ArticleStatus,
    pub published_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
    pub authors: Vec<Author>,
    pub terms: Vec<TermRef>,
    pub image: Option<FeaturedImage>,
    pub note_html: Option<String>,
    pub source: Option<Source>,
    pub copyright_holder: Option<String>,
    pub copyright_year: Option<i32>,
    pub license: Option<License>,
    pub canonical_url: Option<String>,
    pub seo_title: Option<String>,
    pub seo_description: Option<String>,
    /// May other sites republish it? `None` follows the publication's policy.
    pub republish: Option<bool>,
    /// Are comments open on it? `None` (the default) and `true` open, `false` closed
    /// (`comments: false` in front matter).
    pub comments: Option<bool>,
    /// Comments close this many days after publication (`Some(0)`: never by age; `None`:
    /// the publication's setting).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comments_close_after_days: Option<u32>,
    /// Featured: first on the home page.
    #[serde(default)]
    pub featured: bool,
    /// Who may read it in full.
    #[serde(default)]
    pub access: Access,
    /// What readers without access see: the body up to `<!--members-only-->`, else the
    /// excerpt as a paragraph.
    #[serde(default)]
    pub preview_html: String,
    /// Where in `body_html` the members-only part begins (0: all of it).
    #[serde(default)]
    pub members_from: usize,
    /// Set when this copy holds only the preview (see `Article::for_reader`).
    #[serde(default)]
    pub preview_only: bool,
}

impl Article {
    /// The article as lists show it.
    pub fn summary(&self) -> ArticleSummary {
        ArticleSummary {
            id: self.id,
            slug: self.slug.clone(),
            title: self.title.clone(),
            subtitle: self.subtitle.clone(),
            excerpt: self.excerpt.clone(),
            status: self.status,
            published_at: self.published_at,
            authors: self.authors.iter().map(Author::to_ref).collect(),
            terms: self.terms.clone(),
            image: self.image.clone(),
            access: self.access.clone(),
            featured: self.featured,
        }
    }

    /// Who holds the copyright: the article's own holder, else the publication.
    pub fn copyright_holder_or<'a>(&'a self, publication_title: &'a str) -> &'a str {
        self.copyright_holder.as_deref().unwrap_or(publication_title)
    }

    /// The licence it carries: its own, else the publication's default.
    pub fn license_or(&self, default: License) -> License {
        self.license.unwrap_or(default)
    }

    /// May other sites republish this article? Its own switch, else the publication's
    /// policy; and never an article from another outlet whose licence does not allow it.
    /// Gated articles are never offered.
    pub fn republishable(&self, p: &crate::Publication) -> bool {
        if self.is_gated() || self.preview_only {
            return false;
        }
        let allowed = self.republish.unwrap_or(p.allow_republishing);
        let cleared =
            self.source.is_none() || self.license.is_some_and(|l| l != License::AllRightsReserved);
        allowed && cleared
    }

    /// The copyright year: the article's own, else the year it was published.
    pub fn copyright_year_or(&self, now: DateTime<Utc>) -> i32 {
        self.copyright_year.unwrap_or_else(|| self.published_at.unwrap_or(now).year())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> ArticleInput {
        ArticleInput {
            title: "Energy and the State".into(),
            body: "First paragraph.\n\nSecond.".into(),
            status: ArticleStatus::Published,
            published_at: Some(Utc::now()),
            ..Default::default()
        }
    }

    #[test]
    fn derives_slug_and_excerpt() {
        let a = input().validate().unwrap();
        assert_eq!(a.slug, "energy-and-the-state");
        assert_eq!(a.excerpt, "First paragraph. Second.");
        assert!(!a.excerpt_given);
    }

    #[test]
    fn names_every_invalid_field() {
        let err = ArticleInput {
            title: "".into(),
            status: ArticleStatus::Scheduled,
            source_url: Some("nope".into()),
            copyright_year: Some(20),
            canonical_url: Some("javascript:alert(1)".into()),
            ..Default::default()
        }
        .validate()
        .unwrap_err();
        let fields: Vec<_> = err.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            ["title", "body", "published_at", "source_url", "copyright_year", "canonical_url"]
        );
    }

    #[test]
    fn keeps_term_paths_and_drops_duplicates() {
        let a = ArticleInput {
            terms: vec![
                ("regions".into(), "Europe/Belarus".into()),
                ("Regions".into(), "Europe / Belarus".into()),
                ("tags".into(), " ".into()),
            ],
            authors: vec!["Anna".into(), "anna".into()],
            ..input()
        }
        .validate()
        .unwrap();
        assert_eq!(
            a.terms,
            [TermPath {
                taxonomy: "regions".into(),
                path: vec!["Europe".into(), "Belarus".into()]
            }]
        );
        assert_eq!(a.authors, ["Anna"]);
    }
}
