//! Admin API tokens: their rows, listing, checking a presented secret, and making and
//! revoking them (from the command line, or by staff in the admin with an audit line: a role
//! no higher than the maker's and never owner, tied to the maker). The secret is shown once,
//! when made; only its hash is kept.

use crate::entity::{api_token as row, staff_user};
use crate::{Store, StoreError, audit};
use byline_core::Invalid;
use byline_core::audit::{Actor, AuditRecord};
use byline_core::secret::{hash_token, new_token};
use byline_core::staff::{ApiToken, Role};
use chrono::{Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};
use std::collections::HashMap;

/// A token just made: its record and, this once, its secret.
#[derive(Debug, Clone)]
pub struct NewApiToken {
    pub token: ApiToken,
    pub secret: String,
}

fn from_row(m: row::Model) -> ApiToken {
    ApiToken {
        id: m.id,
        name: m.name,
        role: m.role.parse().unwrap_or(Role::Contributor),
        staff_id: m.staff_id,
        created_at: m.created_at,
        last_used_at: m.last_used_at,
        revoked: m.revoked_at.is_some(),
    }
}

/// Secrets start with this, so that a leaked one is recognisable (by secret scanners, too).
pub const PREFIX: &str = "byl_";

impl Store {
    /// Makes a token acting in `role`, for `staff_id` when a staff member makes it.
    pub async fn create_api_token(
        &self,
        name: &str,
        role: Role,
        staff_id: Option<i64>,
    ) -> Result<NewApiToken, StoreError> {
        let txn = self.write().await?;
        let made = insert(&txn, name, role, staff_id).await?;
        txn.commit().await?;
        Ok(made)
    }

    pub async fn api_token(&self, id: i64) -> Result<ApiToken, StoreError> {
        find(self.db(), id).await
    }

    /// Every token, newest first.
    pub async fn api_tokens(&self) -> Result<Vec<ApiToken>, StoreError> {
        let rows = row::Entity::find().order_by_desc(row::Column::Id).all(self.db()).await?;
        Ok(rows.into_iter().map(from_row).collect())
    }

    pub async fn revoke_api_token(&self, id: i64) -> Result<(), StoreError> {
        revoke(self.db(), id).await
    }

    /// Who a bearer secret acts as: the token's role, capped by its maker's current role
    /// (a token cannot outrank the person who made it, nor outlive their account).
    /// `NotFound` for an unknown or revoked secret.
    pub async fn api_actor(&self, secret: &str) -> Result<Actor, StoreError> {
        let m = row::Entity::find()
            .filter(row::Column::TokenHash.eq(hash_token(secret)))
            .filter(row::Column::RevokedAt.is_null())
            .one(self.db())
            .await?
            .ok_or_else(|| StoreError::not_found("API token", "(unknown or revoked)"))?;
        let token = from_row(m.clone());
        let mut actor = Actor {
            staff_id: token.staff_id,
            author_id: None,
            name: format!("API token “{}”", token.name),
            role: token.role,
        };
        if let Some(staff_id) = token.staff_id {
            let staff = staff_user::Entity::find_by_id(staff_id)
                .one(self.db())
                .await?
                .filter(|s| !s.disabled)
                .ok_or_else(|| {
                    StoreError::not_found("API token", "(its maker's account is gone)")
                })?;
            let maker: Role = staff.role.parse().unwrap_or(Role::Contributor);
            actor.role = Ord::min(actor.role, maker);
            actor.author_id = staff.author_id;
        }
        // Note use at most once a minute: a busy client should not write on every call.
        if m.last_used_at.is_none_or(|t| t < Utc::now() - Duration::minutes(1)) {
            row::Entity::update_many()
                .col_expr(row::Column::LastUsedAt, Expr::value(Utc::now()))
                .filter(row::Column::Id.eq(m.id))
                .exec(self.db())
                .await?;
        }
        Ok(actor)
    }
}

/// A token with the name of who made it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TokenListing {
    pub token: ApiToken,
    /// The maker's name, or `command line`.
    pub made_by: String,
}

