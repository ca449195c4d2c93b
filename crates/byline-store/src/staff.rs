//! Staff accounts.

use crate::entity::staff_user as row;
use crate::{Store, StoreError, write_row};
use byline_core::staff::{Role, StaffInput, StaffUser, verify_password};
use chrono::Utc;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};

fn from_row(m: row::Model) -> StaffUser {
    StaffUser {
        id: m.id,
        email: m.email,
        name: m.name,
        role: m.role.parse().unwrap_or(Role::Contributor),
        disabled: m.disabled,
    }
}

impl Store {
    /// Creates a staff account. There is at most one owner, and one email per account.
    pub async fn create_staff(&self, input: &StaffInput) -> Result<StaffUser, StoreError> {
        let new = input.validate()?;
        let db = self.db();
        if new.role == Role::Owner {
            let owners = row::Entity::find()
                .filter(row::Column::Role.eq(Role::Owner.as_str()))
                .count(db)
                .await?;
            if owners > 0 {
                return Err(StoreError::Conflict(
                    "the publication already has an owner; the owner can transfer ownership".into(),
                ));
            }
        }
        let taken = row::Entity::find().filter(row::Column::Email.eq(&new.email)).count(db).await?;
        if taken > 0 {
            return Err(StoreError::Conflict(format!("{} already has a staff account", new.email)));
        }
        let now = Utc::now();
        let m = row::Model {
            id: 0,
            email: new.email,
            name: new.name,
            role: new.role.as_str().to_owned(),
            password_hash: new.password_hash,
            disabled: false,
            created_at: now,
            updated_at: now,
        };
        Ok(from_row(write_row(db, m, Some(row::Column::Id)).await?))
    }

    /// Every staff account, by name.
    pub async fn staff(&self) -> Result<Vec<StaffUser>, StoreError> {
        let rows = row::Entity::find().order_by_asc(row::Column::Name).all(self.db()).await?;
        Ok(rows.into_iter().map(from_row).collect())
    }

    /// The account with this email and password, or `None` when they do not match an
    /// active account (the same answer for an unknown email and a wrong password).
    pub async fn verify_staff_password(
        &self,
        email: &str,
        password: &str,
    ) -> Result<Option<StaffUser>, StoreError> {
        let found = row::Entity::find()
            .filter(row::Column::Email.eq(email.trim().to_lowercase()))
            .one(self.db())
            .await?;
        // An unknown email costs the same hash check as a wrong password, so the time taken
        // does not tell which emails have accounts.
        static NOBODY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
        let hash = match &found {
            Some(m) => m.password_hash.as_str(),
            None => NOBODY.get_or_init(|| byline_core::staff::hash_password("no account has this")),
        };
        let matches = verify_password(password, hash);
        Ok(found.filter(|m| matches && !m.disabled).map(from_row))
    }
}
