//! Copies of articles on other sites, counted through the tracking image. Counts arrive in
//! batches from each node's in-memory buffer and are added up here, so any number of nodes
//! can record views for the same copy.

use crate::entity::{article, republication as row};
use crate::{Store, StoreError};
use byline_core::ArticleStatus;
use byline_core::republish::{CopyStatus, Republication};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::HashSet;

/// Views of one copy since the last flush.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopyViews {
    pub article_id: i64,
    pub url: String,
    pub host: String,
    pub views: i64,
}

/// Rows per INSERT statement when recording views.
const BATCH: usize = 200;

impl Store {
    /// Adds views to copies, creating the ones seen for the first time. Views of articles
    /// that do not exist or are not published are dropped. Returns how many copies it touched.
    pub async fn record_copy_views(
        &self,
        views: &[CopyViews],
        now: DateTime<Utc>,
    ) -> Result<usize, StoreError> {
        if views.is_empty() {
            return Ok(0);
        }
        let ids: HashSet<i64> = views.iter().map(|v| v.article_id).collect();
        let known: HashSet<i64> = article::Entity::find()
            .select_only()
            .column(article::Column::Id)
            .filter(article::Column::Id.is_in(ids))
            .filter(article::Column::Status.eq(ArticleStatus::Published.as_str()))
            .into_tuple::<i64>()
            .all(self.db())
            .await?
            .into_iter()
            .collect();
        let rows: Vec<row::ActiveModel> = views
            .iter()
            .filter(|v| known.contains(&v.article_id) && v.views > 0)
            .map(|v| row::ActiveModel {
                article_id: Set(v.article_id),
                url: Set(v.url.clone()),
                host: Set(v.host.clone()),
                views: Set(v.views),
                status: Set(CopyStatus::New.as_str().to_owned()),
                first_seen: Set(now),
                last_seen: Set(now),
                ..Default::default()
            })
            .collect();
        let touched = rows.len();
        let mut rows = rows.into_iter().peekable();
        while rows.peek().is_some() {
            let batch: Vec<_> = rows.by_ref().take(BATCH).collect();
            row::Entity::insert_many(batch)
                .on_conflict(
                    OnConflict::columns([row::Column::ArticleId, row::Column::Url])
                        .value(
                            row::Column::Views,
                            Expr::cust("republication.views + excluded.views"),
                        )
                        .value(row::Column::LastSeen, Expr::cust("excluded.last_seen"))
                        .to_owned(),
                )
                .exec_without_returning(self.db())
                .await?;
        }
        Ok(touched)
    }

    /// Copies of one article (or of all), most viewed first.
    pub async fn republications(
        &self,
        article_id: Option<i64>,
    ) -> Result<Vec<Republication>, StoreError> {
        let mut q = row::Entity::find().find_also_related(article::Entity);
        if let Some(id) = article_id {
            q = q.filter(row::Column::ArticleId.eq(id));
        }
        let rows = q
            .order_by_desc(row::Column::Views)
            .order_by_asc(row::Column::Id)
            .all(self.db())
            .await?;
        Ok(rows
            .into_iter()
            .map(|(r, a)| {
                let (slug, title) = a.map(|a| (a.slug, a.title)).unwrap_or_default();
                Republication {
                    id: r.id,
                    article_id: r.article_id,
                    article_slug: slug,
                    article_title: title,
                    url: r.url,
                    host: r.host,
                    views: r.views,
                    status: r.status.parse().unwrap_or(CopyStatus::New),
                    first_seen: r.first_seen,
                    last_seen: r.last_seen,
                }
            })
            .collect())
    }

    /// Marks a copy as verified, ignored, or new again.
    pub async fn mark_republication(&self, id: i64, status: CopyStatus) -> Result<(), StoreError> {
        let res = row::Entity::update_many()
            .col_expr(row::Column::Status, Expr::value(status.as_str()))
            .filter(row::Column::Id.eq(id))
            .exec(self.db())
            .await?;
        if res.rows_affected == 0 {
            return Err(StoreError::not_found("republication", id.to_string()));
        }
        Ok(())
    }
}
