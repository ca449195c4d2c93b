//! Joining the newsroom by a link: the owner's one-time setup link on an empty publication,
//! and invitations (a staff manager invites an email with a role; the invitee chooses a name
//! and password). Using a link, adding the account and the audit lines are one transaction,
//! so a refused account leaves the link working.

use super::accounts::{by_email, insert, validated};
use super::one_time::{self, OneTime, Purpose};
use super::refused::{AccountError, require};
use super::sign_in::note_sign_in;
use crate::{Store, StoreError};
use byline_core::accounts::{check_assignable, check_email};
use byline_core::audit::{Actor, AuditRecord};
use byline_core::staff::{Action, Role, StaffInput, StaffUser};
use byline_core::{FieldError, Invalid};
use chrono::Duration;

/// An invitation made: who is invited, as what, and the token for their link.
#[derive(Debug, Clone)]
pub struct Invitation {
    pub email: String,
    pub role: Role,
    /// The token to put in the link (only its hash is kept).
    pub token: String,
}

impl Store {
    /// The owner's account, made through the setup link `token` on a publication with no
    /// staff yet, and signed in (audit `staff.setup` and `session.sign_in`). The role given
    /// in `input` is ignored: this makes the owner. A used or expired link is `NotFound`;
    /// bad fields are refused before the link is used.
    pub async fn setup_owner(
        &self,
        token: &str,
        input: &StaffInput,
    ) -> Result<StaffUser, StoreError> {
        let input = StaffInput { role: Some(Role::Owner), ..input.clone() };
        let new = validated(&input).await?;
        let txn = self.write().await?;
        one_time::take(&txn, Purpose::Setup, token).await?;
        let owner = insert(&txn, new).await?;
        let line = AuditRecord::new("staff.setup", &owner.email).detail("owner");
        crate::audit::write(&txn, &owner.actor(), &line).await?;
        note_sign_in(&txn, &owner).await?;
        txn.commit().await?;
        Ok(owner)
    }

    /// `actor` invites `email` to join as `role` (never owner, never above their own), for
    /// `ttl` (audit `invitation.create`). Fields `email` and `role` say what is wrong,
    /// together.
    pub async fn invite(
        &self,
        actor: &Actor,
        email: &str,
        role: &str,
        ttl: Duration,
    ) -> Result<Invitation, AccountError> {
        require(actor, Action::ManageStaff)?;
        let mut wrong: Vec<FieldError> = Vec::new();
        let email = check_email(email).map_err(|i| wrong.extend(i.0)).ok();
        let role = match role.parse::<Role>() {
            Ok(r) => {
                check_assignable(actor.role, r).map(|()| r).map_err(|i| wrong.extend(i.0)).ok()
            }
            Err(e) => {
                wrong.push(FieldError::new("role", e));
                None
            }
        };
        let txn = self.write().await?;
        if let Some(e) = &email
            && by_email(&txn, e).await?.is_some()
        {
            wrong.push(FieldError::new("email", format!("{e} already has a staff account")));
        }
        let (Some(email), Some(role), true) = (email, role, wrong.is_empty()) else {
            return Err(Invalid(wrong).into());
        };
        let token =
            one_time::issue(&txn, Purpose::Invitation, None, Some(&email), Some(role), ttl).await?;
        let line = AuditRecord::new("invitation.create", &email).detail(role.as_str());
        crate::audit::write(&txn, actor, &line).await?;
        txn.commit().await?;
        Ok(Invitation { email, role, token })
    }

    /// `actor` withdraws the pending invitation `id` (audit `invitation.revoke`).
    pub async fn revoke_invitation(&self, actor: &Actor, id: i64) -> Result<OneTime, AccountError> {
        require(actor, Action::ManageStaff)?;
        let txn = self.write().await?;
        let invitation = one_time::withdraw(&txn, Purpose::Invitation, id).await?;
        let line = AuditRecord::new("invitation.revoke", invitation.email.as_deref().unwrap_or(""));
        crate::audit::write(&txn, actor, &line).await?;
        txn.commit().await?;
        Ok(invitation)
    }

    /// The invitee of `token` joins with their `name` and `password`, as the email and role
    /// they were invited with, and is signed in (audit `staff.join` and `session.sign_in`).
    /// A used, withdrawn or expired invitation is `NotFound`; bad fields are refused before
    /// the link is used.
    pub async fn accept_invitation(
        &self,
        token: &str,
        name: &str,
        password: &str,
    ) -> Result<StaffUser, StoreError> {
        let invitation = self.peek_one_time(Purpose::Invitation, token).await?;
        let role = invitation.role.unwrap_or(Role::Contributor);
        let input = StaffInput {
            email: invitation.email.unwrap_or_default(),
            name: name.to_owned(),
            role: Some(role),
            password: password.to_owned(),
        };
        let new = validated(&input).await?;
        let txn = self.write().await?;
        one_time::take(&txn, Purpose::Invitation, token).await?;
        let staff = insert(&txn, new).await?;
        let line = AuditRecord::new("staff.join", &staff.email).detail(role.as_str());
        crate::audit::write(&txn, &staff.actor(), &line).await?;
        note_sign_in(&txn, &staff).await?;
        txn.commit().await?;
        Ok(staff)
    }
}
