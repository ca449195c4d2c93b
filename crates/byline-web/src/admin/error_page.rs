//! How errors look inside the admin: every error response under `/admin/` (a 404, a refused
//! role, a CSRF refusal, a conflict, invalid input outside a form, an internal error) becomes
//! a page in the admin's frame, with the navigation when someone is signed in; and an
//! address under `/admin/` that names no screen is the admin's 404, not the public site's.
//! Forms that fail validation are not errors here: their handlers draw the form again.

use super::frame::{Layout, STAFF_ID, SignedIn, render};
use crate::error::{ErrorInfo, FieldInfo};
use crate::{AppState, WebError};
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use serde::Serialize;
use tower_sessions::Session;

/// Any `/admin/...` address no route claims.
pub(crate) async fn unknown_address() -> WebError {
    WebError::NotFound
}

/// What `error.html` shows.
#[derive(Serialize)]
struct ErrorPage {
    status: u16,
    code: &'static str,
    message: String,
    fields: Vec<FieldInfo>,
    /// Whether the page offers the way back to the dashboard (signed in) or to sign in.
    signed_in: bool,
}

/// Turns an error response from an admin handler into the admin's error page.
pub(crate) async fn error_page(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    let session = req.extensions().get::<Session>().cloned();
    let res = next.run(req).await;
    let Some(info) = res.extensions().get::<ErrorInfo>().cloned() else {
        return res;
    };
    match page(&state, session, info).await {
        Ok(mut page) => {
            if let Some(v) = res.headers().get(header::RETRY_AFTER) {
                page.headers_mut().insert(header::RETRY_AFTER, v.clone());
            }
            page
        }
        Err(e) => {
            tracing::error!(error = %e, "could not render the admin error page");
            res
        }
    }
}

async fn page(
    state: &AppState,
    session: Option<Session>,
    info: ErrorInfo,
) -> Result<Response, WebError> {
    let title = match info.status {
        StatusCode::NOT_FOUND => "Not found",
        StatusCode::UNAUTHORIZED => "Sign-in required",
        StatusCode::FORBIDDEN => "Not allowed",
        StatusCode::CONFLICT => "Conflict",
        StatusCode::UNPROCESSABLE_ENTITY => "Some fields need attention",
        StatusCode::TOO_MANY_REQUESTS => "Too many attempts",
        s if s.is_server_error() => "Something went wrong",
        _ => "That did not work",
    };
    let who = match &session {
        Some(s) => signed_in(state, s).await,
        None => None,
    };
    let layout = match &who {
        Some(who) => match Layout::signed_in(state, who, title, "").await {
            Ok(l) => l,
            Err(_) => Layout::bare(state, title).await,
        },
        None => Layout::bare(state, title).await,
    };
    let page = ErrorPage {
        status: info.status.as_u16(),
        code: info.code,
        message: info.message,
        fields: info.fields,
        signed_in: who.is_some(),
    };
    let mut res = render(state, "error.html", layout, page)?;
    *res.status_mut() = info.status;
    Ok(res)
}

/// The staff member signed in on this session, if any (an error page is no place to insist).
async fn signed_in(state: &AppState, session: &Session) -> Option<SignedIn> {
    let id: i64 = session.get(STAFF_ID).await.ok().flatten()?;
    let staff = state.store.staff_by_id(id).await.ok().filter(|s| !s.disabled)?;
    Some(SignedIn { staff, session: session.clone() })
}
