//! Staff management (administrators and the owner): the accounts with their roles and
//! two-factor state, role changes, disabling, invitations (see [`super::invitations`]), and
//! the owner's transfer of ownership.

use super::frame::{Layout, SignedIn, flash, render};
use crate::{AppState, WebError};
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use byline_core::accounts::{assignable_roles, check_manageable};
use byline_core::staff::{Action, Role};
use byline_store::{AccountError, Purpose, StoreError};
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
            manageable: check_manageable(&who.actor(), s).is_ok(),
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

/// A refusal is the admin's 403; the rest as the store's errors are.
impl From<AccountError> for WebError {
    fn from(e: AccountError) -> Self {
        match e {
            AccountError::Refused(why) => WebError::forbidden(why),
            AccountError::Store(e) => e.into(),
        }
    }
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
    let role: Role = form
        .role
        .parse()
        .map_err(|e: String| WebError::Invalid(byline_core::Invalid::one("role", e)))?;
    let target = state.store.change_staff_role(&who.actor(), id, role).await?;
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
    let target = state.store.set_staff_disabled(&who.actor(), id, true).await?;
    flash(&who.session, format!("{} can no longer sign in.", target.name)).await;
    Ok(Redirect::to("/admin/staff").into_response())
}

pub async fn enable(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let target = state.store.set_staff_disabled(&who.actor(), id, false).await?;
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
    let to = form.to.parse::<i64>().ok();
    match state.store.transfer_ownership(&who.staff, to, &form.password).await {
        Ok(heir) => {
            let message = format!("{} is now the owner; you are an administrator.", heir.name);
            flash(&who.session, message).await;
            Ok(Redirect::to("/admin/staff").into_response())
        }
        Err(AccountError::Store(StoreError::Invalid(invalid))) => {
            let errors = super::fields::errors(&invalid);
            render_page(&state, &who, StaffPage { errors, ..Default::default() }).await
        }
        Err(e) => Err(e.into()),
    }
}
