//! Staff management (administrators and the owner): the accounts with their roles and
//! two-factor state, role changes, disabling, invitations (see [`super::invitations`]), and
//! the owner's transfer of ownership.

use super::frame::{Layout, SignedIn, flash, render};
use crate::{AppState, WebError};
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use byline_core::accounts::{assignable_roles, check_assignable, check_manageable};
use byline_core::audit::AuditRecord;
use byline_core::staff::{Action, Role};
use byline_store::Purpose;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Serialize)]
pub(crate) struct Member {
    id: i64,
    name: String,
    email: String,
    role: String,
    two_factor: bool,
    disabled: bool,
    /// May the viewer change this account's role or disable it?
    manageable: bool,
    you: bool,
}

#[derive(Serialize)]
pub(crate) struct Invitation {
    id: i64,
    email: String,
    role: String,
    expires: String,
}

#[derive(Serialize)]
pub(crate) struct Heir {
    id: i64,
    name: String,
}

#[derive(Serialize, Default)]
pub(crate) struct StaffPage {
    pub(crate) members: Vec<Member>,
    pub(crate) invitations: Vec<Invitation>,
    /// Roles the viewer may give.
    pub(crate) roles: Vec<String>,
    /// What was typed into the invitation form.
    pub invite_email: String,
    pub invite_role: String,
    /// Who could become the owner (only the owner sees these).
    pub(crate) heirs: Vec<Heir>,
    pub errors: BTreeMap<String, String>,
}

/// The staff page; `page` carries what was typed and the field errors, if any.
pub(crate) async fn render_page(
    state: &AppState,
    who: &SignedIn,
    mut page: StaffPage,
) -> Result<Response, WebError> {
    let two_factor = state.store.two_factor_accounts().await?;
    let staff = state.store.staff().await?;
    page.members = staff
        .iter()
        .map(|s| Member {
            id: s.id,
            name: s.name.clone(),
            email: s.email.clone(),
            role: s.role.to_string(),
            two_factor: two_factor.contains(&s.id),
            disabled: s.disabled,
            manageable: check_manageable(&who.staff, s).is_ok(),
            you: s.id == who.staff.id,
        })
        .collect();
    page.invitations = state
        .store
        .pending_one_time(Purpose::Invitation)
        .await?
        .into_iter()
        .map(|i| Invitation {
            id: i.id,
            email: i.email.unwrap_or_default(),
            role: i.role.map(|r| r.to_string()).unwrap_or_default(),
            expires: i.expires_at.format("%Y-%m-%d %H:%M UTC").to_string(),
        })
        .collect();
    page.roles = assignable_roles(who.staff.role).iter().map(|r| r.to_string()).collect();
    if page.invite_role.is_empty() {
        page.invite_role = Role::Contributor.to_string();
    }
    if who.staff.role.may(Action::TransferOwnership) {
        page.heirs = staff
            .iter()
            .filter(|s| s.id != who.staff.id && !s.disabled)
            .map(|s| Heir { id: s.id, name: format!("{} ({})", s.name, s.email) })
            .collect();
    }
    let status =
        if page.errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let layout = Layout::signed_in(state, who, "Staff", "/admin/staff").await?;
    let mut r = render(state, "staff.html", layout, page)?;
    *r.status_mut() = status;
    Ok(r)
}

pub async fn list(State(state): State<AppState>, who: SignedIn) -> Result<Response, WebError> {
    who.require(Action::ManageStaff)?;
    render_page(&state, &who, StaffPage::default()).await
}

/// The account `id`, if the viewer may manage it (403 otherwise).
async fn manageable(
    state: &AppState,
    who: &SignedIn,
    id: i64,
) -> Result<byline_core::staff::StaffUser, WebError> {
    who.require(Action::ManageStaff)?;
    let target = state.store.staff_by_id(id).await?;
    check_manageable(&who.staff, &target).map_err(WebError::forbidden)?;
    Ok(target)
}

#[derive(Deserialize)]
pub struct RoleForm {
    role: String,
}

pub async fn change_role(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<i64>,
    Form(form): Form<RoleForm>,
) -> Result<Response, WebError> {
    let target = manageable(&state, &who, id).await?;
    let role: Role = form
        .role
        .parse()
        .map_err(|e: String| WebError::Invalid(byline_core::Invalid::one("role", e)))?;
    check_assignable(who.staff.role, role).map_err(WebError::Invalid)?;
    if role == target.role {
        return Ok(Redirect::to("/admin/staff").into_response());
    }
    state.store.update_staff(id, role, target.disabled).await?;
    state
        .store
        .audit(
            &who.actor(),
            AuditRecord::new("staff.role", &target.email)
                .detail(format!("{} to {role}", target.role)),
        )
        .await?;
    flash(&who.session, format!("{} is now {}.", target.name, article(role))).await;
    Ok(Redirect::to("/admin/staff").into_response())
}

fn article(role: Role) -> String {
    if role.as_str().starts_with(['a', 'e', 'i', 'o', 'u']) {
        format!("an {role}")
    } else {
        format!("a {role}")
    }
}

pub async fn disable(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let target = manageable(&state, &who, id).await?;
    state.store.update_staff(id, target.role, true).await?;
    let ended = state.store.delete_sessions_of(id, None).await?;
    state
        .store
        .audit(
            &who.actor(),
            AuditRecord::new("staff.disable", &target.email)
                .detail(format!("{ended} sessions ended")),
        )
        .await?;
    flash(&who.session, format!("{} can no longer sign in.", target.name)).await;
    Ok(Redirect::to("/admin/staff").into_response())
}

pub async fn enable(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let target = manageable(&state, &who, id).await?;
    state.store.update_staff(id, target.role, false).await?;
    state.store.audit(&who.actor(), AuditRecord::new("staff.enable", &target.email)).await?;
    flash(&who.session, format!("{} can sign in again.", target.name)).await;
    Ok(Redirect::to("/admin/staff").into_response())
}

#[derive(Deserialize)]
pub struct TransferForm {
    #[serde(default)]
    to: String,
    password: String,
}

/// The owner hands ownership on, after typing their password again.
pub async fn transfer(
    State(state): State<AppState>,
    who: SignedIn,
    Form(form): Form<TransferForm>,
) -> Result<Response, WebError> {
    who.require(Action::TransferOwnership)?;
    let mut errors = BTreeMap::new();
    let heir = match form.to.parse::<i64>() {
        Ok(id) => match state.store.staff_by_id(id).await {
            Ok(s) if s.id != who.staff.id && !s.disabled => Some(s),
            _ => None,
        },
        Err(_) => None,
    };
    if heir.is_none() {
        errors.insert("to".to_owned(), "choose an active staff member".to_owned());
    }
    if state.store.verify_staff_password(&who.staff.email, &form.password).await?.is_none() {
        errors.insert("password".to_owned(), "is not your password".to_owned());
    }
    let Some(heir) = heir.filter(|_| errors.is_empty()) else {
        return render_page(&state, &who, StaffPage { errors, ..Default::default() }).await;
    };
    state.store.transfer_ownership(who.staff.id, heir.id).await?;
    state
        .store
        .audit(
            &who.actor(),
            AuditRecord::new("staff.transfer_ownership", &heir.email)
                .detail(format!("from {}", who.staff.email)),
        )
        .await?;
    flash(&who.session, format!("{} is now the owner; you are an administrator.", heir.name)).await;
    Ok(Redirect::to("/admin/staff").into_response())
}
