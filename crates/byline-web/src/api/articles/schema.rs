//! The JSON shapes of `/articles` (documented in the OpenAPI document) and how they map to
//! the core's types.

use crate::WebError;
use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use byline_core::editorial::{ArticleRow, EditableArticle, Step};
use byline_core::{ArticleInput, ArticleStatus, Invalid, License};
use byline_store::EditError;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// A term an article is filed under.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TermSlug {
    /// The taxonomy's slug (`regions`).
    pub(super) taxonomy: String,
    /// The term's slug (`belarus`).
    pub(super) term: String,
}

/// The status a new article starts in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum CreateStatus {
    Draft,
    /// Submitted for review.
    Review,
    /// To be published at `published_at`, a future time.
    Scheduled,
    Published,
}

impl CreateStatus {
    /// The workflow step that takes a new article there, in the creating transaction.
    pub(super) fn step(self) -> Step {
        match self {
            CreateStatus::Draft => Step::Create,
            CreateStatus::Review => Step::Submit,
            CreateStatus::Scheduled => Step::Schedule,
            CreateStatus::Published => Step::Publish,
        }
    }
}

/// Every field of an article as a client writes it. Updates replace every field: send the
/// whole article (as `GET` returned it) with your changes. Unknown fields are an error.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, default)]
pub struct ArticleBody {
    /// Required on update: the version your changes start from (409 if it is not current).
    pub(super) version: Option<i64>,
    /// On create only: the status the article starts in (`draft` when left out), under the
    /// same role rules as the actions (403 when the role may not). `scheduled` needs a
    /// future `published_at`. On update, change the status with the actions instead.
    pub(super) status: Option<CreateStatus>,
    pub(super) title: String,
    pub(super) slug: Option<String>,
    pub(super) subtitle: Option<String>,
    /// Markdown.
    pub(super) body: String,
    /// Empty: derived from the body.
    pub(super) excerpt: Option<String>,
    /// Author slugs in byline order; each must exist.
    pub(super) authors: Vec<String>,
    /// Each term must exist.
    pub(super) terms: Vec<TermSlug>,
    /// Markdown note to readers.
    pub(super) note: Option<String>,
    pub(super) source_name: Option<String>,
    pub(super) source_url: Option<String>,
    pub(super) copyright_holder: Option<String>,
    pub(super) copyright_year: Option<i32>,
    /// A licence code (`cc-by-4.0`, `all-rights-reserved` …); none: the publication's default.
    pub(super) license: Option<String>,
    pub(super) canonical_url: Option<String>,
    pub(super) seo_title: Option<String>,
    pub(super) seo_description: Option<String>,
    /// Featured image URL (or a path on this site).
    pub(super) image: Option<String>,
    pub(super) image_alt: Option<String>,
    pub(super) image_caption: Option<String>,
    /// May other sites republish it? null: follow the publication.
    pub(super) republish: Option<bool>,
    /// Are comments open on it? null or true: open (as the publication allows); false: closed.
    #[serde(default)]
    pub(super) comments: Option<bool>,
    /// Comments close this many days after publication, whatever the publication's setting;
    /// 0: never by age; null: the publication's setting.
    #[serde(default)]
    pub(super) comments_close_after_days: Option<u32>,
    /// Featured: listed first on the home page, `featured` in the Ghost Content API.
    pub(super) featured: bool,
    /// The publication time (kept for published articles; the time to schedule at).
    pub(super) published_at: Option<DateTime<Utc>>,
    /// When the article was last updated for readers (a correction, say); shown beside the
    /// date. Send it back as `GET` returned it; null removes it.
    pub(super) updated_at: Option<DateTime<Utc>>,
    /// Who may read it in full: `public` (null), `members`, `paid` or `tiers`. Others see
    /// the text above a `<!--members-only-->` line of the body (else the excerpt).
    #[schema(example = "members")]
    pub(super) access: Option<String>,
    /// With `access: tiers`: the slugs of the tiers it is for; each must exist.
    pub(super) tiers: Vec<String>,
}

