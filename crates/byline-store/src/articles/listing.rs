//! The admin's article list: any status, text search, filters, pages. Contributors and
//! authors see only the articles they write.

use super::shared::{Refs, by_author, status, under_terms};
use crate::entity::{article, author};
use crate::{Paged, Store, StoreError};
use byline_core::ArticleStatus;
use byline_core::audit::Actor;
use byline_core::editorial::{self, ArticleQuery, ArticleRow};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Condition, Expr};
use sea_orm::{
    ColumnTrait, EntityTrait, FromQueryResult, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Select,
};

#[derive(Debug, FromQueryResult)]
struct Row {
    id: i64,
    slug: String,
    title: String,
    status: String,
    version: i64,
    published_at: Option<DateTime<Utc>>,
    modified_at: DateTime<Utc>,
    modified_by: Option<String>,
}

const ROW_COLUMNS: [article::Column; 8] = [
    article::Column::Id,
    article::Column::Slug,
    article::Column::Title,
    article::Column::Status,
    article::Column::Version,
    article::Column::PublishedAt,
    article::Column::ModifiedAt,
    article::Column::ModifiedBy,
];

/// `%text%` for LIKE, with the user's own `%`, `_` and `!` taken literally (`!` escapes).
fn like_pattern(text: &str) -> String {
    let escaped: String = text
        .chars()
        .flat_map(|c| match c {
            '%' | '_' | '!' => vec!['!', c],
            c => vec![c],
        })
        .collect();
    format!("%{escaped}%")
}

impl Store {
    /// One page (1-based) of the articles the actor may see that match `q`, most recently
    /// changed first, with bylines and terms: four queries whatever the page size (five when
    /// filtering by author). The text search is a case-insensitive LIKE over the title,
    /// subtitle, excerpt and body, unless `q.matching` carries a search engine's answer,
    /// which then replaces it and orders the list.
    pub async fn admin_articles(
        &self,
        actor: &Actor,
        q: &ArticleQuery,
        page: u64,
        per_page: u64,
    ) -> Result<Paged<ArticleRow>, StoreError> {
        let page = Ord::max(page, 1);
        let Some(select) = self.admin_select(actor, q).await? else {
            return Ok(Paged { items: Vec::new(), page, per_page, total: 0 });
        };
        if let Some(ranked) = &q.matching {
            return self.admin_articles_ranked(select, ranked, page, per_page).await;
        }
        let total = select.clone().count(self.db()).await?;
        let rows = select
            .select_only()
            .columns(ROW_COLUMNS)
            .order_by_desc(article::Column::ModifiedAt)
            .order_by_desc(article::Column::Id)
            .limit(per_page)
            .offset((page - 1) * per_page)
            .into_model::<Row>()
            .all(self.db())
            .await?;
        let items = self.article_rows(rows).await?;
        Ok(Paged { items, page, per_page, total })
    }

    /// The page of `select` in the order of `ranked` (a search engine's answer): the
    /// filters and the user's rights pick which of the ranked articles count.
    async fn admin_articles_ranked(
        &self,
        select: Select<article::Entity>,
        ranked: &[i64],
        page: u64,
        per_page: u64,
    ) -> Result<Paged<ArticleRow>, StoreError> {
        let mut kept = Vec::new();
        for chunk in ranked.chunks(500) {
            let ids: Vec<i64> = select
                .clone()
                .select_only()
                .column(article::Column::Id)
                .filter(article::Column::Id.is_in(chunk.iter().copied()))
                .into_tuple()
                .all(self.db())
                .await?;
            kept.extend(ids);
        }
        let kept: std::collections::HashSet<i64> = kept.into_iter().collect();
        let order: Vec<i64> = ranked.iter().copied().filter(|id| kept.contains(id)).collect();
        let start = ((page - 1) * per_page) as usize;
        let wanted: Vec<i64> = order.iter().skip(start).take(per_page as usize).copied().collect();
        let mut rows = article::Entity::find()
            .select_only()
            .columns(ROW_COLUMNS)
            .filter(article::Column::Id.is_in(wanted.iter().copied()))
            .into_model::<Row>()
            .all(self.db())
            .await?;
        rows.sort_by_key(|r| wanted.iter().position(|id| *id == r.id));
        let items = self.article_rows(rows).await?;
        Ok(Paged { items, page, per_page, total: order.len() as u64 })
    }

