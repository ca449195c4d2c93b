//! Two-factor sign-in: enrolment from "Your account" (a QR code drawn here as SVG, or the
//! secret typed in, confirmed with a current code; recovery codes shown once), and the code
//! step of signing in (what the session holds meanwhile is [`super::signing`]'s).

use super::frame::{Layout, SignedIn, flash, render};
use super::limits::{self, ClientAddr};
use super::signing::{pending, start_session};
use crate::{AppState, WebError};
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use byline_core::limits::{CODE_PER_ACCOUNT, SIGN_IN_PER_ADDRESS};
use byline_core::two_factor;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use tower_sessions::Session;

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
    let Some(pending) = pending(&state, &session).await? else {
        return Ok(Redirect::to("/admin/signin").into_response());
    };
    let id = pending.staff.id.to_string();
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
    if !state.store.code_entered(&pending.staff, &form.code).await? {
        let msg = "That code is not right. Use the current code from your app, or a recovery code.";
        return answer(msg.into(), StatusCode::UNAUTHORIZED).await;
    }
    attempt.forgive(&state).await?;
    start_session(&session, &pending.staff).await?;
    Ok(Redirect::to(&pending.next).into_response())
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
    flash(&who.session, "Two-factor sign-in is on.").await;
    let page = EnrolPage { recovery_codes: codes, ..Default::default() };
    enrol_page(&state, &who, page, StatusCode::OK).await
}
