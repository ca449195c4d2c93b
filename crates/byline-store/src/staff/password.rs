//! Passwords: changing one's own (with the current one), and the forgotten-password links
//! (asked for by email, used once within their time). A new password voids outstanding
//! reset links and ends the account's other sessions, in the transaction that sets it.

use super::accounts::{hashed, load, password_matches};
use super::one_time::{self, Purpose};
use super::sessions::end_sessions_of;
use crate::entity::staff_user as row;
use crate::{Store, StoreError};
use byline_core::Invalid;
use byline_core::accounts::check_password;
use byline_core::audit::{Actor, AuditRecord};
use byline_core::limits::SIGN_IN_PER_ACCOUNT;
use byline_core::staff::StaffUser;
use chrono::{Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

/// Stores a new password hash for `id` and voids the links sent to reset the old one.
async fn replace(db: &impl ConnectionTrait, id: i64, hash: String) -> Result<(), StoreError> {
    let res = row::Entity::update_many()
        .col_expr(row::Column::PasswordHash, Expr::value(hash))
        .col_expr(row::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(row::Column::Id.eq(id))
        .exec(db)
        .await?;
    if res.rows_affected == 0 {
        return Err(StoreError::not_found("staff account", id.to_string()));
    }
    one_time::void_for(db, Purpose::PasswordReset, id).await
}

/// A password someone chose, checked and hashed.
async fn chosen(password: &str) -> Result<String, StoreError> {
    check_password(password)?;
    hashed(password).await
}

/// A forgotten-password link, made for an active account.
#[derive(Debug, Clone)]
pub struct ResetLink {
    pub staff: StaffUser,
    /// The token to put in the link (only its hash is kept).
    pub token: String,
}

impl Store {
    /// Sets a new password as the command line would (audit `staff.password_set`). Links
    /// sent to reset the old one stop working: whoever holds one no longer needs it.
    pub async fn set_staff_password(&self, id: i64, password: &str) -> Result<(), StoreError> {
        let hash = chosen(password).await?;
        let txn = self.write().await?;
        let email = load(&txn, id).await?.email;
        replace(&txn, id, hash).await?;
        let line = AuditRecord::new("staff.password_set", email);
        crate::audit::write(&txn, &Actor::command_line(), &line).await?;
        txn.commit().await?;
        Ok(())
    }

    /// `staff` changes their password after typing the `current` one (field `current`); their
    /// sessions end except `keep` (the one they are using). Audit `staff.password_change`.
    pub async fn change_password(
        &self,
        staff: &StaffUser,
        current: &str,
        password: &str,
        keep: Option<&str>,
    ) -> Result<(), StoreError> {
        let hash = load(self.db(), staff.id).await?.password_hash;
        if !password_matches(current, Some(&hash)).await {
            return Err(Invalid::one("current", "is not your current password").into());
        }
        let hash = chosen(password).await?;
        let txn = self.write().await?;
        replace(&txn, staff.id, hash).await?;
        let ended = end_sessions_of(&txn, staff.id, keep).await?;
        let line = AuditRecord::new("staff.password_change", &staff.email)
            .detail(format!("{ended} other sessions ended"));
        crate::audit::write(&txn, &staff.actor(), &line).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Someone asks for a link to reset the password of `email`, valid for `ttl`. `None`
    /// when no active account has that email (the caller answers the same either way).
    /// Audit `staff.password_reset_request`, by the anonymous visitor who asked.
    pub async fn request_password_reset(
        &self,
        email: &str,
        ttl: Duration,
    ) -> Result<Option<ResetLink>, StoreError> {
        let staff = match self.staff_by_email(email).await {
            Ok(staff) if !staff.disabled => staff,
            Ok(_) | Err(StoreError::NotFound { .. }) => return Ok(None),
            Err(e) => return Err(e),
        };
        let txn = self.write().await?;
        let token = one_time::issue(
            &txn,
            Purpose::PasswordReset,
            Some(staff.id),
            Some(&staff.email),
            None,
            ttl,
        )
        .await?;
        let line =
            AuditRecord::new("staff.password_reset_request", &staff.email).detail("link emailed");
        crate::audit::write(&txn, &Actor::visitor(), &line).await?;
        txn.commit().await?;
        Ok(Some(ResetLink { staff, token }))
    }

    /// Uses a reset link's `token` to set `password`: every session of the account ends and
    /// its failed sign-ins are forgotten (audit `staff.password_reset`). A password that is
    /// not good enough is refused (field `password`) before the link is used, so it keeps
    /// working; a used or expired link is `NotFound`.
    pub async fn reset_password(
        &self,
        token: &str,
        password: &str,
    ) -> Result<StaffUser, StoreError> {
        self.peek_one_time(Purpose::PasswordReset, token).await?;
        let hash = chosen(password).await?;
        let txn = self.write().await?;
        let link = one_time::take(&txn, Purpose::PasswordReset, token).await?;
        let id = link.staff_id.ok_or_else(|| StoreError::not_found("staff account", "(none)"))?;
        let staff = super::accounts::from_row(load(&txn, id).await?);
        replace(&txn, id, hash).await?;
        let ended = end_sessions_of(&txn, id, None).await?;
        super::sign_in::clear(&txn, SIGN_IN_PER_ACCOUNT, &staff.email).await?;
        let line = AuditRecord::new("staff.password_reset", &staff.email)
            .detail(format!("by emailed link; {ended} sessions ended"));
        crate::audit::write(&txn, &staff.actor(), &line).await?;
        txn.commit().await?;
        Ok(staff)
    }
}