    async fn article_rows(&self, rows: Vec<Row>) -> Result<Vec<ArticleRow>, StoreError> {
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let mut refs = Refs::load(self.db(), &ids).await?;
        Ok(rows
            .into_iter()
            .map(|r| ArticleRow {
                authors: refs.authors(r.id),
                terms: refs.terms(r.id),
                id: r.id,
                slug: r.slug,
                title: r.title,
                status: status(&r.status),
                version: r.version,
                published_at: r.published_at,
                modified_at: r.modified_at,
                modified_by: r.modified_by,
            })
            .collect())
    }

    /// The query for `q`, or `None` when it can match nothing (an unknown author).
    async fn admin_select(
        &self,
        actor: &Actor,
        q: &ArticleQuery,
    ) -> Result<Option<Select<article::Entity>>, StoreError> {
        let mut s = article::Entity::find();
        if !editorial::sees_all(actor) {
            match actor.author_id {
                Some(id) => s = s.filter(by_author(id)),
                None => return Ok(None),
            }
        }
        s = match q.status {
            Some(st) => s.filter(article::Column::Status.eq(st.as_str())),
            None => s.filter(article::Column::Status.ne(ArticleStatus::Trash.as_str())),
        };
        if let Some(slug) = q.author.as_deref().filter(|a| !a.trim().is_empty()) {
            let id: Option<i64> = author::Entity::find()
                .select_only()
                .column(author::Column::Id)
                .filter(author::Column::Slug.eq(byline_core::slugify(slug)))
                .into_tuple()
                .one(self.db())
                .await?;
            match id {
                Some(id) => s = s.filter(by_author(id)),
                None => return Ok(None),
            }
        }
        if !q.terms.is_empty() {
            s = s.filter(under_terms(q.terms.clone()));
        }
        if q.matching.is_some() {
            // The engine matched the text already (`admin_articles_ranked`).
        } else if let Some(text) = q.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            // sea-query fills a custom expression's arguments in at the backend's own
            // placeholders.
            let like_lower = match self.backend() {
                crate::Backend::Sqlite => "LOWER(?) LIKE LOWER(?) ESCAPE '!'",
                crate::Backend::Postgres => "LOWER($1) LIKE LOWER($2) ESCAPE '!'",
            };
            let mut any = Condition::any();
            for col in [
                article::Column::Title,
                article::Column::Subtitle,
                article::Column::Excerpt,
                article::Column::Body,
            ] {
                // Both sides folded by the database, so each backend folds case alike on
                // both (SQLite only folds ASCII; lowering the text in Rust instead made
                // "Łódź" miss itself there).
                any = any.add(Expr::cust_with_exprs(
                    like_lower,
                    [Expr::col(col), Expr::val(like_pattern(text))],
                ));
            }
            s = s.filter(any);
        }
        // The date that counts: when it was (or will be) published, else its last change.
        let date = |at: DateTime<Utc>, after: bool| {
            let cmp = |c: article::Column| if after { c.gte(at) } else { c.lt(at) };
            Condition::any().add(cmp(article::Column::PublishedAt)).add(
                Condition::all()
                    .add(article::Column::PublishedAt.is_null())
                    .add(cmp(article::Column::ModifiedAt)),
            )
        };
        if let Some(from) = q.from {
            s = s.filter(date(from, true));
        }
        if let Some(until) = q.until {
            s = s.filter(date(until, false));
        }
        Ok(Some(s))
    }
}
