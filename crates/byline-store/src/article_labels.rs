//! Hidden labels on articles: staff-only marks (what Ghost calls internal tags, `#tag`),
//! kept in their order. Readers never see them and they make no public address, so writing
//! them touches no cached page.

use crate::entity::article_label as row;
use crate::{Outcome, Store, StoreError};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use std::collections::HashMap;

impl Store {
    /// Replaces an article's hidden labels with `labels` (blank ones and repeats dropped),
    /// in one transaction; `Unchanged` when they were these already.
    pub async fn set_article_labels(
        &self,
        article_id: i64,
        labels: &[String],
    ) -> Result<Outcome, StoreError> {
        let txn = self.write().await?;
        let outcome = set_labels_in(&txn, article_id, labels).await?;
        txn.commit().await?;
        Ok(outcome)
    }

    /// The hidden labels of every article that has some, by article id, in their order.
    pub async fn article_labels(&self) -> Result<HashMap<i64, Vec<String>>, StoreError> {
        let rows = row::Entity::find()
            .order_by_asc(row::Column::ArticleId)
            .order_by_asc(row::Column::Position)
            .all(self.db())
            .await?;
        let mut out: HashMap<i64, Vec<String>> = HashMap::new();
        for r in rows {
            out.entry(r.article_id).or_default().push(r.name);
        }
        Ok(out)
    }
}

/// [`Store::set_article_labels`] in the caller's transaction.
pub(crate) async fn set_labels_in(
    txn: &impl ConnectionTrait,
    article_id: i64,
    labels: &[String],
) -> Result<Outcome, StoreError> {
    let mut wanted: Vec<String> = Vec::new();
    for l in labels.iter().map(|l| l.trim()).filter(|l| !l.is_empty()) {
        if !wanted.iter().any(|w| w == l) {
            wanted.push(l.to_owned());
        }
    }
    let current: Vec<String> = row::Entity::find()
        .filter(row::Column::ArticleId.eq(article_id))
        .order_by_asc(row::Column::Position)
        .all(txn)
        .await?
        .into_iter()
        .map(|r| r.name)
        .collect();
    if current == wanted {
        return Ok(Outcome::Unchanged);
    }
    row::Entity::delete_many().filter(row::Column::ArticleId.eq(article_id)).exec(txn).await?;
    if !wanted.is_empty() {
        let rows = wanted.iter().enumerate().map(|(i, name)| row::ActiveModel {
            article_id: sea_orm::ActiveValue::Set(article_id),
            name: sea_orm::ActiveValue::Set(name.clone()),
            position: sea_orm::ActiveValue::Set(i32::try_from(i).unwrap_or(i32::MAX)),
        });
        row::Entity::insert_many(rows).exec(txn).await?;
    }
    Ok(if current.is_empty() { Outcome::Created } else { Outcome::Updated })
}
