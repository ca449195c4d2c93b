//! Corrections on published articles: adding and withdrawing a dated note (audited, logging
//! the article's tag and [`CORRECTIONS_TAG`]), an article's notes, and every note newest first
//! for the public corrections page and its feed.

use crate::entity::{article, article_correction as row};
use crate::{Paged, Store, StoreError, audit, changes};
use byline_core::ArticleStatus;
use byline_core::audit::{Actor, AuditRecord};
use byline_core::correction::{Correction, ListedCorrection, check};
use chrono::Utc;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use std::collections::HashMap;

/// The cache tag of the corrections page and its feed.
pub const CORRECTIONS_TAG: &str = "corrections";

fn from_row(m: row::Model) -> Correction {
    Correction {
        id: m.id,
        article_id: m.article_id,
        text: m.text,
        date: m.date,
        created_at: m.created_at,
    }
}

impl Store {
    /// Adds a correction to a published article: `text`, dated `date` (`YYYY-MM-DD`, blank
    /// for today). Audited; drops the article's pages and the corrections page.
    pub async fn add_correction(
        &self,
        actor: &Actor,
        article_id: i64,
        text: &str,
        date: &str,
    ) -> Result<Correction, StoreError> {
        let (text, date) = check(text, date, Utc::now().date_naive())?;
        let txn = self.write().await?;
        let a = published_row(&txn, article_id).await?;
        if let Some(p) = a.published_at
            && date < p.date_naive()
        {
            return Err(byline_core::Invalid::one(
                "date",
                format!("must not be before the article was published ({})", p.date_naive()),
            )
            .into());
        }
        let id = row::Entity::insert(row::ActiveModel {
            article_id: Set(article_id),
            text: Set(text.clone()),
            date: Set(date),
            created_at: Set(Utc::now()),
            ..Default::default()
        })
        .exec(&txn)
        .await?
        .last_insert_id;
        let rec = AuditRecord::new("article.correct", format!("article {} “{}”", a.id, a.title))
            .detail(format!("correction {id} dated {date}"));
        audit::write(&txn, actor, &rec).await?;
        changes::log(&txn, &tags(article_id)).await?;
        let added = find(&txn, id).await?;
        txn.commit().await?;
        Ok(added)
    }

    /// Withdraws a correction (one added by mistake), audited.
    pub async fn delete_correction(&self, actor: &Actor, id: i64) -> Result<(), StoreError> {
        let txn = self.write().await?;
        let c = find(&txn, id).await?;
        row::Entity::delete_by_id(id).exec(&txn).await?;
        let rec =
            AuditRecord::new("article.correction_delete", format!("article {}", c.article_id))
                .detail(format!("correction {id} dated {}: {}", c.date, c.text));
        audit::write(&txn, actor, &rec).await?;
        changes::log(&txn, &tags(c.article_id)).await?;
        txn.commit().await?;
        Ok(())
    }

    /// An article's corrections, oldest first (the order they are read in).
    pub async fn corrections_of(&self, article_id: i64) -> Result<Vec<Correction>, StoreError> {
        let rows = row::Entity::find()
            .filter(row::Column::ArticleId.eq(article_id))
            .order_by_asc(row::Column::Date)
            .order_by_asc(row::Column::Id)
            .all(self.db())
            .await?;
        Ok(rows.into_iter().map(from_row).collect())
    }

    /// Every correction by article, oldest first within each (the static export): one query.
    pub async fn all_corrections(&self) -> Result<HashMap<i64, Vec<Correction>>, StoreError> {
        let rows = row::Entity::find()
            .order_by_asc(row::Column::Date)
            .order_by_asc(row::Column::Id)
            .all(self.db())
            .await?;
        let mut out: HashMap<i64, Vec<Correction>> = HashMap::new();
        for r in rows {
            out.entry(r.article_id).or_default().push(from_row(r));
        }
        Ok(out)
    }

    /// Corrections on published articles, newest first: two queries.
    pub async fn corrections_page(
        &self,
        page: u64,
        per_page: u64,
    ) -> Result<Paged<ListedCorrection>, StoreError> {
        let page = page.max(1);
        let q = row::Entity::find()
            .inner_join(article::Entity)
            .filter(article::Column::Status.eq(ArticleStatus::Published.as_str()));
        let total = q.clone().count(self.db()).await?;
        let rows = q
            .order_by_desc(row::Column::Date)
            .order_by_desc(row::Column::Id)
            .limit(per_page)
            .offset((page - 1) * per_page)
            .all(self.db())
            .await?;
        let ids: Vec<i64> = rows.iter().map(|r| r.article_id).collect();
        let articles: HashMap<i64, (String, String)> = article::Entity::find()
            .select_only()
            .columns([article::Column::Id, article::Column::Slug, article::Column::Title])
            .filter(article::Column::Id.is_in(ids))
            .into_tuple::<(i64, String, String)>()
            .all(self.db())
            .await?
            .into_iter()
            .map(|(id, slug, title)| (id, (slug, title)))
            .collect();
        let items = rows
            .into_iter()
            .filter_map(|r| {
                let (slug, title) = articles.get(&r.article_id)?.clone();
                Some(ListedCorrection {
                    correction: from_row(r),
                    article_slug: slug,
                    article_title: title,
                })
            })
            .collect();
        Ok(Paged { items, page, per_page, total })
    }
}

fn tags(article_id: i64) -> Vec<String> {
    vec![format!("article:{article_id}"), CORRECTIONS_TAG.to_owned()]
}

async fn published_row(db: &impl ConnectionTrait, id: i64) -> Result<article::Model, StoreError> {
    let a = article::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| StoreError::not_found("article", id.to_string()))?;
    if a.status != ArticleStatus::Published.as_str() {
        return Err(StoreError::Conflict(format!(
            "article {id} is not published; only published articles take corrections"
        )));
    }
    Ok(a)
}

async fn find(db: &impl ConnectionTrait, id: i64) -> Result<Correction, StoreError> {
    row::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(from_row)
        .ok_or_else(|| StoreError::not_found("correction", id.to_string()))
}
