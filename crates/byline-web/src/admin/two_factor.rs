//! Two-factor sign-in: enrolment from "Your account" (a QR code drawn here as SVG, or the
//! secret typed in, confirmed with a current code; recovery codes shown once), and the code
//! step of signing in. Between the password and the code the session only holds a pending
//! account id, which [`super::frame::SignedIn`] does not accept.

use super::auth::start_session;
use super::frame::{Layout, SignedIn, flash, render, session_error};
use super::limits::{self, ClientAddr};
use crate::{AppState, WebError};
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use byline_core::audit::AuditRecord;
use byline_core::limits::{CODE_PER_ACCOUNT, SIGN_IN_PER_ADDRESS};
use byline_core::staff::StaffUser;
use byline_core::two_factor;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use tower_sessions::Session;

const PENDING: &str = "pending_staff_id";
const PENDING_AT: &str = "pending_at";
const PENDING_NEXT: &str = "pending_next";
/// How long the code step waits after the password, in seconds.
const PENDING_SECS: i64 = 600;

/// After a correct password for an account with two-factor sign-in: remember who is half
/// signed in (under a new session id), and where they were going.
pub(crate) async fn await_code(
    session: &Session,
    staff: &StaffUser,
    next: &str,
) -> Result<(), WebError> {
    session.cycle_id().await.map_err(session_error)?;
    session.remove::<i64>(super::frame::STAFF_ID).await.map_err(session_error)?;
    session.insert(PENDING, staff.id).await.map_err(session_error)?;
    session.insert(PENDING_AT, chrono::Utc::now().timestamp()).await.map_err(session_error)?;
    session.insert(PENDING_NEXT, next).await.map_err(session_error)?;
    Ok(())
}

pub(crate) async fn forget_pending(session: &Session) {
    let _ = session.remove::<i64>(PENDING).await;
    let _ = session.remove::<i64>(PENDING_AT).await;
    let _ = session.remove::<String>(PENDING_NEXT).await;
}

/// The half-signed-in account, if its password step is recent.
async fn pending(state: &AppState, session: &Session) -> Result<Option<StaffUser>, WebError> {
    let id: Option<i64> = session.get(PENDING).await.map_err(session_error)?;
    let at: i64 = session.get(PENDING_AT).await.map_err(session_error)?.unwrap_or(0);
    let Some(id) = id else { return Ok(None) };
    if chrono::Utc::now().timestamp() - at > PENDING_SECS {
        forget_pending(session).await;
        return Ok(None);
    }
    let staff = state.store.staff_by_id(id).await?;
    Ok((!staff.disabled).then_some(staff))
}

#[derive(Serialize)]
struct CodePage {
    error: Option<String>,
}

pub async fn code_form(
    State(state): State<AppState>,
    session: Session,
) -> Result<Response, WebError> {
    if pending(&state, &session).await?.is_none() {
        return Ok(Redirect::to("/admin/signin").into_response());
    }
    let layout = Layout::anonymous(&state, &session, "Two-factor code").await?;
    render(&state, "signin_code.html", layout, CodePage { error: None })
}

#[derive(Deserialize)]
pub struct CodeForm {
    code: String,
}

pub async fn code(
    State(state): State<AppState>,
    session: Session,
    addr: ClientAddr,
    Form(form): Form<CodeForm>,
) -> Result<Response, WebError> {
    let Some(staff) = pending(&state, &session).await? else {
        return Ok(Redirect::to("/admin/signin").into_response());
    };
    let id = staff.id.to_string();
    let checks = [(CODE_PER_ACCOUNT, id.as_str()), (SIGN_IN_PER_ADDRESS, addr.0.as_str())];
    let answer = |error: String, status: StatusCode| {
        let state = state.clone();
        let session = session.clone();
        async move {
            let layout = Layout::anonymous(&state, &session, "Two-factor code").await?;
            let mut r =
                render(&state, "signin_code.html", layout, CodePage { error: Some(error) })?;
            *r.status_mut() = status;
            Ok::<_, WebError>(r)
        }
    };
    let attempt = match limits::admit(&state, &checks).await? {
        Ok(attempt) => attempt,
        Err(secs) => {
            let r = answer(limits::message(secs), StatusCode::TOO_MANY_REQUESTS).await?;
            return Ok(limits::too_many(r, secs));
        }
    };
    let typed = form.code.trim();
    let is_totp = typed.chars().filter(|c| !c.is_whitespace()).all(|c| c.is_ascii_digit());
    let ok = if is_totp {
        let secret =
            state.store.two_factor(staff.id).await?.filter(|t| t.enabled).map(|t| t.secret);
        match secret.and_then(|s| two_factor::check(&s, typed, chrono::Utc::now().timestamp())) {
            Some(step) => state.store.accept_code_step(staff.id, step).await?,
            None => false,
        }
    } else {
        let used = state
            .store
            .use_recovery_code(staff.id, &two_factor::normalize_recovery_code(typed))
            .await?;
        if used {
            let left = state.store.recovery_codes_left(staff.id).await?;
            state
                .store
                .audit(
                    &staff.actor(),
                    AuditRecord::new("staff.recovery_code_used", &staff.email)
                        .detail(format!("{left} left")),
                )
                .await?;
        }
        used
    };
    if !ok {
        let msg = "That code is not right. Use the current code from your app, or a recovery code.";
        return answer(msg.into(), StatusCode::UNAUTHORIZED).await;
    }
    attempt.forgive(&state).await?;
    state.store.clear_attempts(CODE_PER_ACCOUNT, &id).await?;
    let next: String = session.get(PENDING_NEXT).await.map_err(session_error)?.unwrap_or_default();
    start_session(&state, &session, &staff).await?;
    let next = if next.starts_with("/admin") { next } else { "/admin/".into() };
    Ok(Redirect::to(&next).into_response())
}

