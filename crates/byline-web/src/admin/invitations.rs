//! Invitations: a staff manager invites an email with a role (never owner, never above
//! their own); the email carries a link, valid seven days and once, to a page where the
//! invitee chooses a name and password and is signed in.

use super::auth::{Link, Message, start_session};
use super::frame::{Layout, SignedIn, flash, render};
use super::password::absolute;
use super::staff::{StaffPage, render_page};
use crate::mail::Mail;
use crate::{AppState, WebError};
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use byline_core::accounts::{check_assignable, check_email};
use byline_core::audit::AuditRecord;
use byline_core::staff::{Action, MIN_PASSWORD_CHARS, Role, StaffInput};
use byline_store::{Purpose, StoreError};
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
    who.require(Action::ManageStaff)?;
    let mut errors = BTreeMap::new();
    let mut email = match check_email(&form.email) {
        Ok(e) => Some(e),
        Err(i) => {
            errors.extend(i.0.into_iter().map(|f| (f.field, f.message)));
            None
        }
    };
    let role = match form.role.parse::<Role>() {
        Ok(r) => match check_assignable(who.staff.role, r) {
            Ok(()) => Some(r),
            Err(i) => {
                errors.extend(i.0.into_iter().map(|f| (f.field, f.message)));
                None
            }
        },
        Err(e) => {
            errors.insert("role".into(), e);
            None
        }
    };
    if let Some(e) = email.clone() {
        match state.store.staff_by_email(&e).await {
            Ok(_) => {
                errors.insert("email".into(), format!("{e} already has a staff account"));
                email = None;
            }
            Err(StoreError::NotFound { .. }) => {}
            Err(err) => return Err(err.into()),
        }
    }
    let (Some(email), Some(role)) = (email, role) else {
        let page = StaffPage {
            invite_email: form.email,
            invite_role: form.role,
            errors,
            ..Default::default()
        };
        return render_page(&state, &who, page).await;
    };
    let ttl = chrono::Duration::days(INVITATION_DAYS);
    let token = state
        .store
        .issue_one_time(Purpose::Invitation, None, Some(&email), Some(role), ttl)
        .await?;
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
    };
    state.mailer.send_soon(mail).await;
    state
        .store
        .audit(&who.actor(), AuditRecord::new("invitation.create", &email).detail(role.as_str()))
        .await?;
    flash(&who.session, format!("Invitation sent to {email}.")).await;
    Ok(Redirect::to("/admin/staff").into_response())
}

pub async fn revoke(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    who.require(Action::ManageStaff)?;
    let pending = state.store.pending_one_time(Purpose::Invitation).await?;
    let Some(inv) = pending.into_iter().find(|i| i.id == id) else {
        return Err(WebError::NotFound);
    };
    state.store.revoke_one_time(id).await?;
    let email = inv.email.unwrap_or_default();
    state.store.audit(&who.actor(), AuditRecord::new("invitation.revoke", &email)).await?;
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

pub async fn accept_form(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<AcceptQuery>,
) -> Result<Response, WebError> {
    let Ok(inv) = state.store.peek_one_time(Purpose::Invitation, &q.token).await else {
        return gone(&state, &session).await;
    };
    let layout = Layout::anonymous(&state, &session, "Join the newsroom").await?;
    let page = AcceptPage {
        token: q.token,
        email: inv.email.unwrap_or_default(),
        role: inv.role.map(|r| r.to_string()).unwrap_or_default(),
        name: String::new(),
        min_password: MIN_PASSWORD_CHARS,
        errors: BTreeMap::new(),
    };
    render(&state, "invitation.html", layout, page)
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
    let Ok(inv) = state.store.peek_one_time(Purpose::Invitation, &form.token).await else {
        return gone(&state, &session).await;
    };
    let email = inv.email.clone().unwrap_or_default();
    let role = inv.role.unwrap_or(Role::Contributor);
    let input = StaffInput {
        email: email.clone(),
        name: form.name.clone(),
        role: Some(role),
        password: form.password,
    };
    // Validate before using the link, so a typo does not burn it.
    if let Err(invalid) = input.validate() {
        let layout = Layout::anonymous(&state, &session, "Join the newsroom").await?;
        let page = AcceptPage {
            token: form.token,
            email,
            role: role.to_string(),
            name: form.name,
            min_password: MIN_PASSWORD_CHARS,
            errors: invalid.0.into_iter().map(|f| (f.field, f.message)).collect(),
        };
        let mut r = render(&state, "invitation.html", layout, page)?;
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(r);
    }
    if state.store.use_one_time(Purpose::Invitation, &form.token).await.is_err() {
        return gone(&state, &session).await;
    }
    let staff = state.store.create_staff(&input).await?;
    state
        .store
        .audit(&staff.actor(), AuditRecord::new("staff.join", &staff.email).detail(role.as_str()))
        .await?;
    start_session(&state, &session, &staff).await?;
    flash(&session, format!("Welcome, {}.", staff.name)).await;
    Ok(Redirect::to("/admin/").into_response())
}
