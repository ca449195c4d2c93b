//! What staff change about their own accounts: their name, and two-factor sign-in (the
//! shared secret, the last code step accepted, recovery codes stored as hashes).

use crate::entity::{staff_recovery_code as code, staff_two_factor as tf, staff_user};
use crate::{Store, StoreError};
use byline_core::secret::hash_token;
use chrono::Utc;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ActiveValue::Set, ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter};
use std::collections::HashSet;

/// An account's two-factor secret and whether it is switched on yet.
#[derive(Clone, PartialEq, Eq)]
pub struct TwoFactorState {
    pub secret: String,
    pub enabled: bool,
}

impl std::fmt::Debug for TwoFactorState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TwoFactorState")
            .field("secret", &"***")
            .field("enabled", &self.enabled)
            .finish()
    }
}

impl Store {
    /// Renames a staff account (the name shown in the admin and the audit log).
    pub async fn set_staff_name(&self, id: i64, name: &str) -> Result<(), StoreError> {
        let name = name.trim();
        if name.is_empty() {
            return Err(byline_core::Invalid::one("name", "is required").into());
        }
        let res = staff_user::Entity::update_many()
            .col_expr(staff_user::Column::Name, Expr::value(name))
            .col_expr(staff_user::Column::UpdatedAt, Expr::value(Utc::now()))
            .filter(staff_user::Column::Id.eq(id))
            .exec(self.db())
            .await?;
        if res.rows_affected == 0 {
            return Err(StoreError::not_found("staff account", id.to_string()));
        }
        Ok(())
    }

    /// The account's two-factor state; `None` when it never started enrolling.
    pub async fn two_factor(&self, staff_id: i64) -> Result<Option<TwoFactorState>, StoreError> {
        Ok(tf::Entity::find_by_id(staff_id)
            .one(self.db())
            .await?
            .map(|m| TwoFactorState { secret: m.secret, enabled: m.enabled }))
    }

    /// Starts enrolment with a new secret, not yet switched on (replacing an unfinished
    /// enrolment). Refused while two-factor sign-in is on.
    pub async fn start_two_factor(&self, staff_id: i64, secret: &str) -> Result<(), StoreError> {
        if self.two_factor(staff_id).await?.is_some_and(|s| s.enabled) {
            return Err(StoreError::Conflict("two-factor sign-in is already on".into()));
        }
        tf::Entity::insert(tf::ActiveModel {
            staff_id: Set(staff_id),
            secret: Set(secret.to_owned()),
            enabled: Set(false),
            last_step: Set(None),
            created_at: Set(Utc::now()),
        })
        .on_conflict(
            OnConflict::column(tf::Column::StaffId)
                .update_columns([tf::Column::Secret, tf::Column::LastStep, tf::Column::CreatedAt])
                .to_owned(),
        )
        .exec_without_returning(self.db())
        .await?;
        Ok(())
    }

    /// Switches two-factor sign-in on, after a first correct code for `step`, with new
    /// recovery codes (only their hashes are kept).
    pub async fn enable_two_factor(
        &self,
        staff_id: i64,
        step: i64,
        recovery_codes: &[String],
    ) -> Result<(), StoreError> {
        let txn = self.write().await?;
        let res = tf::Entity::update_many()
            .col_expr(tf::Column::Enabled, Expr::value(true))
            .col_expr(tf::Column::LastStep, Expr::value(step))
            .filter(tf::Column::StaffId.eq(staff_id))
            .filter(tf::Column::Enabled.eq(false))
            .exec(&txn)
            .await?;
        if res.rows_affected != 1 {
            return Err(StoreError::Conflict("start enrolling again".into()));
        }
        code::Entity::delete_many().filter(code::Column::StaffId.eq(staff_id)).exec(&txn).await?;
        for c in recovery_codes {
            code::Entity::insert(code::ActiveModel {
                staff_id: Set(staff_id),
                code_hash: Set(hash_token(c)),
                used_at: Set(None),
                ..Default::default()
            })
            .exec_without_returning(&txn)
            .await?;
        }
        txn.commit().await?;
        Ok(())
    }

    /// Switches two-factor sign-in off and forgets the secret and recovery codes.
    pub async fn disable_two_factor(&self, staff_id: i64) -> Result<(), StoreError> {
        let txn = self.write().await?;
        tf::Entity::delete_by_id(staff_id).exec(&txn).await?;
        code::Entity::delete_many().filter(code::Column::StaffId.eq(staff_id)).exec(&txn).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Accepts a code's time step once: `false` when that step (or a later one) was used.
    pub async fn accept_code_step(&self, staff_id: i64, step: i64) -> Result<bool, StoreError> {
        let res = tf::Entity::update_many()
            .col_expr(tf::Column::LastStep, Expr::value(step))
            .filter(tf::Column::StaffId.eq(staff_id))
            .filter(tf::Column::Enabled.eq(true))
            .filter(
                Condition::any()
                    .add(tf::Column::LastStep.is_null())
                    .add(tf::Column::LastStep.lt(step)),
            )
            .exec(self.db())
            .await?;
        Ok(res.rows_affected == 1)
    }

    /// Uses a recovery code (already normalised): `true` the first time only.
    pub async fn use_recovery_code(&self, staff_id: i64, code_: &str) -> Result<bool, StoreError> {
        let res = code::Entity::update_many()
            .col_expr(code::Column::UsedAt, Expr::value(Utc::now()))
            .filter(code::Column::StaffId.eq(staff_id))
            .filter(code::Column::CodeHash.eq(hash_token(code_)))
            .filter(code::Column::UsedAt.is_null())
            .exec(self.db())
            .await?;
        Ok(res.rows_affected >= 1)
    }

    /// How many unused recovery codes the account has left.
    pub async fn recovery_codes_left(&self, staff_id: i64) -> Result<u64, StoreError> {
        Ok(code::Entity::find()
            .filter(code::Column::StaffId.eq(staff_id))
            .filter(code::Column::UsedAt.is_null())
            .count(self.db())
            .await?)
    }

    /// The accounts with two-factor sign-in on.
    pub async fn two_factor_accounts(&self) -> Result<HashSet<i64>, StoreError> {
        Ok(tf::Entity::find()
            .filter(tf::Column::Enabled.eq(true))
            .all(self.db())
            .await?
            .into_iter()
            .map(|m| m.staff_id)
            .collect())
    }
}
