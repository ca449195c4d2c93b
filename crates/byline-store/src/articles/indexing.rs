//! Articles as the search index reads them (`byline-search`): whole articles a slice at a
//! time for a rebuild, some by id after a change, the ids an author's or a term's change
//! touches, and the database's own simple match while no index is ready. The index holds
//! every article but those in the trash (the newsroom searches drafts too); public search
//! keeps to the published ones.

use super::shared::{Refs, by_author, bylines, filings, status, under_terms};
use crate::entity::article;
use crate::{Paged, Store, StoreError};
use byline_core::{ArticleStatus, ArticleSummary, Author, TermRef};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr};
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, FromQueryResult, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Select,
};

/// What the search index keeps of one article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexedArticle {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub subtitle: Option<String>,
    /// The Markdown source (the index reads words, not markup).
    pub body: String,
    pub excerpt: String,
    pub published_at: Option<DateTime<Utc>>,
    pub authors: Vec<Author>,
    pub terms: Vec<TermRef>,
    /// The stored access word (`public`, `members`, `paid`, `tiers`).
    // LEAD: once core `Article` carries `access`, this can become `byline_core::Access`.
    pub access: String,
    pub status: ArticleStatus,
}

fn published() -> Select<article::Entity> {
    article::Entity::find().filter(article::Column::Status.eq(ArticleStatus::Published.as_str()))
}

/// The columns of an article the index reads (not its HTML, which is two more copies of the
/// body: a rebuild reads every article).
#[derive(Debug, FromQueryResult)]
struct IndexRow {
    id: i64,
    slug: String,
    title: String,
    subtitle: Option<String>,
    body: String,
    excerpt: String,
    published_at: Option<DateTime<Utc>>,
    status: String,
    access: String,
}

fn index_columns(q: Select<article::Entity>) -> Select<article::Entity> {
    use article::Column as C;
    q.select_only().columns([
        C::Id,
        C::Slug,
        C::Title,
        C::Subtitle,
        C::Body,
        C::Excerpt,
        C::PublishedAt,
        C::Status,
        C::Access,
    ])
}

/// Every article but those in the trash.
fn indexable() -> Select<article::Entity> {
    article::Entity::find().filter(article::Column::Status.ne(ArticleStatus::Trash.as_str()))
}

impl Store {
    /// How many articles the index holds when complete (for a rebuild's progress).
    pub async fn indexable_count(&self) -> Result<u64, StoreError> {
        Ok(indexable().count(self.db()).await?)
    }

    /// Articles (but trashed ones) with ids above `after`, lowest first, at most `limit` (a rebuild
    /// reads them a slice at a time): three queries per slice, whatever its size.
    pub async fn articles_to_index(
        &self,
        after: i64,
        limit: u64,
    ) -> Result<Vec<IndexedArticle>, StoreError> {
        let rows = index_columns(indexable().filter(article::Column::Id.gt(after)))
            .order_by_asc(article::Column::Id)
            .limit(limit)
            .into_model::<IndexRow>()
            .all(self.db())
            .await?;
        self.indexed(rows).await
    }

    /// Those of these articles that are not in the trash (the others leave the index).
    pub async fn articles_to_index_by_id(
        &self,
        ids: &[i64],
    ) -> Result<Vec<IndexedArticle>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let rows =
            index_columns(indexable().filter(article::Column::Id.is_in(ids.iter().copied())))
                .into_model::<IndexRow>()
                .all(self.db())
                .await?;
        self.indexed(rows).await
    }

    /// Articles (but trashed ones) by any of these authors or filed under any of these
    /// terms: what a rename of theirs changes in the index.
    pub async fn article_ids_touching(
        &self,
        authors: &[i64],
        terms: &[i64],
    ) -> Result<Vec<i64>, StoreError> {
        if authors.is_empty() && terms.is_empty() {
            return Ok(Vec::new());
        }
        let mut any = Condition::any();
        for a in authors {
            any = any.add(by_author(*a));
        }
        if !terms.is_empty() {
            any = any.add(under_terms(terms.to_vec()));
        }
        Ok(indexable()
            .filter(any)
            .select_only()
            .column(article::Column::Id)
            .into_tuple()
            .all(self.db())
            .await?)
    }

    /// The database's simple match (title or excerpt contains the words, in any case), newest
    /// first: what search answers while its index is being built.
    pub async fn published_matching(
        &self,
        words: &[String],
        page: u64,
        per_page: u64,
    ) -> Result<Paged<ArticleSummary>, StoreError> {
        let page = Ord::max(page, 1);
        let mut q = published();
        for w in words {
            let pattern = format!("%{}%", like_escape(&w.to_lowercase()));
            let lower = |c: article::Column| {
                Expr::expr(Func::lower(Expr::col(c))).like(LikeExpr::new(&pattern).escape('\\'))
            };
            q = q.filter(
                Condition::any()
                    .add(lower(article::Column::Title))
                    .add(lower(article::Column::Excerpt)),
            );
        }
        let total = q.clone().count(self.db()).await?;
        let rows = q
            .order_by_desc(article::Column::PublishedAt)
            .order_by_desc(article::Column::Id)
            .limit(per_page)
            .offset((page - 1) * per_page)
            .all(self.db())
            .await?;
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let mut refs = Refs::load(self.db(), &ids).await?;
        let items = rows
            .into_iter()
            .map(|r| ArticleSummary {
                authors: refs.authors(r.id),
                terms: refs.terms(r.id),
                id: r.id,
                slug: r.slug,
                title: r.title,
                subtitle: r.subtitle,
                excerpt: r.excerpt,
                status: status(&r.status),
                published_at: r.published_at,
                image: None,
                access: super::access::access_of(&r.access, None),
                featured: r.featured,
            })
            .collect();
        Ok(Paged { items, page, per_page, total })
    }

    async fn indexed(&self, rows: Vec<IndexRow>) -> Result<Vec<IndexedArticle>, StoreError> {
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let mut bylines = bylines(self.db(), &ids).await?;
        let mut filings = filings(self.db(), &ids).await?;
        Ok(rows
            .into_iter()
            .map(|m| IndexedArticle {
                authors: bylines.remove(&m.id).unwrap_or_default(),
                terms: filings.remove(&m.id).unwrap_or_default(),
                id: m.id,
                slug: m.slug,
                title: m.title,
                subtitle: m.subtitle,
                body: m.body,
                excerpt: m.excerpt,
                published_at: m.published_at,
                status: status(&m.status),
                access: m.access,
            })
            .collect())
    }
}

/// `%`, `_` and `\` taken literally in a LIKE pattern (escaped with `\`).
fn like_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
