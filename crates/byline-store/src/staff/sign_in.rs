//! Signing in: the bookkeeping of a right password and a right two-factor code (the
//! account's failed attempts forgotten, the sign-in in the audit log), and the attempts
//! themselves (and password-reset requests), kept in the database so a rate limit holds
//! whichever node an attempt reaches. What counts as too many is
//! [`byline_core::limits`]'s business.

use super::two_factor;
use crate::entity::sign_in_attempt as row;
use crate::{Store, StoreError};
use byline_core::audit::AuditRecord;
use byline_core::limits::{CODE_PER_ACCOUNT, Limit, SIGN_IN_PER_ACCOUNT};
use byline_core::staff::StaffUser;
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

/// Where a right password leads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignInStep {
    /// Signed in (and noted in the audit log).
    SignedIn,
    /// The account uses two-factor sign-in: a code comes next.
    CodeNeeded,
}

/// Forgets `key`'s attempts under `limit` (in the caller's transaction).
pub(super) async fn clear(
    db: &impl ConnectionTrait,
    limit: Limit,
    key: &str,
) -> Result<(), StoreError> {
    row::Entity::delete_many()
        .filter(row::Column::Scope.eq(limit.scope))
        .filter(row::Column::Key.eq(key))
        .exec(db)
        .await?;
    Ok(())
}

/// The audit line of a sign-in (`session.sign_in`), in the caller's transaction.
pub(super) async fn note_sign_in(
    db: &impl ConnectionTrait,
    staff: &StaffUser,
) -> Result<(), StoreError> {
    crate::audit::write(db, &staff.actor(), &AuditRecord::new("session.sign_in", &staff.email))
        .await
}

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

    /// `staff` typed the right password (see [`Store::verify_staff_password`]): the
    /// account's failed sign-ins are forgotten, and without two-factor sign-in the account
    /// is signed in, with its audit line; otherwise a code comes next.
    pub async fn password_accepted(&self, staff: &StaffUser) -> Result<SignInStep, StoreError> {
        let txn = self.write().await?;
        clear(&txn, SIGN_IN_PER_ACCOUNT, &staff.email).await?;
        let step = if two_factor::state(&txn, staff.id).await?.is_some_and(|t| t.enabled) {
            SignInStep::CodeNeeded
        } else {
            note_sign_in(&txn, staff).await?;
            SignInStep::SignedIn
        };
        txn.commit().await?;
        Ok(step)
    }

    /// `staff`, past their password, types a code: the current one from their app (each
    /// time step accepted once) or a recovery code (each used once; audit
    /// `staff.recovery_code_used`). `true` when it is right: the account's failed codes are
    /// forgotten and it is signed in, with its audit line. A wrong code changes nothing.
    pub async fn code_entered(&self, staff: &StaffUser, typed: &str) -> Result<bool, StoreError> {
        use byline_core::two_factor::{check, normalize_recovery_code};
        let typed = typed.trim();
        let is_totp = typed.chars().filter(|c| !c.is_whitespace()).all(|c| c.is_ascii_digit());
        let txn = self.write().await?;
        let ok = if is_totp {
            let secret = two_factor::state(&txn, staff.id).await?.filter(|t| t.enabled);
            match secret.and_then(|t| check(&t.secret, typed, Utc::now().timestamp())) {
                Some(step) => two_factor::accept_step(&txn, staff.id, step).await?,
                None => false,
            }
        } else if two_factor::use_recovery_code(&txn, staff.id, &normalize_recovery_code(typed))
            .await?
        {
            let left = two_factor::codes_left(&txn, staff.id).await?;
            let line = AuditRecord::new("staff.recovery_code_used", &staff.email)
                .detail(format!("{left} left"));
            crate::audit::write(&txn, &staff.actor(), &line).await?;
            true
        } else {
            false
        };
        if !ok {
            return Ok(false);
        }
        clear(&txn, CODE_PER_ACCOUNT, &staff.id.to_string()).await?;
        note_sign_in(&txn, staff).await?;
        txn.commit().await?;
        Ok(true)
    }

    /// Forgets attempts older than `before`; returns how many.
    pub async fn prune_attempts(&self, before: DateTime<Utc>) -> Result<u64, StoreError> {
        let res =
            row::Entity::delete_many().filter(row::Column::At.lt(before)).exec(self.db()).await?;
        Ok(res.rows_affected)
    }
}
