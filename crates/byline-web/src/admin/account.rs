//! "Your account": every staff member changes their own name and password here, and
//! switches two-factor sign-in on (see [`super::two_factor`]) or off (with their password).

use super::fields::errors;
use super::frame::{Layout, SignedIn, flash, render};
use crate::{AppState, WebError};
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use byline_core::staff::MIN_PASSWORD_CHARS;
use byline_store::StoreError;
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
    match state.store.rename_staff(&who.staff, &form.name).await {
        Ok(()) => {
            flash(&who.session, "Your name is changed.").await;
            Ok(Redirect::to("/admin/account").into_response())
        }
        Err(StoreError::Invalid(i)) => page(&state, &who, Some(form.name), errors(&i)).await,
        Err(e) => Err(e.into()),
    }
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
    let here = who.session.id().map(|id| id.to_string());
    match state
        .store
        .change_password(&who.staff, &form.current, &form.password, here.as_deref())
        .await
    {
        Ok(()) => {
            let message = "Your password is changed. Your other sessions are signed out.";
            flash(&who.session, message).await;
            Ok(Redirect::to("/admin/account").into_response())
        }
        Err(StoreError::Invalid(i)) => page(&state, &who, None, errors(&i)).await,
        Err(e) => Err(e.into()),
    }
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
    state.store.disable_two_factor(&who.actor(), who.staff.id).await?;
    flash(&who.session, "Two-factor sign-in is off.").await;
    Ok(Redirect::to("/admin/account").into_response())
}