impl ArticleBody {
    pub(super) fn to_input(&self) -> Result<ArticleInput, Invalid> {
        let license = match self.license.as_deref().map(str::trim).filter(|l| !l.is_empty()) {
            None => None,
            Some(l) => Some(l.parse::<License>().map_err(|e| Invalid::one("license", e))?),
        };
        Ok(ArticleInput {
            title: self.title.clone(),
            slug: self.slug.clone(),
            subtitle: self.subtitle.clone(),
            body: self.body.clone(),
            excerpt: self.excerpt.clone(),
            status: ArticleStatus::Draft,
            published_at: self.published_at,
            updated_at: self.updated_at,
            authors: self.authors.clone(),
            terms: self.terms.iter().map(|t| (t.taxonomy.clone(), t.term.clone())).collect(),
            image: self.image.clone(),
            image_alt: self.image_alt.clone(),
            image_caption: self.image_caption.clone(),
            note: self.note.clone(),
            source_name: self.source_name.clone(),
            source_url: self.source_url.clone(),
            copyright_holder: self.copyright_holder.clone(),
            copyright_year: self.copyright_year,
            license,
            canonical_url: self.canonical_url.clone(),
            seo_title: self.seo_title.clone(),
            seo_description: self.seo_description.clone(),
            republish: self.republish,
            comments: self.comments,
            comments_close_after_days: self.comments_close_after_days,
            featured: self.featured,
            access: self.access.clone(),
            tiers: self.tiers.clone(),
        })
    }
}

/// An article with every field, its status and version.
#[derive(Debug, Serialize, ToSchema)]
pub struct ArticleOut {
    pub(super) id: i64,
    /// State it when you update.
    pub(super) version: i64,
    /// `draft`, `review`, `scheduled`, `published` or `trash`.
    pub(super) status: String,
    pub(super) title: String,
    pub(super) slug: String,
    pub(super) subtitle: Option<String>,
    pub(super) body: String,
    pub(super) excerpt: Option<String>,
    pub(super) authors: Vec<String>,
    pub(super) terms: Vec<TermSlug>,
    pub(super) note: Option<String>,
    pub(super) source_name: Option<String>,
    pub(super) source_url: Option<String>,
    pub(super) copyright_holder: Option<String>,
    pub(super) copyright_year: Option<i32>,
    pub(super) license: Option<String>,
    pub(super) canonical_url: Option<String>,
    pub(super) seo_title: Option<String>,
    pub(super) seo_description: Option<String>,
    pub(super) image: Option<String>,
    pub(super) image_alt: Option<String>,
    pub(super) image_caption: Option<String>,
    pub(super) republish: Option<bool>,
    /// false: comments closed on this article.
    pub(super) comments: Option<bool>,
    /// Days after publication comments close (0: never by age; null: the publication's).
    pub(super) comments_close_after_days: Option<u32>,
    /// Featured: listed first on the home page.
    pub(super) featured: bool,
    pub(super) published_at: Option<DateTime<Utc>>,
    /// When the article was last updated for readers (not every save: see `modified_at`).
    pub(super) updated_at: Option<DateTime<Utc>>,
    pub(super) created_at: DateTime<Utc>,
    pub(super) modified_at: DateTime<Utc>,
    pub(super) modified_by: Option<String>,
    /// `public`, `members`, `paid` or `tiers`.
    pub(super) access: String,
    /// With `tiers`: the tiers' slugs.
    pub(super) tiers: Vec<String>,
}

