//! Forgotten passwords: a reset link by email (the same answer whether or not the email
//! has an account), valid for an hour and once; a new password ends every other session.

use super::auth::{Link, Message};
use super::frame::{Layout, flash, render};
use super::limits::{self, ClientAddr};
use crate::mail::Mail;
use crate::{AppState, WebError};
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use byline_core::limits::{RESET_PER_ADDRESS, RESET_PER_EMAIL};
use byline_core::staff::MIN_PASSWORD_CHARS;
use byline_store::{Purpose, ResetLink, StoreError};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use tower_sessions::Session;

/// How long a reset link works.
pub const RESET_HOURS: i64 = 1;

/// `path` on the site's own address, for links in email.
pub(crate) async fn absolute(state: &AppState, path: &str) -> Result<String, WebError> {
    let base = state.frame().await?.publication.base_url.clone();
    let base = base.unwrap_or_else(|| state.base_url.clone());
    Ok(format!("{}{path}", base.trim_end_matches('/')))
}

#[derive(Serialize, Default)]
struct ForgotPage {
    email: String,
    error: Option<String>,
}

pub async fn forgot_form(
    State(state): State<AppState>,
    session: Session,
) -> Result<Response, WebError> {
    let layout = Layout::anonymous(&state, &session, "Forgot your password?").await?;
    render(&state, "forgot.html", layout, ForgotPage::default())
}

#[derive(Deserialize)]
pub struct ForgotForm {
    email: String,
}

pub async fn forgot(
    State(state): State<AppState>,
    session: Session,
    addr: ClientAddr,
    Form(form): Form<ForgotForm>,
) -> Result<Response, WebError> {
    let email = form.email.trim().to_lowercase();
    let checks = [(RESET_PER_EMAIL, email.as_str()), (RESET_PER_ADDRESS, addr.0.as_str())];
    // Every request counts, answered or not: the attempt is never forgiven.
    if let Err(secs) = limits::admit(&state, &checks).await? {
        let layout = Layout::anonymous(&state, &session, "Forgot your password?").await?;
        let page = ForgotPage { email: form.email, error: Some(limits::message(secs)) };
        return Ok(limits::too_many(render(&state, "forgot.html", layout, page)?, secs));
    }
    let ttl = chrono::Duration::hours(RESET_HOURS);
    if let Some(ResetLink { staff, token }) =
        state.store.request_password_reset(&email, ttl).await?
    {
        let link = absolute(&state, &format!("/admin/password/reset?token={token}")).await?;
        let publication = state.frame().await?.publication.title.clone();
        let mail = Mail {
            to: staff.email.clone(),
            subject: format!("Reset your password for {publication}"),
            body: format!(
                "Hello {},\n\nSomeone, probably you, asked to reset the password of your \
                 account at {publication}. Choose a new password here (the link works once, \
                 for one hour):\n\n{link}\n\nIf you did not ask, ignore this email: your \
                 password stays as it is.\n",
                staff.name
            ),
            html: None,
        };
        state.mailer.send_soon(mail).await;
    }
    let layout = Layout::anonymous(&state, &session, "Check your email").await?;
    let page = Message {
        title: "Check your email".into(),
        message: "If that email belongs to an account here, a link to choose a new password \
                  is on its way. It works once, for one hour."
            .into(),
        link: Some(Link { title: "Back to sign in".into(), url: "/admin/signin".into() }),
    };
    render(&state, "message.html", layout, page)
}

#[derive(Deserialize)]
pub struct ResetQuery {
    #[serde(default)]
    token: String,
}

#[derive(Serialize)]
struct ResetPage {
    token: String,
    email: String,
    min_password: usize,
    errors: BTreeMap<String, String>,
}

fn expired() -> Message {
    Message {
        title: "This link no longer works".into(),
        message: "Password reset links work once, for one hour. Ask for a new one.".into(),
        link: Some(Link {
            title: "Ask for a new link".into(),
            url: "/admin/password/forgot".into(),
        }),
    }
}

pub async fn reset_form(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<ResetQuery>,
) -> Result<Response, WebError> {
    let layout = Layout::anonymous(&state, &session, "Choose a new password").await?;
    let Ok(link) = state.store.peek_one_time(Purpose::PasswordReset, &q.token).await else {
        let mut r = render(&state, "message.html", layout, expired())?;
        *r.status_mut() = StatusCode::GONE;
        return Ok(r);
    };
    let page = ResetPage {
        token: q.token,
        email: link.email.unwrap_or_default(),
        min_password: MIN_PASSWORD_CHARS,
        errors: BTreeMap::new(),
    };
    render(&state, "reset.html", layout, page)
}

#[derive(Deserialize)]
pub struct ResetForm {
    token: String,
    password: String,
}

pub async fn reset(
    State(state): State<AppState>,
    session: Session,
    Form(form): Form<ResetForm>,
) -> Result<Response, WebError> {
    let layout = Layout::anonymous(&state, &session, "Choose a new password").await?;
    match state.store.reset_password(&form.token, &form.password).await {
        Ok(_) => {
            flash(&session, "Your password is changed. Sign in with it.").await;
            Ok(Redirect::to("/admin/signin").into_response())
        }
        Err(StoreError::Invalid(invalid)) => {
            let link = state.store.peek_one_time(Purpose::PasswordReset, &form.token).await?;
            let page = ResetPage {
                token: form.token,
                email: link.email.unwrap_or_default(),
                min_password: MIN_PASSWORD_CHARS,
                errors: super::fields::errors(&invalid),
            };
            let mut r = render(&state, "reset.html", layout, page)?;
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
        Err(StoreError::NotFound { .. }) => {
            let mut r = render(&state, "message.html", layout, expired())?;
            *r.status_mut() = StatusCode::GONE;
            Ok(r)
        }
        Err(e) => Err(e.into()),
    }
}
