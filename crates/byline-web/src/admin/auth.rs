//! Signing in and out, and the owner's one-time setup link.

use super::frame::{Layout, flash, render, session_error};
use super::limits::ClientAddr;
use super::signing::{await_code, start_session};
use crate::{AppState, WebError};
use axum::Form;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::http::header::SET_COOKIE;
use axum::response::{IntoResponse, Redirect, Response};
use byline_core::limits;
use byline_core::staff::{MIN_PASSWORD_CHARS, StaffInput};
use byline_store::{Purpose, SignInStep, StoreError};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use tower_sessions::Session;

#[derive(Debug, Deserialize)]
pub struct SignInQuery {
    #[serde(default)]
    next: String,
}

#[derive(Serialize)]
struct SignInPage {
    email: String,
    next: String,
    error: Option<String>,
}

/// Only a path inside the admin may be where sign-in leads (never another site); anything
/// else leads to the dashboard, and a `next` with a control character is refused.
fn safe_next(next: &str) -> Result<String, WebError> {
    let path = crate::redirect::same_origin_path(next).map_err(|_| {
        WebError::BadRequest("`next` must be a path without control characters (CR, LF)".into())
    })?;
    Ok(path
        .filter(|p| p == "/admin" || p.starts_with("/admin/") || p.starts_with("/admin?"))
        .unwrap_or_else(|| "/admin/".to_owned()))
}

pub async fn sign_in_form(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<SignInQuery>,
) -> Result<Response, WebError> {
    if state.store.staff_count().await? == 0 {
        let layout = Layout::anonymous(&state, &session, "Set up").await?;
        return render(&state, "message.html", layout, Message::no_owner());
    }
    let layout = Layout::anonymous(&state, &session, "Sign in").await?;
    let page = SignInPage { email: String::new(), next: safe_next(&q.next)?, error: None };
    render(&state, "signin.html", layout, page)
}

#[derive(Deserialize)]
pub struct SignInForm {
    email: String,
    password: String,
    #[serde(default)]
    next: String,
}

/// Signs in with an email and password. Failures count against the account, or, from a
/// browser that signed in to this account before, against that browser alone (so strangers
/// guessing cannot lock the owner out), and always against the client's address.
pub async fn sign_in(
    State(state): State<AppState>,
    session: Session,
    addr: ClientAddr,
    headers: HeaderMap,
    Form(form): Form<SignInForm>,
) -> Result<Response, WebError> {
    let email = form.email.trim().to_lowercase();
    let device = super::device::proven(&state, &headers, &email).await;
    let checks = match &device {
        Some(id) => {
            [(limits::SIGN_IN_PER_DEVICE, id.as_str()), (limits::SIGN_IN_PER_ADDRESS, &addr.0)]
        }
        None => {
            [(limits::SIGN_IN_PER_ACCOUNT, email.as_str()), (limits::SIGN_IN_PER_ADDRESS, &addr.0)]
        }
    };
    let next = safe_next(&form.next)?;
    let page = |error: String| SignInPage {
        email: form.email.clone(),
        next: next.clone(),
        error: Some(error),
    };
    let attempt = match super::limits::admit(&state, &checks).await? {
        Ok(attempt) => attempt,
        Err(secs) => {
            let layout = Layout::anonymous(&state, &session, "Sign in").await?;
            let r = render(&state, "signin.html", layout, page(super::limits::message(secs)))?;
            return Ok(super::limits::too_many(r, secs));
        }
    };
    match state.store.verify_staff_password(&email, &form.password).await? {
        Some(staff) => {
            attempt.forgive(&state).await?;
            let mut r = match state.store.password_accepted(&staff).await? {
                SignInStep::CodeNeeded => {
                    await_code(&session, &staff, &next).await?;
                    Redirect::to("/admin/signin/code").into_response()
                }
                SignInStep::SignedIn => {
                    start_session(&session, &staff).await?;
                    Redirect::to(&next).into_response()
                }
            };
            if device.is_none() {
                r.headers_mut().append(SET_COOKIE, super::device::cookie(&state, &email).await?);
            }
            Ok(r)
        }
        None => {
            let layout = Layout::anonymous(&state, &session, "Sign in").await?;
            let error = "That email and password do not match an active account.".to_owned();
            let mut r = render(&state, "signin.html", layout, page(error))?;
            *r.status_mut() = axum::http::StatusCode::UNAUTHORIZED;
            Ok(r)
        }
    }
}

