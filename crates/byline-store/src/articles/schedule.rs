//! Scheduled publishing: the server's background loop calls `publish_due` every few seconds.

use super::revisions;
use super::shared::{editable, linked_terms, load, subject};
use crate::entity::article;
use crate::{Store, StoreError, audit, changes};
use byline_core::ArticleStatus;
use byline_core::audit::{Actor, AuditRecord};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};

impl Store {
    /// Publishes every scheduled article whose time has come, including any whose time passed
    /// while no server ran; returns how many. Safe on several nodes at once: each article's
    /// UPDATE is conditional on it still being scheduled, so exactly one node publishes it
    /// (and writes its audit line and cache tags).
    pub async fn publish_due(&self, now: DateTime<Utc>) -> Result<u64, StoreError> {
        let due: Vec<(i64, String)> = article::Entity::find()
            .select_only()
            .columns([article::Column::Id, article::Column::Title])
            .filter(article::Column::Status.eq(ArticleStatus::Scheduled.as_str()))
            .filter(article::Column::PublishedAt.lte(now))
            .into_tuple()
            .all(self.db())
            .await?;
        let scheduler = Actor {
            staff_id: None,
            author_id: None,
            name: "scheduler".into(),
            role: byline_core::staff::Role::Owner,
        };
        let mut published = 0;
        for (id, title) in due {
            let txn = self.write().await?;
            let res = article::Entity::update_many()
                .col_expr(article::Column::Status, Expr::value(ArticleStatus::Published.as_str()))
                .col_expr(article::Column::Version, Expr::col(article::Column::Version).add(1))
                .col_expr(article::Column::ModifiedAt, Expr::value(now))
                .col_expr(article::Column::ModifiedBy, Expr::value(scheduler.name.clone()))
                .filter(article::Column::Id.eq(id))
                .filter(article::Column::Status.eq(ArticleStatus::Scheduled.as_str()))
                .exec(&txn)
                .await?;
            if res.rows_affected != 1 {
                continue; // another node was first
            }
            let mut tags = vec![changes::LIST.to_owned(), changes::article(id)];
            let (_, byline) = load(&txn, id).await?;
            tags.extend(byline.iter().map(|&a| changes::author(a)));
            tags.extend(linked_terms(&txn, id).await?.into_iter().map(changes::term));
            changes::log(&txn, &tags).await?;
            let current = editable(&txn, id).await?;
            revisions::keep(&txn, id, current.version, &scheduler, "publish", &current.input)
                .await?;
            let record = AuditRecord::new("article.publish", subject(id, &title))
                .detail("scheduled → published");
            audit::write(&txn, &scheduler, &record).await?;
            let previous = serde_json::json!({"status": "scheduled"});
            crate::webhooks::trigger(&txn, "post.published", id, &previous).await?;
            txn.commit().await?;
            published += 1;
        }
        Ok(published)
    }
}