impl Store {
    /// Every token, newest first, with its maker's name.
    pub async fn token_listings(&self) -> Result<Vec<TokenListing>, StoreError> {
        let names: HashMap<i64, String> =
            self.staff().await?.into_iter().map(|s| (s.id, s.name)).collect();
        Ok(self
            .api_tokens()
            .await?
            .into_iter()
            .map(|token| {
                let made_by = match token.staff_id {
                    Some(id) => names.get(&id).cloned().unwrap_or_else(|| format!("account {id}")),
                    None => "command line".into(),
                };
                TokenListing { token, made_by }
            })
            .collect())
    }

    /// Makes a token for the acting staff member. The role may not be owner, nor above the
    /// maker's own.
    pub async fn issue_api_token(
        &self,
        actor: &Actor,
        name: &str,
        role: Option<Role>,
    ) -> Result<NewApiToken, StoreError> {
        let mut errors = Vec::new();
        if name.trim().is_empty() {
            errors.push(byline_core::FieldError::new("name", "is required"));
        }
        match role {
            None => errors.push(byline_core::FieldError::new("role", "choose a role")),
            Some(Role::Owner) => {
                errors.push(byline_core::FieldError::new("role", "a token cannot act as the owner"))
            }
            Some(r) if r > actor.role => errors.push(byline_core::FieldError::new(
                "role",
                format!("cannot be above your own role ({})", actor.role),
            )),
            Some(_) => {}
        }
        if !errors.is_empty() {
            return Err(Invalid(errors).into());
        }
        let role = role.expect("checked above");
        let txn = self.write().await?;
        let made = insert(&txn, name, role, actor.staff_id).await?;
        let rec =
            AuditRecord::new("token.create", subject(&made.token)).detail(format!("role {role}"));
        audit::write(&txn, actor, &rec).await?;
        txn.commit().await?;
        Ok(made)
    }

    /// Revokes a token, with an audit line in the same transaction.
    pub async fn revoke_api_token_as(&self, actor: &Actor, id: i64) -> Result<(), StoreError> {
        let txn = self.write().await?;
        let token = find(&txn, id).await?;
        revoke(&txn, id).await?;
        audit::write(&txn, actor, &AuditRecord::new("token.revoke", subject(&token))).await?;
        txn.commit().await?;
        Ok(())
    }
}

/// Makes a token acting in `role`, for `staff_id` when a staff member makes it.
pub(crate) async fn insert(
    db: &impl ConnectionTrait,
    name: &str,
    role: Role,
    staff_id: Option<i64>,
) -> Result<NewApiToken, StoreError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(byline_core::Invalid::one("name", "is required").into());
    }
    let secret = format!("{PREFIX}{}", new_token());
    let res = row::Entity::insert(row::ActiveModel {
        name: Set(name.to_owned()),
        role: Set(role.as_str().to_owned()),
        token_hash: Set(hash_token(&secret)),
        staff_id: Set(staff_id),
        created_at: Set(Utc::now()),
        last_used_at: Set(None),
        revoked_at: Set(None),
        ..Default::default()
    })
    .exec(db)
    .await?;
    let token = find(db, res.last_insert_id).await?;
    Ok(NewApiToken { token, secret })
}

async fn find(db: &impl ConnectionTrait, id: i64) -> Result<ApiToken, StoreError> {
    row::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(from_row)
        .ok_or_else(|| StoreError::not_found("API token", id.to_string()))
}

/// Marks a token revoked (once: revoking it again keeps the first time). `NotFound` for an
/// unknown id.
pub(crate) async fn revoke(db: &impl ConnectionTrait, id: i64) -> Result<(), StoreError> {
    let res = row::Entity::update_many()
        .col_expr(row::Column::RevokedAt, Expr::value(Utc::now()))
        .filter(row::Column::Id.eq(id))
        .filter(row::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    if res.rows_affected == 0 {
        find(db, id).await?;
    }
    Ok(())
}

fn subject(t: &ApiToken) -> String {
    format!("API token {} “{}”", t.id, t.name)
}
