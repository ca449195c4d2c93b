//! Failed sign-in attempts (and password-reset requests), kept in the database so a rate
//! limit holds whichever node an attempt reaches. What counts as too many is
//! [`byline_core::limits`]'s business.

use crate::entity::sign_in_attempt as row;
use crate::{Store, StoreError};
use byline_core::limits::Limit;
use chrono::{DateTime, Utc};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

impl Store {
    /// Notes an attempt against `limit` for `key` (an email, an address) before it is
    /// judged, so that attempts sent together all count; returns its id, for
    /// [`Store::retry_after`] and [`Store::forgive_attempts`].
    pub async fn note_attempt(&self, limit: Limit, key: &str) -> Result<i64, StoreError> {
        let res = row::Entity::insert(row::ActiveModel {
            scope: Set(limit.scope.to_owned()),
            key: Set(key.to_owned()),
            at: Set(Utc::now()),
            ..Default::default()
        })
        .exec(self.db())
        .await?;
        Ok(res.last_insert_id)
    }

    /// Seconds until `key` may try again under `limit`, counting the attempts before
    /// `attempt` (the one being judged); `None` when it may go ahead.
    pub async fn retry_after(
        &self,
        limit: Limit,
        key: &str,
        attempt: i64,
    ) -> Result<Option<u64>, StoreError> {
        let now = Utc::now();
        let recent: Vec<DateTime<Utc>> = row::Entity::find()
            .select_only()
            .column(row::Column::At)
            .filter(row::Column::Scope.eq(limit.scope))
            .filter(row::Column::Key.eq(key))
            .filter(row::Column::Id.lt(attempt))
            .filter(row::Column::At.gt(now - limit.window))
            .order_by_desc(row::Column::At)
            .limit(limit.max)
            .into_tuple()
            .all(self.db())
            .await?;
        Ok(limit.retry_after(&recent, now))
    }

    /// Takes back attempts that turned out to be fine (a right password from an address).
    pub async fn forgive_attempts(&self, ids: &[i64]) -> Result<(), StoreError> {
        row::Entity::delete_many()
            .filter(row::Column::Id.is_in(ids.to_vec()))
            .exec(self.db())
            .await?;
        Ok(())
    }

    /// Forgets `key`'s attempts under `limit` (after a successful sign-in).
    pub async fn clear_attempts(&self, limit: Limit, key: &str) -> Result<(), StoreError> {
        row::Entity::delete_many()
            .filter(row::Column::Scope.eq(limit.scope))
            .filter(row::Column::Key.eq(key))
            .exec(self.db())
            .await?;
        Ok(())
    }

    /// Forgets attempts older than `before`; returns how many.
    pub async fn prune_attempts(&self, before: DateTime<Utc>) -> Result<u64, StoreError> {
        let res =
            row::Entity::delete_many().filter(row::Column::At.lt(before)).exec(self.db()).await?;
        Ok(res.rows_affected)
    }
}
