//! What more than one article module needs: the status parser, the byline and filing of
//! articles (reading them for any number at once, replacing them for one), the filters by
//! author and term, a free slug, the row and editable form of one article, how the audit log
//! names an article, and the error of the editorial steps. Every article module may use this
//! one; it uses none of them (but `access`, which uses none of them either).

use super::access::{access_of, tier_slugs};
use crate::StoreError;
use crate::authors::from_row as author_from_row;
use crate::entity::{article, article_author, article_term, author, taxonomy, term};
use byline_core::editorial::{self, EditableArticle, Refused};
use byline_core::{
    ArticleInput, ArticleStatus, Author, AuthorRef, Invalid, License, TermRef, unique_slug,
};
use sea_orm::sea_query::{Expr, ExprTrait, Query, SimpleExpr};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, JoinType,
    QueryFilter, QueryOrder, QuerySelect, RelationTrait,
};
use std::collections::HashMap;

/// Why an editorial step did not happen.
#[derive(Debug, thiserror::Error)]
pub enum EditError {
    /// The actor's role does not allow it.
    #[error("{0}")]
    Refused(Refused),
    /// The save started from an older version: someone else saved first. Carries the
    /// article as it is now.
    #[error("someone else changed this article first: it is now at version {}", .0.version)]
    Stale(Box<EditableArticle>),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<Invalid> for EditError {
    fn from(e: Invalid) -> Self {
        EditError::Store(StoreError::Invalid(editorial::field_names(e)))
    }
}

impl From<sea_orm::DbErr> for EditError {
    fn from(e: sea_orm::DbErr) -> Self {
        EditError::Store(e.into())
    }
}

impl From<Refused> for EditError {
    fn from(e: Refused) -> Self {
        EditError::Refused(e)
    }
}

/// How the audit log names an article.
pub(super) fn subject(id: i64, title: &str) -> String {
    format!("article {id} “{title}”")
}

pub(super) fn status(s: &str) -> ArticleStatus {
    s.parse().unwrap_or(ArticleStatus::Draft)
}

/// The article's row and its byline's author ids, in order.
pub(super) async fn load(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<(article::Model, Vec<i64>), StoreError> {
    let row = article::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| StoreError::not_found("article", id.to_string()))?;
    let byline = linked_authors(db, id).await?;
    Ok((row, byline))
}

/// The article with every field as the editor shows it: three queries.
pub(crate) async fn editable(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<EditableArticle, StoreError> {
    let m = article::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| StoreError::not_found("article", id.to_string()))?;
    let authors = bylines(db, &[id]).await?.remove(&id).unwrap_or_default();
    let terms = filings(db, &[id]).await?.remove(&id).unwrap_or_default();
    let status = status(&m.status);
    let tiers = if m.access == "tiers" {
        tier_slugs(db, &[id]).await?.remove(&id).unwrap_or_default()
    } else {
        Vec::new()
    };
    let access = access_of(&m.access, Some(tiers));
    let input = ArticleInput {
        title: m.title,
        slug: Some(m.slug),
        subtitle: m.subtitle,
        body: m.body,
        excerpt: m.excerpt_given.then_some(m.excerpt),
        status,
        published_at: m.published_at,
        updated_at: m.updated_at,
        authors: authors.iter().map(|a| a.slug.clone()).collect(),
        terms: terms.into_iter().map(|t| (t.taxonomy_slug, t.slug)).collect(),
        image: m.image_url,
        image_alt: m.image_alt,
        image_caption: m.image_caption,
        note: m.note,
        source_name: m.source_name,
        source_url: m.source_url,
        copyright_holder: m.copyright_holder,
        copyright_year: m.copyright_year,
        license: m.license.and_then(|l| l.parse::<License>().ok()),
        canonical_url: m.canonical_url,
        seo_title: m.seo_title,
        seo_description: m.seo_description,
        republish: m.republish,
        comments: m.comments,
        comments_close_after_days: m.comments_close_days.map(|d| u32::try_from(d).unwrap_or(0)),
        featured: m.featured,
        access: Some(access.as_str().to_owned()),
        tiers: access.tiers().to_vec(),
    };
    Ok(EditableArticle {
        id: m.id,
        version: m.version,
        status,
        input,
        author_ids: authors.iter().map(|a| a.id).collect(),
        created_at: m.created_at,
        modified_at: m.modified_at,
        modified_by: m.modified_by,
        trashed_at: m.trashed_at,
    })
}

#[derive(Debug, FromQueryResult)]
struct FilingRow {
    article_id: i64,
    slug: String,
    name: String,
    taxonomy_slug: String,
    taxonomy_name: String,
}

/// The byline and terms of each of some articles, as lists show them: two queries for any
/// number of articles.
pub(super) struct Refs {
    bylines: HashMap<i64, Vec<Author>>,
    filings: HashMap<i64, Vec<TermRef>>,
}

impl Refs {
    pub(super) async fn load(db: &impl ConnectionTrait, ids: &[i64]) -> Result<Self, StoreError> {
        Ok(Self { bylines: bylines(db, ids).await?, filings: filings(db, ids).await? })
    }

    /// The article's authors in byline order (each taken once).
    pub(super) fn authors(&mut self, id: i64) -> Vec<AuthorRef> {
        self.bylines.remove(&id).unwrap_or_default().iter().map(Author::to_ref).collect()
    }