pub async fn sign_out(session: Session) -> Result<Response, WebError> {
    session.flush().await.map_err(session_error)?;
    Ok(Redirect::to("/admin/signin").into_response())
}

#[derive(Serialize)]
pub(crate) struct Message {
    pub title: String,
    pub message: String,
    pub link: Option<Link>,
}

#[derive(Serialize)]
pub(crate) struct Link {
    pub title: String,
    pub url: String,
}

impl Message {
    fn no_owner() -> Self {
        Message {
            title: "This publication has no staff yet".into(),
            message: "Open the one-time setup link that `byline serve` printed when it \
                started, or create the owner with `byline user add --role owner`."
                .into(),
            link: None,
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct SetupQuery {
    #[serde(default)]
    token: String,
}

#[derive(Serialize, Default)]
struct SetupPage {
    token: String,
    name: String,
    email: String,
    errors: BTreeMap<String, String>,
    min_password: usize,
}

pub async fn setup_form(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<SetupQuery>,
) -> Result<Response, WebError> {
    if let Err(e) = usable_setup(&state, &q.token).await {
        let layout = Layout::anonymous(&state, &session, "Set up").await?;
        return render(&state, "message.html", layout, e);
    }
    let layout = Layout::anonymous(&state, &session, "Set up").await?;
    let page = SetupPage { token: q.token, min_password: MIN_PASSWORD_CHARS, ..Default::default() };
    render(&state, "setup.html", layout, page)
}

/// A setup link works while the publication has no staff and the token is unused.
async fn usable_setup(state: &AppState, token: &str) -> Result<(), Message> {
    let taken = state.store.staff_count().await.map(|n| n > 0).unwrap_or(true);
    let valid = state.store.peek_one_time(Purpose::Setup, token).await.is_ok();
    if taken || !valid {
        return Err(Message {
            title: "This setup link no longer works".into(),
            message: if taken {
                "The publication already has its owner. Sign in instead.".into()
            } else {
                "The link has expired or was already used. Restart `byline serve` for a new one."
                    .into()
            },
            link: Some(Link { title: "Sign in".into(), url: "/admin/signin".into() }),
        });
    }
    Ok(())
}

#[derive(Deserialize)]
pub struct SetupForm {
    token: String,
    name: String,
    email: String,
    password: String,
}

pub async fn setup(
    State(state): State<AppState>,
    session: Session,
    Form(form): Form<SetupForm>,
) -> Result<Response, WebError> {
    if let Err(e) = usable_setup(&state, &form.token).await {
        let layout = Layout::anonymous(&state, &session, "Set up").await?;
        return render(&state, "message.html", layout, e);
    }
    let input = StaffInput {
        email: form.email.clone(),
        name: form.name.clone(),
        role: None,
        password: form.password,
    };
    match state.store.setup_owner(&form.token, &input).await {
        Ok(owner) => {
            start_session(&session, &owner).await?;
            flash(&session, "Welcome. Your publication is ready for its newsroom.").await;
            Ok(Redirect::to("/admin/").into_response())
        }
        Err(StoreError::Invalid(invalid)) => {
            let layout = Layout::anonymous(&state, &session, "Set up").await?;
            let page = SetupPage {
                token: form.token,
                name: form.name,
                email: form.email,
                errors: super::fields::errors(&invalid),
                min_password: MIN_PASSWORD_CHARS,
            };
            let mut r = render(&state, "setup.html", layout, page)?;
            *r.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
        Err(e) => Err(e.into()),
    }
}
