//! One-time tokens behind links: the owner's setup link, password resets and invitations.
//! Only a token's hash is stored; using one marks it used in the same statement that checks
//! it, so a link works once even when two nodes receive it at the same moment.

use crate::entity::one_time_token as row;
use crate::{Store, StoreError};
use byline_core::secret::{hash_token, new_token};
use byline_core::staff::Role;
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};

/// What a one-time link is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Creates the owner's account on an empty publication.
    Setup,
    /// Sets a new password for `staff_id`.
    PasswordReset,
    /// Creates an account for `email` with `role`.
    Invitation,
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Purpose::Setup => "setup",
            Purpose::PasswordReset => "reset",
            Purpose::Invitation => "invite",
        }
    }
}

/// A token's stored facts (never the token itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OneTime {
    pub id: i64,
    pub staff_id: Option<i64>,
    pub email: Option<String>,
    pub role: Option<Role>,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

fn from_row(m: row::Model) -> OneTime {
    OneTime {
        id: m.id,
        staff_id: m.staff_id,
        email: m.email,
        role: m.role.and_then(|r| r.parse().ok()),
        created_at: m.created_at,
        expires_at: m.expires_at,
    }
}

impl Store {
    /// Makes a token for `purpose`, valid for `ttl`; returns the token (to put in a link).
    pub async fn issue_one_time(
        &self,
        purpose: Purpose,
        staff_id: Option<i64>,
        email: Option<&str>,
        role: Option<Role>,
        ttl: Duration,
    ) -> Result<String, StoreError> {
        issue(self.db(), purpose, staff_id, email, role, ttl).await
    }

    /// What a still-valid, unused token stands for, without using it (to show a form).
    pub async fn peek_one_time(
        &self,
        purpose: Purpose,
        token: &str,
    ) -> Result<OneTime, StoreError> {
        find(self.db(), purpose, token).await
    }

    /// Unused, unexpired tokens for `purpose`, newest first (pending invitations).
    pub async fn pending_one_time(&self, purpose: Purpose) -> Result<Vec<OneTime>, StoreError> {
        Ok(pending(purpose)
            .order_by_desc(row::Column::Id)
            .all(self.db())
            .await?
            .into_iter()
            .map(from_row)
            .collect())
    }
}

/// Unused, unexpired tokens for `purpose`.
fn pending(purpose: Purpose) -> sea_orm::Select<row::Entity> {
    row::Entity::find()
        .filter(row::Column::Purpose.eq(purpose.as_str()))
        .filter(row::Column::UsedAt.is_null())
        .filter(row::Column::ExpiresAt.gt(Utc::now()))
}

async fn find(
    db: &impl ConnectionTrait,
    purpose: Purpose,
    token: &str,
) -> Result<OneTime, StoreError> {
    pending(purpose)
        .filter(row::Column::TokenHash.eq(hash_token(token)))
        .one(db)
        .await?
        .map(from_row)
        .ok_or_else(|| StoreError::not_found("link", "(expired, used or unknown)"))
}

/// Makes a token in the caller's transaction (see [`Store::issue_one_time`]).
pub(super) async fn issue(
    db: &impl ConnectionTrait,
    purpose: Purpose,
    staff_id: Option<i64>,
    email: Option<&str>,
    role: Option<Role>,
    ttl: Duration,
) -> Result<String, StoreError> {
    let token = new_token();
    let now = Utc::now();
    row::Entity::insert(row::ActiveModel {
        token_hash: Set(hash_token(&token)),
        purpose: Set(purpose.as_str().to_owned()),
        staff_id: Set(staff_id),
        email: Set(email.map(|e| e.trim().to_lowercase())),
        role: Set(role.map(|r| r.as_str().to_owned())),
        created_at: Set(now),
        expires_at: Set(now + ttl),
        used_at: Set(None),
        ..Default::default()
    })
    .exec_without_returning(db)
    .await?;
    Ok(token)
}

/// Uses a token in the caller's transaction: exactly one caller succeeds, however many try
/// at once; a rolled-back transaction leaves the link working.
pub(super) async fn take(
    db: &impl ConnectionTrait,
    purpose: Purpose,
    token: &str,
) -> Result<OneTime, StoreError> {
    let found = find(db, purpose, token).await?;
    let res = row::Entity::update_many()
        .col_expr(row::Column::UsedAt, Expr::value(Utc::now()))
        .filter(row::Column::Id.eq(found.id))
        .filter(row::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    if res.rows_affected == 1 {
        Ok(found)
    } else {
        Err(StoreError::not_found("link", "(already used)"))
    }
}

/// Withdraws the pending token `id` for `purpose` in the caller's transaction; returns what
/// it stood for.
pub(super) async fn withdraw(
    db: &impl ConnectionTrait,
    purpose: Purpose,
    id: i64,
) -> Result<OneTime, StoreError> {
    let found = pending(purpose)
        .filter(row::Column::Id.eq(id))
        .one(db)
        .await?
        .map(from_row)
        .ok_or_else(|| StoreError::not_found("invitation", id.to_string()))?;
    row::Entity::update_many()
        .col_expr(row::Column::UsedAt, Expr::value(Utc::now()))
        .filter(row::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(found)
}

/// Marks every unused token for `purpose` and `staff_id` used (in the caller's transaction).
pub(super) async fn void_for(
    db: &impl ConnectionTrait,
    purpose: Purpose,
    staff_id: i64,
) -> Result<(), StoreError> {
    row::Entity::update_many()
        .col_expr(row::Column::UsedAt, Expr::value(Utc::now()))
        .filter(row::Column::Purpose.eq(purpose.as_str()))
        .filter(row::Column::StaffId.eq(staff_id))
        .filter(row::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}