impl From<EditableArticle> for ArticleOut {
    fn from(a: EditableArticle) -> Self {
        let i = a.input;
        Self {
            id: a.id,
            version: a.version,
            status: a.status.as_str().into(),
            title: i.title,
            slug: i.slug.unwrap_or_default(),
            subtitle: i.subtitle,
            body: i.body,
            excerpt: i.excerpt,
            authors: i.authors,
            terms: i
                .terms
                .into_iter()
                .map(|(taxonomy, term)| TermSlug { taxonomy, term })
                .collect(),
            note: i.note,
            source_name: i.source_name,
            source_url: i.source_url,
            copyright_holder: i.copyright_holder,
            copyright_year: i.copyright_year,
            license: i.license.map(|l| l.code().to_owned()),
            canonical_url: i.canonical_url,
            seo_title: i.seo_title,
            seo_description: i.seo_description,
            image: i.image,
            image_alt: i.image_alt,
            image_caption: i.image_caption,
            republish: i.republish,
            comments: i.comments,
            comments_close_after_days: i.comments_close_after_days,
            featured: i.featured,
            published_at: i.published_at,
            updated_at: i.updated_at,
            created_at: a.created_at,
            modified_at: a.modified_at,
            modified_by: a.modified_by,
            access: i.access.unwrap_or_else(|| "public".into()),
            tiers: i.tiers,
        }
    }
}

/// An article in a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct ArticleListItem {
    pub(super) id: i64,
    pub(super) version: i64,
    pub(super) status: String,
    pub(super) title: String,
    pub(super) slug: String,
    pub(super) authors: Vec<String>,
    pub(super) terms: Vec<TermSlug>,
    pub(super) published_at: Option<DateTime<Utc>>,
    pub(super) modified_at: DateTime<Utc>,
    pub(super) modified_by: Option<String>,
}

impl From<ArticleRow> for ArticleListItem {
    fn from(r: ArticleRow) -> Self {
        Self {
            id: r.id,
            version: r.version,
            status: r.status.as_str().into(),
            title: r.title,
            slug: r.slug,
            authors: r.authors.into_iter().map(|a| a.slug).collect(),
            terms: r
                .terms
                .into_iter()
                .map(|t| TermSlug { taxonomy: t.taxonomy_slug, term: t.slug })
                .collect(),
            published_at: r.published_at,
            modified_at: r.modified_at,
            modified_by: r.modified_by,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ArticleList {
    pub(super) items: Vec<ArticleListItem>,
    pub(super) page: u64,
    pub(super) per_page: u64,
    pub(super) total: u64,
    pub(super) pages: u64,
}

/// The list's filters.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Words in the title, subtitle, excerpt or body (case-insensitive).
    pub(super) q: String,
    /// `draft`, `review`, `scheduled`, `published` or `trash`; none: all but the trash.
    pub(super) status: String,
    /// An author's slug.
    pub(super) author: String,
    /// `taxonomy/term` (its descendants count too).
    pub(super) term: String,
    /// `YYYY-MM-DD`: published (or, unpublished, last changed) on or after.
    pub(super) from: String,
    /// `YYYY-MM-DD`: … on or before.
    pub(super) until: String,
    pub(super) page: Option<u64>,
    /// At most 100; 20 by default.
    pub(super) per_page: Option<u64>,
}

/// The body of a 409: the error and the article as it is now.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConflictBody {
    pub(super) error: ConflictInfo,
    /// The article as saved now: merge your changes into it and send its version.
    pub(super) current: ArticleOut,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ConflictInfo {
    /// Always `conflict`.
    pub(super) code: String,
    pub(super) message: String,
    pub(super) current_version: i64,
}

/// The API's answer to a refused step: a stale version gets the current article.
pub(super) fn edit_error(e: EditError) -> Response {
    match e {
        EditError::Stale(now) => {
            let body = ConflictBody {
                error: ConflictInfo {
                    code: "conflict".into(),
                    message: format!(
                        "the article changed since version you started from; it is now at version {}",
                        now.version
                    ),
                    current_version: now.version,
                },
                current: ArticleOut::from(*now),
            };
            (StatusCode::CONFLICT, Json(body)).into_response()
        }
        other => WebError::from(other).into_response(),
    }
}
