//! What an API filters and orders published articles by, for all of them at once and
//! without their bodies: ids, slugs, dates, access, and the ids of their authors (byline
//! order) and terms (taxonomies in display order). Three queries whatever the number; the
//! Ghost-compatible Content API evaluates its filters over these and then loads one page in
//! full (`Store::published_articles_by_id`).

use super::shared::status;
use crate::entity::{article, article_author, article_term, taxonomy, term};
use crate::{Store, StoreError};
use byline_core::ArticleStatus;
use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, EntityTrait, FromQueryResult, JoinType, QueryFilter, QueryOrder, QuerySelect,
    RelationTrait,
};
use std::collections::HashMap;

/// One published article's facts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleFacts {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub published_at: Option<DateTime<Utc>>,
    /// When it was last updated as readers are told (none if never after publishing).
    pub updated_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub modified_at: DateTime<Utc>,
    /// `public`, `members`, `paid` or `tiers`.
    pub access: String,
    /// Featured (Ghost's `featured`).
    pub featured: bool,
    pub author_ids: Vec<i64>,
    pub term_ids: Vec<i64>,
}

#[derive(Debug, FromQueryResult)]
struct FactRow {
    id: i64,
    slug: String,
    title: String,
    status: String,
    published_at: Option<DateTime<Utc>>,
    updated_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    modified_at: DateTime<Utc>,
    access: String,
    featured: bool,
}

impl Store {
    /// Every published article's facts, newest first.
    pub async fn published_facts(&self) -> Result<Vec<ArticleFacts>, StoreError> {
        let rows = article::Entity::find()
            .select_only()
            .columns([
                article::Column::Id,
                article::Column::Slug,
                article::Column::Title,
                article::Column::Status,
                article::Column::PublishedAt,
                article::Column::UpdatedAt,
                article::Column::CreatedAt,
                article::Column::ModifiedAt,
                article::Column::Access,
                article::Column::Featured,
            ])
            .filter(article::Column::Status.eq(ArticleStatus::Published.as_str()))
            .order_by_desc(article::Column::PublishedAt)
            .order_by_desc(article::Column::Id)
            .into_model::<FactRow>()
            .all(self.db())
            .await?;
        let published = article::Column::Status.eq(ArticleStatus::Published.as_str());
        let bylines: Vec<(i64, i64)> = article_author::Entity::find()
            .select_only()
            .columns([article_author::Column::ArticleId, article_author::Column::AuthorId])
            .join(JoinType::InnerJoin, article_author::Relation::Article.def())
            .filter(published.clone())
            .order_by_asc(article_author::Column::ArticleId)
            .order_by_asc(article_author::Column::Position)
            .into_tuple()
            .all(self.db())
            .await?;
        let filings: Vec<(i64, i64)> = article_term::Entity::find()
            .select_only()
            .columns([article_term::Column::ArticleId, article_term::Column::TermId])
            .join(JoinType::InnerJoin, article_term::Relation::Article.def())
            .join(JoinType::InnerJoin, article_term::Relation::Term.def())
            .join(JoinType::InnerJoin, term::Relation::Taxonomy.def())
            .filter(published)
            .order_by_asc(taxonomy::Column::Position)
            .order_by_asc(term::Column::Name)
            .into_tuple()
            .all(self.db())
            .await?;
        let mut authors: HashMap<i64, Vec<i64>> = HashMap::new();
        for (article, author) in bylines {
            authors.entry(article).or_default().push(author);
        }
        let mut terms: HashMap<i64, Vec<i64>> = HashMap::new();
        for (article, term) in filings {
            terms.entry(article).or_default().push(term);
        }
        Ok(rows
            .into_iter()
            .filter(|r| status(&r.status) == ArticleStatus::Published)
            .map(|r| ArticleFacts {
                author_ids: authors.remove(&r.id).unwrap_or_default(),
                term_ids: terms.remove(&r.id).unwrap_or_default(),
                id: r.id,
                slug: r.slug,
                title: r.title,
                published_at: r.published_at,
                updated_at: r.updated_at,
                created_at: r.created_at,
                modified_at: r.modified_at,
                access: r.access,
                featured: r.featured,
            })
            .collect())
    }
}