#[derive(Serialize, Default)]
struct EnrolPage {
    secret: String,
    qr_svg: String,
    errors: BTreeMap<String, String>,
    recovery_codes: Vec<String>,
}

fn qr_svg(url: &str) -> Result<String, WebError> {
    let code = qrcode::QrCode::new(url.as_bytes())
        .map_err(|e| WebError::Internal(format!("QR code: {e}")))?;
    let svg = code.render::<qrcode::render::svg::Color>().min_dimensions(200, 200).build();
    let svg = svg.find("<svg").map(|i| svg[i..].to_owned()).unwrap_or(svg);
    Ok(svg.replacen(
        "<svg ",
        "<svg role=\"img\" aria-label=\"QR code for your authenticator app\" ",
        1,
    ))
}

async fn enrol_page(
    state: &AppState,
    who: &SignedIn,
    page: EnrolPage,
    status: StatusCode,
) -> Result<Response, WebError> {
    let layout = Layout::signed_in(state, who, "Two-factor sign-in", "/admin/account").await?;
    let mut r = render(state, "two_factor.html", layout, page)?;
    *r.status_mut() = status;
    Ok(r)
}

/// Starts (or restarts) enrolment with a new secret.
pub async fn start(State(state): State<AppState>, who: SignedIn) -> Result<Response, WebError> {
    state.store.start_two_factor(who.staff.id, &two_factor::new_secret()).await?;
    Ok(Redirect::to("/admin/account/two-factor").into_response())
}

/// The pending enrolment: the QR code, the secret to type, and the confirmation form.
pub async fn enrol_form(
    State(state): State<AppState>,
    who: SignedIn,
) -> Result<Response, WebError> {
    match state.store.two_factor(who.staff.id).await? {
        Some(t) if !t.enabled => {
            let page = pending_page(&state, &who, t.secret).await?;
            enrol_page(&state, &who, page, StatusCode::OK).await
        }
        _ => Ok(Redirect::to("/admin/account").into_response()),
    }
}

async fn pending_page(
    state: &AppState,
    who: &SignedIn,
    secret: String,
) -> Result<EnrolPage, WebError> {
    let issuer = state.frame().await?.publication.title.clone();
    let url =
        two_factor::otpauth_url(&secret, &issuer, &who.staff.email).map_err(WebError::Internal)?;
    Ok(EnrolPage { qr_svg: qr_svg(&url)?, secret, ..Default::default() })
}

#[derive(Deserialize)]
pub struct ConfirmForm {
    code: String,
}

/// Switches two-factor sign-in on after a correct code, and shows the recovery codes once.
pub async fn confirm(
    State(state): State<AppState>,
    who: SignedIn,
    Form(form): Form<ConfirmForm>,
) -> Result<Response, WebError> {
    let Some(t) = state.store.two_factor(who.staff.id).await?.filter(|t| !t.enabled) else {
        return Ok(Redirect::to("/admin/account").into_response());
    };
    let Some(step) = two_factor::check(&t.secret, &form.code, chrono::Utc::now().timestamp())
    else {
        let mut page = pending_page(&state, &who, t.secret).await?;
        page.errors.insert(
            "code".into(),
            "That code is not right. Check your device's clock and type the code shown now.".into(),
        );
        return enrol_page(&state, &who, page, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let codes = two_factor::recovery_codes();
    state.store.enable_two_factor(who.staff.id, step, &codes).await?;
    state
        .store
        .audit(&who.actor(), AuditRecord::new("staff.two_factor_on", &who.staff.email))
        .await?;
    flash(&who.session, "Two-factor sign-in is on.").await;
    let page = EnrolPage { recovery_codes: codes, ..Default::default() };
    enrol_page(&state, &who, page, StatusCode::OK).await
}
