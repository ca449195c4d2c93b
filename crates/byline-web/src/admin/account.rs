//! "Your account": every staff member changes their own name and password here, and
//! switches two-factor sign-in on (see [`super::two_factor`]) or off (with their password).

use super::frame::{Layout, SignedIn, flash, render};
use crate::{AppState, WebError};
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use byline_core::accounts::check_password;
use byline_core::audit::AuditRecord;
use byline_core::staff::MIN_PASSWORD_CHARS;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Serialize)]
struct AccountPage {
    name: String,
    email: String,
    role: String,
    two_factor: bool,
    recovery_codes_left: u64,
    min_password: usize,
    errors: BTreeMap<String, String>,
}

async fn page(
    state: &AppState,
    who: &SignedIn,
    name: Option<String>,
    errors: BTreeMap<String, String>,
) -> Result<Response, WebError> {
    let two_factor = state.store.two_factor(who.staff.id).await?.is_some_and(|t| t.enabled);
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page = AccountPage {
        name: name.unwrap_or_else(|| who.staff.name.clone()),
        email: who.staff.email.clone(),
        role: who.staff.role.to_string(),
        two_factor,
        recovery_codes_left: state.store.recovery_codes_left(who.staff.id).await?,
        min_password: MIN_PASSWORD_CHARS,
        errors,
    };
    let layout = Layout::signed_in(state, who, "Your account", "/admin/account").await?;
    let mut r = render(state, "account.html", layout, page)?;
    *r.status_mut() = status;
    Ok(r)
}

fn one(field: &str, message: impl Into<String>) -> BTreeMap<String, String> {
    BTreeMap::from([(field.to_owned(), message.into())])
}

pub async fn show(State(state): State<AppState>, who: SignedIn) -> Result<Response, WebError> {
    page(&state, &who, None, BTreeMap::new()).await
}

#[derive(Deserialize)]
pub struct NameForm {
    name: String,
}

pub async fn rename(
    State(state): State<AppState>,
    who: SignedIn,
    Form(form): Form<NameForm>,
) -> Result<Response, WebError> {
    if form.name.trim().is_empty() {
        return page(&state, &who, Some(form.name), one("name", "is required")).await;
    }
    state.store.set_staff_name(who.staff.id, &form.name).await?;
    state
        .store
        .audit(
            &who.actor(),
            AuditRecord::new("staff.rename", &who.staff.email).detail(form.name.trim()),
        )
        .await?;
    flash(&who.session, "Your name is changed.").await;
    Ok(Redirect::to("/admin/account").into_response())
}

#[derive(Deserialize)]
pub struct PasswordForm {
    current: String,
    password: String,
}

/// A new password: the current one first; every other session of the account ends.
pub async fn change_password(
    State(state): State<AppState>,
    who: SignedIn,
    Form(form): Form<PasswordForm>,
) -> Result<Response, WebError> {
    if state.store.verify_staff_password(&who.staff.email, &form.current).await?.is_none() {
        return page(&state, &who, None, one("current", "is not your current password")).await;
    }
    if let Err(invalid) = check_password(&form.password) {
        let errors = invalid.0.into_iter().map(|f| (f.field, f.message)).collect();
        return page(&state, &who, None, errors).await;
    }
    state.store.set_staff_password(who.staff.id, &form.password).await?;
    let here = who.session.id().map(|id| id.to_string());
    let ended = state.store.delete_sessions_of(who.staff.id, here.as_deref()).await?;
    state
        .store
        .audit(
            &who.actor(),
            AuditRecord::new("staff.password_change", &who.staff.email)
                .detail(format!("{ended} other sessions ended")),
        )
        .await?;
    flash(&who.session, "Your password is changed. Your other sessions are signed out.").await;
    Ok(Redirect::to("/admin/account").into_response())
}

#[derive(Deserialize)]
pub struct OffForm {
    off_password: String,
}

/// Switches two-factor sign-in off, with the account's password.
pub async fn two_factor_off(
    State(state): State<AppState>,
    who: SignedIn,
    Form(form): Form<OffForm>,
) -> Result<Response, WebError> {
    if state.store.verify_staff_password(&who.staff.email, &form.off_password).await?.is_none() {
        let errors = one("off_password", "is not your password; two-factor sign-in stays on");
        return page(&state, &who, None, errors).await;
    }
    state.store.disable_two_factor(who.staff.id).await?;
    state
        .store
        .audit(&who.actor(), AuditRecord::new("staff.two_factor_off", &who.staff.email))
        .await?;
    flash(&who.session, "Two-factor sign-in is off.").await;
    Ok(Redirect::to("/admin/account").into_response())
}
