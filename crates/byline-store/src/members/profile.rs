//! What members change about themselves: their name, and signing out everywhere; and the
//! member as a fresh pass needs them.

use super::accounts::member_in;
use super::events;
use crate::entity::member as row;
use crate::{Store, StoreError};
use byline_core::Invalid;
use byline_core::members::Member;
use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

impl Store {
    /// The member with `id` and their pass generation, to issue a fresh pass; `None` when
    /// the member is gone.
    pub async fn member_for_pass(&self, id: i64) -> Result<Option<(Member, i64)>, StoreError> {
        let Some(m) = row::Entity::find_by_id(id).one(self.db()).await? else {
            return Ok(None);
        };
        let generation = m.pass_generation;
        let member = super::rows::members_from(self.db(), vec![m]).await?.remove(0);
        Ok(Some((member, generation)))
    }

    /// A member renames themselves; an empty name clears it.
    pub async fn rename_member(&self, id: i64, name: &str) -> Result<Member, StoreError> {
        let name = name.trim();
        if name.chars().count() > 191 {
            return Err(Invalid::one("name", "is longer than 191 characters").into());
        }
        let txn = self.write().await?;
        let done = row::Entity::update_many()
            .col_expr(row::Column::Name, Expr::value((!name.is_empty()).then(|| name.to_owned())))
            .col_expr(row::Column::UpdatedAt, Expr::value(Utc::now()))
            .filter(row::Column::Id.eq(id))
            .exec(&txn)
            .await?;
        if done.rows_affected == 0 {
            return Err(StoreError::not_found("member", id.to_string()));
        }
        let m = member_in(&txn, id).await?;
        txn.commit().await?;
        Ok(m)
    }

    /// Ends every pass the member holds (on every device) by raising their pass generation;
    /// returns the new generation.
    pub async fn sign_out_member_everywhere(&self, id: i64) -> Result<i64, StoreError> {
        let txn = self.write().await?;
        let m = row::Entity::find_by_id(id)
            .one(&txn)
            .await?
            .ok_or_else(|| StoreError::not_found("member", id.to_string()))?;
        let generation = m.pass_generation + 1;
        row::Entity::update_many()
            .col_expr(row::Column::PassGeneration, Expr::value(generation))
            .filter(row::Column::Id.eq(id))
            .exec(&txn)
            .await?;
        events::record(&txn, id, "signout", "signed out everywhere", None).await?;
        txn.commit().await?;
        Ok(generation)
    }
}
