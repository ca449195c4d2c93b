//! The database half of holding back automated form posts (the pure half is
//! `byline_core::spam`): each accepted post of a public form leaves a `form_submission` row
//! (its scope, client address and fingerprint), so a form can refuse an address that posts
//! too often and recognise the same text sent twice, on every node alike. The contact desk
//! uses it; comments can take the same two calls with their own scope and limits.

use crate::StoreError;
use crate::entity::form_submission as row;
use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder,
};

/// How often one form may be posted from one address, and how long a text counts as sent.
#[derive(Debug, Clone, Copy)]
pub struct FormLimits {
    pub per_client: u64,
    pub window: Duration,
    /// A post whose fingerprint was seen within this is a duplicate.
    pub duplicate_within: Duration,
}

/// What the checks found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gate {
    Open,
    /// The address posted `per_client` times within the window; it may again after this
    /// many seconds.
    Limited {
        retry_after: u64,
    },
    /// The same text was accepted already.
    Duplicate,
}

/// Checks one post of `scope` from `client` with `fingerprint` at `now`, and when it may go
/// through records it. Call it inside the transaction that stores the post (under the write
/// lock), so two posts cannot both pass a limit of one.
pub(crate) async fn admit(
    db: &impl ConnectionTrait,
    scope: &str,
    client: &str,
    fingerprint: &str,
    limits: FormLimits,
    now: DateTime<Utc>,
) -> Result<Gate, StoreError> {
    let client: String = client.chars().take(64).collect();
    let since = now - limits.window;
    let recent = row::Entity::find()
        .filter(row::Column::Scope.eq(scope))
        .filter(row::Column::Client.eq(client.as_str()))
        .filter(row::Column::CreatedAt.gt(since));
    if recent.clone().count(db).await? >= limits.per_client {
        let oldest = recent
            .order_by_asc(row::Column::CreatedAt)
            .one(db)
            .await?
            .map_or(now, |r| r.created_at);
        let retry_after = (oldest + limits.window - now).num_seconds().max(1) as u64;
        return Ok(Gate::Limited { retry_after });
    }
    let seen = row::Entity::find()
        .filter(row::Column::Scope.eq(scope))
        .filter(row::Column::Fingerprint.eq(fingerprint))
        .filter(row::Column::CreatedAt.gt(now - limits.duplicate_within))
        .count(db)
        .await?;
    if seen > 0 {
        return Ok(Gate::Duplicate);
    }
    row::Entity::insert(row::ActiveModel {
        scope: Set(scope.to_owned()),
        client: Set(client),
        fingerprint: Set(fingerprint.to_owned()),
        created_at: Set(now),
        ..Default::default()
    })
    .exec(db)
    .await?;
    Ok(Gate::Open)
}

impl crate::Store {
    /// Forgets public forms' posts older than `before` (the scheduler's pruning; limits and
    /// duplicate checks look back a day at most).
    pub async fn prune_form_submissions(&self, before: DateTime<Utc>) -> Result<u64, StoreError> {
        let res = row::Entity::delete_many()
            .filter(row::Column::CreatedAt.lt(before))
            .exec(self.db())
            .await?;
        Ok(res.rows_affected)
    }
}
