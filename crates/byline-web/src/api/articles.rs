//! `/articles`: list, read, create, update (version-checked), trash and the workflow's
//! actions, with the same store use cases (and so the same permission rules) as the admin.

use super::ApiActor;
use crate::admin::articles::{ListQuery, article_query};
use crate::{AppState, WebError};
use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use byline_core::editorial::{ArticleRow, EditableArticle, Step};
use byline_core::{ArticleInput, ArticleStatus, FieldError, Invalid, License};
use byline_store::EditError;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get_one, update, delete))
        .routes(routes!(action))
}

/// A term an article is filed under.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TermSlug {
    /// The taxonomy's slug (`regions`).
    taxonomy: String,
    /// The term's slug (`belarus`).
    term: String,
}

/// Every field of an article as a client writes it. Updates replace every field: send the
/// whole article (as `GET` returned it) with your changes. Unknown fields are an error.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, default)]
pub struct ArticleBody {
    /// Required on update: the version your changes start from (409 if it is not current).
    version: Option<i64>,
    title: String,
    slug: Option<String>,
    subtitle: Option<String>,
    /// Markdown.
    body: String,
    /// Empty: derived from the body.
    excerpt: Option<String>,
    /// Author slugs in byline order; each must exist.
    authors: Vec<String>,
    /// Each term must exist.
    terms: Vec<TermSlug>,
    /// Markdown note to readers.
    note: Option<String>,
    source_name: Option<String>,
    source_url: Option<String>,
    copyright_holder: Option<String>,
    copyright_year: Option<i32>,
    /// A licence code (`cc-by-4.0`, `all-rights-reserved` …); none: the publication's default.
    license: Option<String>,
    canonical_url: Option<String>,
    seo_title: Option<String>,
    seo_description: Option<String>,
    /// Featured image URL (or a path on this site).
    image: Option<String>,
    image_alt: Option<String>,
    image_caption: Option<String>,
    /// May other sites republish it? null: follow the publication.
    republish: Option<bool>,
    /// The publication time (kept for published articles; the time to schedule at).
    published_at: Option<DateTime<Utc>>,
}

impl ArticleBody {
    fn to_input(&self) -> Result<ArticleInput, Invalid> {
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
            updated_at: None,
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
        })
    }
}

/// An article with every field, its status and version.
#[derive(Debug, Serialize, ToSchema)]
pub struct ArticleOut {
    id: i64,
    /// State it when you update.
    version: i64,
    /// `draft`, `review`, `scheduled`, `published` or `trash`.
    status: String,
    title: String,
    slug: String,
    subtitle: Option<String>,
    body: String,
    excerpt: Option<String>,
    authors: Vec<String>,
    terms: Vec<TermSlug>,
    note: Option<String>,
    source_name: Option<String>,
    source_url: Option<String>,
    copyright_holder: Option<String>,
    copyright_year: Option<i32>,
    license: Option<String>,
    canonical_url: Option<String>,
    seo_title: Option<String>,
    seo_description: Option<String>,
    image: Option<String>,
    image_alt: Option<String>,
    image_caption: Option<String>,
    republish: Option<bool>,
    published_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    modified_at: DateTime<Utc>,
    modified_by: Option<String>,
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
            published_at: i.published_at,
            created_at: a.created_at,
            modified_at: a.modified_at,
            modified_by: a.modified_by,
        }
    }
}

/// An article in a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct ArticleListItem {
    id: i64,
    version: i64,
    status: String,
    title: String,
    slug: String,
    authors: Vec<String>,
    terms: Vec<TermSlug>,
    published_at: Option<DateTime<Utc>>,
    modified_at: DateTime<Utc>,
    modified_by: Option<String>,
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
    items: Vec<ArticleListItem>,
    page: u64,
    per_page: u64,
    total: u64,
    pages: u64,
}

/// The list's filters.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Words in the title, subtitle, excerpt or body (case-insensitive).
    q: String,
    /// `draft`, `review`, `scheduled`, `published` or `trash`; none: all but the trash.
    status: String,
    /// An author's slug.
    author: String,
    /// `taxonomy/term` (its descendants count too).
    term: String,
    /// `YYYY-MM-DD`: published (or, unpublished, last changed) on or after.
    from: String,
    /// `YYYY-MM-DD`: … on or before.
    until: String,
    page: Option<u64>,
    /// At most 100; 20 by default.
    per_page: Option<u64>,
}

/// The body of a 409: the error and the article as it is now.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConflictBody {
    error: ConflictInfo,
    /// The article as saved now: merge your changes into it and send its version.
    current: ArticleOut,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ConflictInfo {
    /// Always `conflict`.
    code: String,
    message: String,
    current_version: i64,
}

/// The API's answer to a refused step: a stale version gets the current article.
fn edit_error(e: EditError) -> Response {
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

fn body<T>(b: Result<Json<T>, JsonRejection>) -> Result<T, WebError> {
    b.map(|Json(t)| t).map_err(|r| WebError::BadRequest(r.body_text()))
}

/// List the articles this token may see.
#[utoipa::path(get, path = "/articles", tag = "articles", params(ListParams),
    responses((status = 200, body = ArticleList), (status = 422, body = super::ApiError)))]
