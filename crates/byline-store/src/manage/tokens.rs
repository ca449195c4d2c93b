//! API tokens made by staff in the admin: a role no higher than the maker's and never owner,
//! tied to the maker, with audit lines for making and revoking.

use crate::{NewApiToken, Store, StoreError, audit};
use byline_core::Invalid;
use byline_core::audit::{Actor, AuditRecord};
use byline_core::staff::{ApiToken, Role};
use std::collections::HashMap;

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
        let made = self.create_api_token(name, role, actor.staff_id).await?;
        let rec =
            AuditRecord::new("token.create", subject(&made.token)).detail(format!("role {role}"));
        audit::write(self.db(), actor, &rec).await?;
        Ok(made)
    }

    /// Revokes a token, with an audit line.
    pub async fn revoke_api_token_as(&self, actor: &Actor, id: i64) -> Result<(), StoreError> {
        let token = self.api_token(id).await?;
        self.revoke_api_token(id).await?;
        audit::write(self.db(), actor, &AuditRecord::new("token.revoke", subject(&token))).await?;
        Ok(())
    }
}

fn subject(t: &ApiToken) -> String {
    format!("API token {} “{}”", t.id, t.name)
}
