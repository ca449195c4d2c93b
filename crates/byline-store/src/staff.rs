//! Staff accounts: who may sign in, with which role, writing under which author profile.

use crate::entity::{author, staff_user as row};
use crate::{Store, StoreError, write_row};
use byline_core::staff::{Role, StaffInput, StaffUser, hash_password, verify_password};
use byline_core::{AuthorInput, slugify};
use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter, QueryOrder,
};

fn from_row(m: row::Model) -> StaffUser {
    StaffUser {
        id: m.id,
        email: m.email,
        name: m.name,
        role: m.role.parse().unwrap_or(Role::Contributor),
        disabled: m.disabled,
        author_id: m.author_id,
    }
}

impl Store {
    /// Creates a staff account. There is at most one owner, and one email per account. The
    /// account writes under the author profile with its name's slug (made a staff author if
    /// it was a guest), or a new profile.
    pub async fn create_staff(&self, input: &StaffInput) -> Result<StaffUser, StoreError> {
        // Validating hashes the password: seconds of CPU under load, off the async workers.
        let owned = input.clone();
        let new = tokio::task::spawn_blocking(move || owned.validate()).await.map_err(|e| {
            StoreError::Database(sea_orm::DbErr::Custom(format!("password hashing failed: {e}")))
        })??;
        let txn = self.write().await?;
        if new.role == Role::Owner {
            let owners = row::Entity::find()
                .filter(row::Column::Role.eq(Role::Owner.as_str()))
                .count(&txn)
                .await?;
            if owners > 0 {
                return Err(StoreError::Conflict(
                    "the publication already has an owner; the owner can transfer ownership".into(),
                ));
            }
        }
        let taken =
            row::Entity::find().filter(row::Column::Email.eq(&new.email)).count(&txn).await?;
        if taken > 0 {
            return Err(StoreError::Conflict(format!("{} already has a staff account", new.email)));
        }
        let author_id = profile_for(&txn, &new.name).await?;
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
            author_id: Some(author_id),
        };
        let saved = match write_row(&txn, m, Some(row::Column::Id)).await {
            Ok(m) => from_row(m),
            Err(e)
                if matches!(e.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_))) =>
            {
                return Err(StoreError::Conflict(
                    "that email already has an account, or the publication already has its owner"
                        .into(),
                ));
            }
            Err(e) => return Err(e.into()),
        };
        txn.commit().await?;
        Ok(saved)
    }

    /// Every staff account, by name.
    pub async fn staff(&self) -> Result<Vec<StaffUser>, StoreError> {
        let rows = row::Entity::find().order_by_asc(row::Column::Name).all(self.db()).await?;
        Ok(rows.into_iter().map(from_row).collect())
    }

    /// How many staff accounts there are (none: the publication still needs its owner).
    pub async fn staff_count(&self) -> Result<u64, StoreError> {
        Ok(row::Entity::find().count(self.db()).await?)
    }

    pub async fn staff_by_id(&self, id: i64) -> Result<StaffUser, StoreError> {
        row::Entity::find_by_id(id)
            .one(self.db())
            .await?
            .map(from_row)
            .ok_or_else(|| StoreError::not_found("staff account", id.to_string()))
    }

    pub async fn staff_by_email(&self, email: &str) -> Result<StaffUser, StoreError> {
        row::Entity::find()
            .filter(row::Column::Email.eq(email.trim().to_lowercase()))
            .one(self.db())
            .await?
            .map(from_row)
            .ok_or_else(|| StoreError::not_found("staff account", email))
    }

    /// Sets a new password. Links sent to reset the old one stop working: whoever holds
    /// one no longer needs it.
    pub async fn set_staff_password(&self, id: i64, password: &str) -> Result<(), StoreError> {
        byline_core::accounts::check_password(password)?;
        let hash = hashed(password).await?;
        let txn = self.write().await?;
        let res = row::Entity::update_many()
            .col_expr(row::Column::PasswordHash, Expr::value(hash))
            .col_expr(row::Column::UpdatedAt, Expr::value(Utc::now()))
            .filter(row::Column::Id.eq(id))
            .exec(&txn)
            .await?;
        if res.rows_affected == 0 {
            return Err(StoreError::not_found("staff account", id.to_string()));
        }
        crate::one_time::void_for(&txn, crate::Purpose::PasswordReset, id).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Changes an account's role or disables it. The owner's role changes only through
    /// [`Store::transfer_ownership`].
    pub async fn update_staff(
        &self,
        id: i64,
        role: Role,
        disabled: bool,
    ) -> Result<StaffUser, StoreError> {
        let found = row::Entity::find_by_id(id)
            .one(self.db())
            .await?
            .ok_or_else(|| StoreError::not_found("staff account", id.to_string()))?;
        let was_owner = found.role == Role::Owner.as_str();
        if was_owner && (role != Role::Owner || disabled) {
            return Err(StoreError::Conflict(
                "the owner stays the owner until they transfer ownership to someone else".into(),
            ));
        }
        if !was_owner && role == Role::Owner {
            return Err(StoreError::Conflict(
                "only the owner can make someone the owner, by transferring ownership".into(),
            ));
        }
        let mut am = found.into_active_model();
        am.role = sea_orm::ActiveValue::Set(role.as_str().to_owned());
        am.disabled = sea_orm::ActiveValue::Set(disabled);
        am.updated_at = sea_orm::ActiveValue::Set(Utc::now());
        Ok(from_row(am.update(self.db()).await?))
    }

    /// Hands ownership from the owner `from` to `to`, who becomes the owner; `from` becomes
    /// an administrator. One transaction: there is never no owner, nor two.
    pub async fn transfer_ownership(&self, from: i64, to: i64) -> Result<(), StoreError> {
        let txn = self.write().await?;
        let owner = row::Entity::find_by_id(from)
            .one(&txn)
            .await?
            .ok_or_else(|| StoreError::not_found("staff account", from.to_string()))?;
        if owner.role != Role::Owner.as_str() {
            return Err(StoreError::Conflict("only the owner can transfer ownership".into()));
        }
        let heir = row::Entity::find_by_id(to)
            .one(&txn)
            .await?
            .ok_or_else(|| StoreError::not_found("staff account", to.to_string()))?;
        if heir.disabled {
            return Err(StoreError::Conflict(format!(
                "{} is disabled; enable the account before making it the owner",
                heir.email
            )));
        }
        for (id, role) in [(from, Role::Administrator), (to, Role::Owner)] {
            row::Entity::update_many()
                .col_expr(row::Column::Role, Expr::value(role.as_str()))
                .col_expr(row::Column::UpdatedAt, Expr::value(Utc::now()))
                .filter(row::Column::Id.eq(id))
                .exec(&txn)
                .await?;
        }
        txn.commit().await?;
        Ok(())
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
        let (password, hash) = (password.to_owned(), hash.to_owned());
        // Argon2 is deliberately slow: run it off the async workers so sign-ins cannot stall
        // the site.
        let matches = tokio::task::spawn_blocking(move || verify_password(&password, &hash))
            .await
            .unwrap_or(false);
        Ok(found.filter(|m| matches && !m.disabled).map(from_row))
    }
}

/// An argon2id hash of `password`, computed off the async workers.
async fn hashed(password: &str) -> Result<String, StoreError> {
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || hash_password(&password)).await.map_err(|e| {
        StoreError::Database(sea_orm::DbErr::Custom(format!("password hashing failed: {e}")))
    })
}

/// The author profile a new account writes under: the one with its name's slug, else new.
async fn profile_for(db: &impl ConnectionTrait, name: &str) -> Result<i64, StoreError> {
    let slug = slugify(name);
    if let Some(a) = author::Entity::find().filter(author::Column::Slug.eq(&slug)).one(db).await? {
        if a.guest {
            author::Entity::update_many()
                .col_expr(author::Column::Guest, Expr::value(false))
                .filter(author::Column::Id.eq(a.id))
                .exec(db)
                .await?;
        }
        return Ok(a.id);
    }
    let input = AuthorInput { name: name.to_owned(), slug: Some(slug), ..Default::default() };
    Ok(crate::authors::save_author(db, &input).await?.value.id)
}
