//! Managing other people's accounts (administrators and the owner): role changes,
//! disabling and enabling, and the owner's transfer of ownership. Each is one transaction
//! with its audit line, whether the admin or the command line asks.

use super::accounts::{from_row, load, password_matches};
use super::refused::{AccountError, require};
use crate::entity::staff_user as row;
use crate::{Store, StoreError};
use byline_core::accounts::{check_assignable, check_manageable};
use byline_core::audit::{Actor, AuditRecord};
use byline_core::staff::{Action, Role, StaffUser};
use byline_core::{FieldError, Invalid};
use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

/// The account `id`, if `actor` may manage it (see [`check_manageable`]).
async fn manageable(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: i64,
) -> Result<StaffUser, AccountError> {
    require(actor, Action::ManageStaff)?;
    let target = from_row(load(db, id).await?);
    check_manageable(actor, &target).map_err(AccountError::Refused)?;
    Ok(target)
}

async fn set(
    db: &impl ConnectionTrait,
    id: i64,
    column: row::Column,
    value: impl Into<sea_orm::Value>,
) -> Result<(), StoreError> {
    row::Entity::update_many()
        .col_expr(column, Expr::value(value))
        .col_expr(row::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(row::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

impl Store {
    /// `actor` gives the account `id` another role, never above their own nor the owner's
    /// (audit `staff.role`: "editor to author"). The role it already has changes nothing.
    pub async fn change_staff_role(
        &self,
        actor: &Actor,
        id: i64,
        role: Role,
    ) -> Result<StaffUser, AccountError> {
        require(actor, Action::ManageStaff)?;
        check_assignable(actor.role, role)?;
        let txn = self.write().await?;
        let target = manageable(&txn, actor, id).await?;
        if target.role == role {
            return Ok(target);
        }
        set(&txn, id, row::Column::Role, role.as_str()).await?;
        let line = AuditRecord::new("staff.role", &target.email)
            .detail(format!("{} to {role}", target.role));
        crate::audit::write(&txn, actor, &line).await?;
        txn.commit().await?;
        Ok(StaffUser { role, ..target })
    }

    /// `actor` disables the account `id` (it can no longer sign in, and its sessions end:
    /// audit `staff.disable`) or enables it again (`staff.enable`).
    pub async fn set_staff_disabled(
        &self,
        actor: &Actor,
        id: i64,
        disabled: bool,
    ) -> Result<StaffUser, AccountError> {
        let txn = self.write().await?;
        let target = manageable(&txn, actor, id).await?;
        set(&txn, id, row::Column::Disabled, disabled).await?;
        let line = if disabled {
            let ended = super::sessions::end_sessions_of(&txn, id, None).await?;
            AuditRecord::new("staff.disable", &target.email)
                .detail(format!("{ended} sessions ended"))
        } else {
            AuditRecord::new("staff.enable", &target.email)
        };
        crate::audit::write(&txn, actor, &line).await?;
        txn.commit().await?;
        Ok(StaffUser { disabled, ..target })
    }

    /// The owner hands ownership to the active account `to`, after typing their `password`
    /// again; the owner becomes an administrator (audit `staff.transfer_ownership`). One
    /// transaction: there is never no owner, nor two. Fields `to` and `password` name what
    /// is wrong; returns the new owner.
    pub async fn transfer_ownership(
        &self,
        owner: &StaffUser,
        to: Option<i64>,
        password: &str,
    ) -> Result<StaffUser, AccountError> {
        require(&owner.actor(), Action::TransferOwnership)?;
        let hash = load(self.db(), owner.id).await?.password_hash;
        let mut wrong = Vec::new();
        if !password_matches(password, Some(&hash)).await {
            wrong.push(FieldError::new("password", "is not your password"));
        }
        let txn = self.write().await?;
        let heir = match to.filter(|id| *id != owner.id) {
            Some(id) => load(&txn, id).await.ok().map(from_row).filter(|s| !s.disabled),
            None => None,
        };
        if heir.is_none() {
            wrong.insert(0, FieldError::new("to", "choose an active staff member"));
        }
        let Some(heir) = heir.filter(|_| wrong.is_empty()) else {
            return Err(Invalid(wrong).into());
        };
        if load(&txn, owner.id).await?.role != Role::Owner.as_str() {
            return Err(AccountError::Refused("only the owner can transfer ownership".into()));
        }
        set(&txn, owner.id, row::Column::Role, Role::Administrator.as_str()).await?;
        set(&txn, heir.id, row::Column::Role, Role::Owner.as_str()).await?;
        let line = AuditRecord::new("staff.transfer_ownership", &heir.email)
            .detail(format!("from {}", owner.email));
        crate::audit::write(&txn, &owner.actor(), &line).await?;
        txn.commit().await?;
        Ok(StaffUser { role: Role::Owner, ..heir })
    }
}
