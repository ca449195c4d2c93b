//! Staff accounts themselves: an account's row as a [`StaffUser`], finding accounts, adding
//! one, checking a password, and renaming. What the other staff use cases share lives here
//! too, so that they import this module and never each other.

use crate::entity::{author, staff_user as row};
use crate::{Store, StoreError, write_row};
use byline_core::audit::{Actor, AuditRecord};
use byline_core::staff::{NewStaff, Role, StaffInput, StaffUser, hash_password, verify_password};
use byline_core::{AuthorInput, Invalid, slugify};
use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};

pub(super) fn from_row(m: row::Model) -> StaffUser {
    StaffUser {
        id: m.id,
        email: m.email,
        name: m.name,
        role: m.role.parse().unwrap_or(Role::Contributor),
        disabled: m.disabled,
        author_id: m.author_id,
    }
}

/// The account `id` as it is inside the caller's transaction.
pub(super) async fn load(db: &impl ConnectionTrait, id: i64) -> Result<row::Model, StoreError> {
    row::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| StoreError::not_found("staff account", id.to_string()))
}

/// The account with `email` (any case), inside the caller's transaction.
pub(super) async fn by_email(
    db: &impl ConnectionTrait,
    email: &str,
) -> Result<Option<row::Model>, StoreError> {
    Ok(row::Entity::find()
        .filter(row::Column::Email.eq(email.trim().to_lowercase()))
        .one(db)
        .await?)
}

/// Checks an account as typed (hashing its password, off the async workers).
pub(super) async fn validated(input: &StaffInput) -> Result<NewStaff, StoreError> {
    let owned = input.clone();
    Ok(tokio::task::spawn_blocking(move || owned.validate()).await.map_err(hashing_failed)??)
}

/// An argon2id hash of `password`, computed off the async workers.
pub(super) async fn hashed(password: &str) -> Result<String, StoreError> {
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || hash_password(&password)).await.map_err(hashing_failed)
}

fn hashing_failed(e: tokio::task::JoinError) -> StoreError {
    StoreError::Database(sea_orm::DbErr::Custom(format!("password hashing failed: {e}")))
}

/// Does `password` match `hash`? With no hash (no such account) it costs the same check
/// against a made-up hash, so the time taken does not tell which emails have accounts.
/// Argon2 is deliberately slow: it runs off the async workers so sign-ins cannot stall the
/// site.
pub(super) async fn password_matches(password: &str, hash: Option<&str>) -> bool {
    static NOBODY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let hash = hash.unwrap_or_else(|| NOBODY.get_or_init(|| hash_password("no account has this")));
    let (password, hash) = (password.to_owned(), hash.to_owned());
    tokio::task::spawn_blocking(move || verify_password(&password, &hash)).await.unwrap_or(false)
}

/// Adds a checked account in the caller's transaction. There is at most one owner, and one
/// email per account. The account writes under the author profile with its name's slug
/// (made a staff author if it was a guest), or a new profile.
pub(super) async fn insert(
    db: &impl ConnectionTrait,
    new: NewStaff,
) -> Result<StaffUser, StoreError> {
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
    let author_id = profile_for(db, &new.name).await?;
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
    match write_row(db, m, Some(row::Column::Id)).await {
        Ok(m) => Ok(from_row(m)),
        Err(e) if matches!(e.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_))) => {
            Err(StoreError::Conflict(
                "that email already has an account, or the publication already has its owner"
                    .into(),
            ))
        }
        Err(e) => Err(e.into()),
    }
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

impl Store {
    /// Adds a staff account as the command line does (`byline user add`), with its audit
    /// line `staff.add`. See [`Store::add_staff`] for the rules.
    pub async fn create_staff(&self, input: &StaffInput) -> Result<StaffUser, StoreError> {
        self.add_staff(&Actor::command_line(), input).await
    }

    /// Adds a staff account for `actor`, with its audit line (`staff.add`). There is at most
    /// one owner, and one email per account.
    pub async fn add_staff(
        &self,
        actor: &Actor,
        input: &StaffInput,
    ) -> Result<StaffUser, StoreError> {
        let new = validated(input).await?;
        let txn = self.write().await?;
        let user = insert(&txn, new).await?;
        let line = AuditRecord::new("staff.add", &user.email).detail(user.role.as_str());
        crate::audit::write(&txn, actor, &line).await?;
        txn.commit().await?;
        Ok(user)
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
        load(self.db(), id).await.map(from_row)
    }

    pub async fn staff_by_email(&self, email: &str) -> Result<StaffUser, StoreError> {
        by_email(self.db(), email)
            .await?
            .map(from_row)
            .ok_or_else(|| StoreError::not_found("staff account", email))
    }

    /// The account with this email and password, or `None` when they do not match an
    /// active account (the same answer, in the same time, for an unknown email and a wrong
    /// password).
    pub async fn verify_staff_password(
        &self,
        email: &str,
        password: &str,
    ) -> Result<Option<StaffUser>, StoreError> {
        let found = by_email(self.db(), email).await?;
        let matches =
            password_matches(password, found.as_ref().map(|m| m.password_hash.as_str())).await;
        Ok(found.filter(|m| matches && !m.disabled).map(from_row))
    }

    /// `staff` renames their own account (the name shown in the admin and the audit log),
    /// with the audit line `staff.rename`.
    pub async fn rename_staff(&self, staff: &StaffUser, name: &str) -> Result<(), StoreError> {
        let name = name.trim();
        if name.is_empty() {
            return Err(Invalid::one("name", "is required").into());
        }
        let txn = self.write().await?;
        let res = row::Entity::update_many()
            .col_expr(row::Column::Name, Expr::value(name))
            .col_expr(row::Column::UpdatedAt, Expr::value(Utc::now()))
            .filter(row::Column::Id.eq(staff.id))
            .exec(&txn)
            .await?;
        if res.rows_affected == 0 {
            return Err(StoreError::not_found("staff account", staff.id.to_string()));
        }
        let line = AuditRecord::new("staff.rename", &staff.email).detail(name);
        crate::audit::write(&txn, &staff.actor(), &line).await?;
        txn.commit().await?;
        Ok(())
    }
}
