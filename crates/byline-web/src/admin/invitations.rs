//! Invitations: a staff manager invites an email with a role (never owner, never above
//! their own); the email carries a link, valid seven days and once, to a page where the
//! invitee chooses a name and password and is signed in.

use super::auth::{Link, Message};
use super::frame::{Layout, SignedIn, flash, render};
use super::password::absolute;
use super::signing::start_session;
use super::staff::{StaffPage, render_page};
use crate::mail::Mail;
use crate::{AppState, WebError};
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use byline_core::staff::MIN_PASSWORD_CHARS;
use byline_store::{AccountError, Invitation, Purpose, StoreError};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use tower_sessions::Session;

/// How long an invitation link works.
pub const INVITATION_DAYS: i64 = 7;

#[derive(Deserialize)]
pub struct InviteForm {
    email: String,
    role: String,
}

pub async fn invite(
    State(state): State<AppState>,
    who: SignedIn,
    Form(form): Form<InviteForm>,
) -> Result<Response, WebError> {
    let ttl = chrono::Duration::days(INVITATION_DAYS);
    let Invitation { email, role, token } =
        match state.store.invite(&who.actor(), &form.email, &form.role, ttl).await {
            Ok(invitation) => invitation,
            Err(AccountError::Store(StoreError::Invalid(invalid))) => {
                let page = StaffPage {
                    invite_email: form.email,
                    invite_role: form.role,
                    errors: super::fields::errors(&invalid),
                    ..Default::default()
                };
                return render_page(&state, &who, page).await;
            }
            Err(e) => return Err(e.into()),
        };
    let link = absolute(&state, &format!("/admin/invitation?token={token}")).await?;
    let publication = state.frame().await?.publication.title.clone();
    let mail = Mail {
        to: email.clone(),
        subject: format!("{} invites you to {publication}", who.staff.name),
        body: format!(
            "Hello,\n\n{} invites you to join {publication} as {role}. Choose your name and \
             password here (the link works once, for {INVITATION_DAYS} days):\n\n{link}\n",
            who.staff.name
        ),
        html: None,
    };
    state.mailer.send_soon(mail).await;
    flash(&who.session, format!("Invitation sent to {email}.")).await;
    Ok(Redirect::to("/admin/staff").into_response())
}

pub async fn revoke(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let invitation = state.store.revoke_invitation(&who.actor(), id).await?;
    let email = invitation.email.unwrap_or_default();
    flash(&who.session, format!("The invitation to {email} is withdrawn.")).await;
    Ok(Redirect::to("/admin/staff").into_response())
}

#[derive(Deserialize)]
pub struct AcceptQuery {
    #[serde(default)]
    token: String,
}

#[derive(Serialize)]
struct AcceptPage {
    token: String,
    email: String,
    role: String,
    name: String,
    min_password: usize,
    errors: BTreeMap<String, String>,
}

fn expired() -> Message {
    Message {
        title: "This invitation no longer works".into(),
        message: "Invitations work once, for seven days, unless they are withdrawn. Ask whoever \
                  invited you for a new one."
            .into(),
        link: Some(Link { title: "Sign in".into(), url: "/admin/signin".into() }),
    }
}

async fn gone(state: &AppState, session: &Session) -> Result<Response, WebError> {
    let layout = Layout::anonymous(state, session, "Invitation").await?;
    let mut r = render(state, "message.html", layout, expired())?;
    *r.status_mut() = StatusCode::GONE;
    Ok(r)
}

/// The form to join with the invitation `token`: its email and role, what was typed, and
/// what is wrong with it (then as 422); 410 when the invitation no longer works.
async fn accept_page(
    state: &AppState,
    session: &Session,
    token: String,
    name: String,
    errors: BTreeMap<String, String>,
) -> Result<Response, WebError> {
    let Ok(inv) = state.store.peek_one_time(Purpose::Invitation, &token).await else {
        return gone(state, session).await;
    };
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let layout = Layout::anonymous(state, session, "Join the newsroom").await?;
    let page = AcceptPage {
        token,
        email: inv.email.unwrap_or_default(),
        role: inv.role.map(|r| r.to_string()).unwrap_or_default(),
        name,
        min_password: MIN_PASSWORD_CHARS,
        errors,
    };
    let mut r = render(state, "invitation.html", layout, page)?;
    *r.status_mut() = status;
    Ok(r)
}

pub async fn accept_form(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<AcceptQuery>,
) -> Result<Response, WebError> {
    accept_page(&state, &session, q.token, String::new(), BTreeMap::new()).await
}

#[derive(Deserialize)]
pub struct AcceptForm {
    token: String,
    name: String,
    password: String,
}

pub async fn accept(
    State(state): State<AppState>,
    session: Session,
    Form(form): Form<AcceptForm>,
) -> Result<Response, WebError> {
    match state.store.accept_invitation(&form.token, &form.name, &form.password).await {
        Ok(staff) => {
            start_session(&session, &staff).await?;
            flash(&session, format!("Welcome, {}.", staff.name)).await;
            Ok(Redirect::to("/admin/").into_response())
        }
        Err(StoreError::Invalid(invalid)) => {
            let errors = super::fields::errors(&invalid);
            accept_page(&state, &session, form.token, form.name, errors).await
        }
        Err(StoreError::NotFound { .. }) => gone(&state, &session).await,
        Err(e) => Err(e.into()),
    }
}