    pub(super) fn terms(&mut self, id: i64) -> Vec<TermRef> {
        self.filings.remove(&id).unwrap_or_default()
    }
}

/// The authors of each article, in byline order: one query for any number of articles.
pub(super) async fn bylines(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> Result<HashMap<i64, Vec<Author>>, StoreError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = article_author::Entity::find()
        .filter(article_author::Column::ArticleId.is_in(ids.iter().copied()))
        .order_by_asc(article_author::Column::ArticleId)
        .order_by_asc(article_author::Column::Position)
        .find_also_related(author::Entity)
        .all(db)
        .await?;
    let mut out: HashMap<i64, Vec<Author>> = HashMap::new();
    for (link, a) in rows {
        if let Some(a) = a {
            out.entry(link.article_id).or_default().push(author_from_row(a));
        }
    }
    Ok(out)
}

/// The terms of each article, taxonomies in display order: one query for any number.
pub(super) async fn filings(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> Result<HashMap<i64, Vec<TermRef>>, StoreError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = article_term::Entity::find()
        .select_only()
        .column(article_term::Column::ArticleId)
        .column(term::Column::Slug)
        .column(term::Column::Name)
        .column_as(taxonomy::Column::Slug, "taxonomy_slug")
        .column_as(taxonomy::Column::Name, "taxonomy_name")
        .join(JoinType::InnerJoin, article_term::Relation::Term.def())
        .join(JoinType::InnerJoin, term::Relation::Taxonomy.def())
        .filter(article_term::Column::ArticleId.is_in(ids.iter().copied()))
        .order_by_asc(taxonomy::Column::Position)
        .order_by_asc(term::Column::Name)
        .into_model::<FilingRow>()
        .all(db)
        .await?;
    let mut out: HashMap<i64, Vec<TermRef>> = HashMap::new();
    for r in rows {
        out.entry(r.article_id).or_default().push(TermRef {
            taxonomy_slug: r.taxonomy_slug,
            taxonomy_name: r.taxonomy_name,
            slug: r.slug,
            name: r.name,
        });
    }
    Ok(out)
}

/// Articles with this author in their byline.
pub(super) fn by_author(id: i64) -> SimpleExpr {
    article::Column::Id.in_subquery(
        Query::select()
            .column(article_author::Column::ArticleId)
            .from(article_author::Entity)
            .and_where(Expr::col(article_author::Column::AuthorId).eq(id))
            .take(),
    )
}

/// Articles filed under any of these terms.
pub(super) fn under_terms(ids: Vec<i64>) -> SimpleExpr {
    article::Column::Id.in_subquery(
        Query::select()
            .column(article_term::Column::ArticleId)
            .from(article_term::Entity)
            .and_where(Expr::col(article_term::Column::TermId).is_in(ids))
            .take(),
    )
}

/// `wanted`, or `wanted-N` when another article has it.
pub(super) async fn free_slug(
    db: &impl ConnectionTrait,
    wanted: &str,
    own_id: Option<i64>,
) -> Result<String, StoreError> {
    // Most slugs are free: one look-up by the unique index says so. Only a taken one needs
    // the prefix search, which no index serves (LIKE reads every row).
    let holder: Option<i64> = article::Entity::find()
        .select_only()
        .column(article::Column::Id)
        .filter(article::Column::Slug.eq(wanted))
        .into_tuple()
        .one(db)
        .await?;
    if holder.is_none() || holder == own_id {
        return Ok(wanted.to_owned());
    }
    let taken: Vec<(i64, String)> = article::Entity::find()
        .select_only()
        .columns([article::Column::Id, article::Column::Slug])
        .filter(
            article::Column::Slug
                .eq(wanted)
                .or(article::Column::Slug.starts_with(format!("{wanted}-"))),
        )
        .into_tuple()
        .all(db)
        .await?;
    Ok(unique_slug(wanted, |s| taken.iter().any(|(id, t)| t == s && Some(*id) != own_id)))
}

pub(super) async fn linked_authors(
    db: &impl ConnectionTrait,
    article_id: i64,
) -> Result<Vec<i64>, StoreError> {
    Ok(article_author::Entity::find()
        .select_only()
        .column(article_author::Column::AuthorId)
        .filter(article_author::Column::ArticleId.eq(article_id))
        .order_by_asc(article_author::Column::Position)
        .into_tuple()
        .all(db)
        .await?)
}

pub(super) async fn linked_terms(
    db: &impl ConnectionTrait,
    article_id: i64,
) -> Result<Vec<i64>, StoreError> {
    Ok(article_term::Entity::find()
        .select_only()
        .column(article_term::Column::TermId)
        .filter(article_term::Column::ArticleId.eq(article_id))
        .order_by_asc(article_term::Column::TermId)
        .into_tuple()
        .all(db)
        .await?)
}

/// Replaces an article's byline and filing with the given ones (`fresh`: the article was
/// just made and has none to remove).
pub(super) async fn link(
    db: &impl ConnectionTrait,
    article_id: i64,
    author_ids: &[i64],
    term_ids: &[i64],
    fresh: bool,
) -> Result<(), StoreError> {
    if !fresh {
        article_author::Entity::delete_many()
            .filter(article_author::Column::ArticleId.eq(article_id))
            .exec(db)
            .await?;
        article_term::Entity::delete_many()
            .filter(article_term::Column::ArticleId.eq(article_id))
            .exec(db)
            .await?;
    }
    if !author_ids.is_empty() {
        let rows = author_ids.iter().enumerate().map(|(position, &author_id)| {
            sea_orm::IntoActiveModel::into_active_model(article_author::Model {
                article_id,
                author_id,
                position: position as i32,
            })
            .reset_all()
        });
        article_author::Entity::insert_many(rows).exec(db).await?;
    }
    if !term_ids.is_empty() {
        let rows = term_ids.iter().map(|&term_id| {
            sea_orm::IntoActiveModel::into_active_model(article_term::Model { article_id, term_id })
                .reset_all()
        });
        article_term::Entity::insert_many(rows).exec(db).await?;
    }
    Ok(())
}
