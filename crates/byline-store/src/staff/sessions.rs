//! Staff sign-in sessions, kept in the database so they survive restarts and every node
//! behind a load balancer sees the same ones. The web layer decides what a session holds;
//! here it is an opaque JSON object with an expiry.

use crate::entity::staff_session as row;
use crate::{Store, StoreError};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

impl Store {
    /// The session's data, unless it is unknown or has expired.
    pub async fn session(&self, id: &str) -> Result<Option<String>, StoreError> {
        let found = row::Entity::find_by_id(id.to_owned()).one(self.db()).await?;
        Ok(found.filter(|s| s.expires_at > Utc::now()).map(|s| s.data))
    }

    /// Creates the session or replaces what it holds.
    pub async fn save_session(
        &self,
        id: &str,
        data: &str,
        expires_at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        row::Entity::insert(row::ActiveModel {
            id: Set(id.to_owned()),
            data: Set(data.to_owned()),
            expires_at: Set(expires_at),
        })
        .on_conflict(
            OnConflict::column(row::Column::Id)
                .update_columns([row::Column::Data, row::Column::ExpiresAt])
                .to_owned(),
        )
        .exec_without_returning(self.db())
        .await?;
        Ok(())
    }

    /// Creates a session under an id nobody has used; `false` when the id is taken.
    pub async fn create_session(
        &self,
        id: &str,
        data: &str,
        expires_at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let inserted = row::Entity::insert(row::ActiveModel {
            id: Set(id.to_owned()),
            data: Set(data.to_owned()),
            expires_at: Set(expires_at),
        })
        .on_conflict(OnConflict::column(row::Column::Id).do_nothing().to_owned())
        .exec_without_returning(self.db())
        .await?;
        Ok(inserted == 1)
    }

    pub async fn delete_session(&self, id: &str) -> Result<(), StoreError> {
        row::Entity::delete_by_id(id.to_owned()).exec(self.db()).await?;
        Ok(())
    }

    /// Forgets expired sessions; returns how many.
    pub async fn delete_expired_sessions(&self) -> Result<u64, StoreError> {
        let res = row::Entity::delete_many()
            .filter(row::Column::ExpiresAt.lte(Utc::now()))
            .exec(self.db())
            .await?;
        Ok(res.rows_affected)
    }
}

/// Ends every session that holds `"staff_id": id` (after a password change, or when an
/// account is disabled), except `keep`, in the caller's transaction; returns how many.
pub(super) async fn end_sessions_of(
    db: &impl ConnectionTrait,
    staff_id: i64,
    keep: Option<&str>,
) -> Result<u64, StoreError> {
    let rows = row::Entity::find().all(db).await?;
    let mut gone = 0;
    for s in rows {
        let owner = serde_json::from_str::<serde_json::Value>(&s.data)
            .ok()
            .and_then(|v| v.get("staff_id").and_then(serde_json::Value::as_i64));
        if owner == Some(staff_id) && Some(s.id.as_str()) != keep {
            row::Entity::delete_by_id(s.id).exec(db).await?;
            gone += 1;
        }
    }
    Ok(gone)
}
