//! Integrations (the Ghost-compatible Content API's keys): making one (a content key and an
//! Admin API token together), listing, finding one by its key, revoking. Making and revoking
//! are audited and drop every cached Content API answer (tag [`INTEGRATIONS_TAG`]), so a
//! revoked key stops working at once, cached answers included.

use crate::entity::integration as row;
use crate::{NewApiToken, Store, StoreError, api_tokens, audit, changes};
use byline_core::audit::{Actor, AuditRecord};
use byline_core::integration::{Integration, looks_like_content_key, new_content_key};
use byline_core::staff::Role;
use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};

/// The cache tag every Content API answer carries: writes to integrations log it.
pub const INTEGRATIONS_TAG: &str = "integrations";

/// An integration just made, with its Admin API token's secret (shown this once).
#[derive(Debug, Clone)]
pub struct NewIntegration {
    pub integration: Integration,
    pub admin_token: NewApiToken,
}

fn from_row(m: row::Model) -> Integration {
    Integration {
        id: m.id,
        name: m.name,
        content_key: m.content_key,
        api_token_id: m.api_token_id,
        created_at: m.created_at,
        revoked: m.revoked_at.is_some(),
    }
}

impl Store {
    /// Makes an integration: a Content API key and an Admin API token acting as an
    /// administrator (or the maker's own role, if lower), in one audited transaction.
    pub async fn create_integration(
        &self,
        actor: &Actor,
        name: &str,
    ) -> Result<NewIntegration, StoreError> {
        let name = name.trim();
        if name.is_empty() {
            return Err(byline_core::Invalid::one("name", "is required").into());
        }
        if name.chars().count() > 191 {
            return Err(byline_core::Invalid::one("name", "is longer than 191 characters").into());
        }
        let role = Ord::min(actor.role, Role::Administrator);
        let txn = self.write().await?;
        let token_name = format!("Integration “{name}”");
        let admin_token = api_tokens::insert(&txn, &token_name, role, actor.staff_id).await?;
        let res = row::Entity::insert(row::ActiveModel {
            name: Set(name.to_owned()),
            content_key: Set(new_content_key()),
            api_token_id: Set(Some(admin_token.token.id)),
            created_at: Set(Utc::now()),
            revoked_at: Set(None),
            ..Default::default()
        })
        .exec(&txn)
        .await?;
        let integration = find(&txn, res.last_insert_id).await?;
        let rec = AuditRecord::new("integration.create", subject(&integration))
            .detail(format!("Admin API token {} ({role})", admin_token.token.id));
        audit::write(&txn, actor, &rec).await?;
        changes::log(&txn, &[INTEGRATIONS_TAG.to_owned()]).await?;
        txn.commit().await?;
        Ok(NewIntegration { integration, admin_token })
    }

    /// Every integration, newest first (revoked ones too).
    pub async fn integrations(&self) -> Result<Vec<Integration>, StoreError> {
        let rows = row::Entity::find().order_by_desc(row::Column::Id).all(self.db()).await?;
        Ok(rows.into_iter().map(from_row).collect())
    }

    /// The live integration a Content API key belongs to. `NotFound` for a malformed,
    /// unknown or revoked key.
    pub async fn integration_by_key(&self, key: &str) -> Result<Integration, StoreError> {
        let missing = || StoreError::not_found("integration", "(unknown or revoked key)");
        if !looks_like_content_key(key) {
            return Err(missing());
        }
        row::Entity::find()
            .filter(row::Column::ContentKey.eq(key.to_ascii_lowercase()))
            .filter(row::Column::RevokedAt.is_null())
            .one(self.db())
            .await?
            .map(from_row)
            .ok_or_else(missing)
    }

    /// Revokes an integration and its Admin API token, audited; its key stops working at
    /// once (cached answers are dropped). Revoking twice keeps the first time.
    pub async fn revoke_integration(&self, actor: &Actor, id: i64) -> Result<(), StoreError> {
        let txn = self.write().await?;
        let integration = find(&txn, id).await?;
        row::Entity::update_many()
            .col_expr(row::Column::RevokedAt, Expr::value(Utc::now()))
            .filter(row::Column::Id.eq(id))
            .filter(row::Column::RevokedAt.is_null())
            .exec(&txn)
            .await?;
        if let Some(token) = integration.api_token_id {
            match api_tokens::revoke(&txn, token).await {
                Ok(()) | Err(StoreError::NotFound { .. }) => {}
                Err(e) => return Err(e),
            }
        }
        audit::write(&txn, actor, &AuditRecord::new("integration.revoke", subject(&integration)))
            .await?;
        changes::log(&txn, &[INTEGRATIONS_TAG.to_owned()]).await?;
        txn.commit().await?;
        Ok(())
    }
}

async fn find(db: &impl ConnectionTrait, id: i64) -> Result<Integration, StoreError> {
    row::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(from_row)
        .ok_or_else(|| StoreError::not_found("integration", id.to_string()))
}

fn subject(i: &Integration) -> String {
    format!("integration {} “{}”", i.id, i.name)
}