async fn list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(p): Query<ListParams>,
) -> Result<Json<ArticleList>, WebError> {
    let l = ListQuery {
        q: p.q,
        status: p.status,
        author: p.author,
        term: p.term,
        from: p.from,
        until: p.until,
        page: p.page,
    };
    let (q, errors) = article_query(&state, &l).await?;
    if !errors.is_empty() {
        return Err(
            Invalid(errors.into_iter().map(|(f, m)| FieldError::new(f, m)).collect()).into()
        );
    }
    let per_page = p.per_page.unwrap_or(20).clamp(1, 100);
    let paged = state.store.admin_articles(&actor, &q, p.page.unwrap_or(1), per_page).await?;
    Ok(Json(ArticleList {
        pages: paged.pages(),
        page: paged.page,
        per_page: paged.per_page,
        total: paged.total,
        items: paged.items.into_iter().map(ArticleListItem::from).collect(),
    }))
}

/// Create an article (as a draft; use the actions to submit, schedule or publish it).
#[utoipa::path(post, path = "/articles", tag = "articles", request_body = ArticleBody,
    responses((status = 201, body = ArticleOut), (status = 403, body = super::ApiError),
        (status = 422, description = "invalid fields, each named in `fields`", body = super::ApiError)))]
async fn create(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    b: Result<Json<ArticleBody>, JsonRejection>,
) -> Result<Response, WebError> {
    let b = body(b)?;
    let input = b.to_input()?;
    match state.store.create_article(&actor, &input, Step::Create).await {
        Ok(a) => Ok((StatusCode::CREATED, Json(ArticleOut::from(a))).into_response()),
        Err(e) => Ok(edit_error(e)),
    }
}

/// Read an article with every field and its version.
#[utoipa::path(get, path = "/articles/{id}", tag = "articles",
    responses((status = 200, body = ArticleOut), (status = 403, body = super::ApiError),
        (status = 404, body = super::ApiError)))]
async fn get_one(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
) -> Result<Json<ArticleOut>, WebError> {
    Ok(Json(state.store.editable_article(&actor, id).await?.into()))
}

/// Replace an article's fields. `version` is required: a stale one gets 409 with the
/// current article.
#[utoipa::path(put, path = "/articles/{id}", tag = "articles", request_body = ArticleBody,
    responses((status = 200, body = ArticleOut), (status = 403, body = super::ApiError),
        (status = 409, body = ConflictBody), (status = 422, body = super::ApiError)))]
async fn update(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
    b: Result<Json<ArticleBody>, JsonRejection>,
) -> Result<Response, WebError> {
    let b = body(b)?;
    let Some(version) = b.version else {
        return Err(
            Invalid::one("version", "is required: the version your changes start from").into()
        );
    };
    let input = b.to_input()?;
    match state.store.update_article(&actor, id, version, &input, Step::Update).await {
        Ok(a) => Ok(Json(ArticleOut::from(a)).into_response()),
        Err(e) => Ok(edit_error(e)),
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct DeleteParams {
    /// Delete an article that is already in the trash for good (editors and above).
    permanent: bool,
    /// Refuse (409) unless the article is at this version.
    version: Option<i64>,
}

/// Move an article to the trash (or, with `permanent=true`, delete one in the trash for good).
#[utoipa::path(delete, path = "/articles/{id}", tag = "articles", params(DeleteParams),
    responses((status = 200, description = "moved to the trash", body = ArticleOut),
        (status = 204, description = "deleted for good"), (status = 403, body = super::ApiError),
        (status = 409, body = super::ApiError)))]
async fn delete(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
    Query(p): Query<DeleteParams>,
) -> Result<Response, WebError> {
    if p.permanent {
        state.store.purge_article(&actor, id).await?;
        return Ok(StatusCode::NO_CONTENT.into_response());
    }
    match state.store.article_step(&actor, id, p.version, Step::Trash, None).await {
        Ok(a) => Ok(Json(ArticleOut::from(a)).into_response()),
        Err(e) => Ok(edit_error(e)),
    }
}

/// A workflow action.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ArticleAction {
    Submit,
    Schedule,
    Publish,
    Unpublish,
    Restore,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ActionBody {
    /// Refuse (409) unless the article is at this version.
    version: Option<i64>,
    /// Required to schedule: a future time.
    published_at: Option<DateTime<Utc>>,
}

/// Submit for review, schedule, publish, unpublish (back to draft) or restore from the trash.
#[utoipa::path(post, path = "/articles/{id}/{action}", tag = "articles",
    params(("id" = i64, Path), ("action" = ArticleAction, Path)),
    request_body(content = ActionBody, description = "optional"),
    responses((status = 200, body = ArticleOut), (status = 403, body = super::ApiError),
        (status = 409, body = ConflictBody), (status = 422, body = super::ApiError)))]
async fn action(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path((id, action)): Path<(i64, ArticleAction)>,
    raw: axum::body::Bytes,
) -> Result<Response, WebError> {
    // The body is optional: an empty one means no version check and no time.
    let b: ActionBody = if raw.iter().all(u8::is_ascii_whitespace) {
        ActionBody::default()
    } else {
        serde_json::from_slice(&raw)
            .map_err(|e| WebError::BadRequest(format!("invalid JSON body: {e}")))?
    };
    let step = match action {
        ArticleAction::Submit => Step::Submit,
        ArticleAction::Schedule => Step::Schedule,
        ArticleAction::Publish => Step::Publish,
        ArticleAction::Unpublish => Step::Unpublish,
        ArticleAction::Restore => Step::Restore,
    };
    match state.store.article_step(&actor, id, b.version, step, b.published_at).await {
        Ok(a) => Ok(Json(ArticleOut::from(a)).into_response()),
        Err(e) => Ok(edit_error(e)),
    }
}
