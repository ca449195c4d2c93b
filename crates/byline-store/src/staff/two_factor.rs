//! Two-factor sign-in: the shared secret, the last code step accepted, and the recovery
//! codes (stored as hashes). Switching it on and off are use cases with their audit lines;
//! using a code at sign-in is in [`super::sign_in`].

use super::accounts::{from_row, load};
use crate::entity::{staff_recovery_code as code, staff_two_factor as tf};
use crate::{Store, StoreError};
use byline_core::audit::{Actor, AuditRecord};
use byline_core::secret::hash_token;
use byline_core::staff::StaffUser;
use chrono::Utc;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter,
};
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

/// The account's two-factor state as the caller's transaction sees it.
pub(super) async fn state(
    db: &impl ConnectionTrait,
    staff_id: i64,
) -> Result<Option<TwoFactorState>, StoreError> {
    Ok(tf::Entity::find_by_id(staff_id)
        .one(db)
        .await?
        .map(|m| TwoFactorState { secret: m.secret, enabled: m.enabled }))
}

/// Accepts a code's time step once: `false` when that step (or a later one) was used.
pub(super) async fn accept_step(
    db: &impl ConnectionTrait,
    staff_id: i64,
    step: i64,
) -> Result<bool, StoreError> {
    let res = tf::Entity::update_many()
        .col_expr(tf::Column::LastStep, Expr::value(step))
        .filter(tf::Column::StaffId.eq(staff_id))
        .filter(tf::Column::Enabled.eq(true))
        .filter(
            Condition::any().add(tf::Column::LastStep.is_null()).add(tf::Column::LastStep.lt(step)),
        )
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

/// Uses a recovery code (already normalised): `true` the first time only.
pub(super) async fn use_recovery_code(
    db: &impl ConnectionTrait,
    staff_id: i64,
    typed: &str,
) -> Result<bool, StoreError> {
    let res = code::Entity::update_many()
        .col_expr(code::Column::UsedAt, Expr::value(Utc::now()))
        .filter(code::Column::StaffId.eq(staff_id))
        .filter(code::Column::CodeHash.eq(hash_token(typed)))
        .filter(code::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    Ok(res.rows_affected >= 1)
}

/// How many unused recovery codes the account has left.
pub(super) async fn codes_left(
    db: &impl ConnectionTrait,
    staff_id: i64,
) -> Result<u64, StoreError> {
    Ok(code::Entity::find()
        .filter(code::Column::StaffId.eq(staff_id))
        .filter(code::Column::UsedAt.is_null())
        .count(db)
        .await?)
}

impl Store {
    /// The account's two-factor state; `None` when it never started enrolling.
    pub async fn two_factor(&self, staff_id: i64) -> Result<Option<TwoFactorState>, StoreError> {
        state(self.db(), staff_id).await
    }

    /// Starts enrolment with a new secret, not yet switched on (replacing an unfinished
    /// enrolment). Refused while two-factor sign-in is on.
    pub async fn start_two_factor(&self, staff_id: i64, secret: &str) -> Result<(), StoreError> {
        let txn = self.write().await?;
        if state(&txn, staff_id).await?.is_some_and(|s| s.enabled) {
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
        .exec_without_returning(&txn)
        .await?;
        txn.commit().await?;
        Ok(())
    }

    /// The account switches two-factor sign-in on, after a first correct code for `step`,
    /// with new recovery codes (only their hashes are kept). Audit `staff.two_factor_on`,
    /// by the account itself: nobody else enrols someone's device.
    pub async fn enable_two_factor(
        &self,
        staff_id: i64,
        step: i64,
        recovery_codes: &[String],
    ) -> Result<(), StoreError> {
        let txn = self.write().await?;
        let staff = from_row(load(&txn, staff_id).await?);
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
        let line = AuditRecord::new("staff.two_factor_on", &staff.email);
        crate::audit::write(&txn, &staff.actor(), &line).await?;
        txn.commit().await?;
        Ok(())
    }

    /// `actor` switches two-factor sign-in off for the account `staff_id` and forgets its
    /// secret and recovery codes (audit `staff.two_factor_off`): the account itself from
    /// "Your account", or the command line for someone who lost their device. A conflict
    /// when it is not on.
    pub async fn disable_two_factor(
        &self,
        actor: &Actor,
        staff_id: i64,
    ) -> Result<StaffUser, StoreError> {
        let txn = self.write().await?;
        let staff = from_row(load(&txn, staff_id).await?);
        if !state(&txn, staff_id).await?.is_some_and(|s| s.enabled) {
            return Err(StoreError::Conflict(format!(
                "{} does not use two-factor sign-in",
                staff.email
            )));
        }
        tf::Entity::delete_by_id(staff_id).exec(&txn).await?;
        code::Entity::delete_many().filter(code::Column::StaffId.eq(staff_id)).exec(&txn).await?;
        let line = AuditRecord::new("staff.two_factor_off", &staff.email);
        crate::audit::write(&txn, actor, &line).await?;
        txn.commit().await?;
        Ok(staff)
    }

    /// How many unused recovery codes the account has left.
    pub async fn recovery_codes_left(&self, staff_id: i64) -> Result<u64, StoreError> {
        codes_left(self.db(), staff_id).await
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
