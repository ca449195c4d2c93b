//! The one error type at the HTTP edge. Each variant has one status and a stable code;
//! internal detail goes to the log, never to the reader. How an error looks depends on
//! where it happened, and is decided in one place per surface: the public site themes its
//! 404 ([`themed_not_found`]), the admin shows its own error page, and the Admin API answers
//! JSON (`{"error": {"code", "message", "fields"}}`). Handlers just return `WebError`.

use crate::AppState;
use crate::public::render::PageFrame;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use byline_core::Invalid;
use byline_render::RenderError;
use byline_render::view::NotFoundPage;
use byline_store::{ArticleFilter, StoreError};
use serde::Serialize;

#[derive(Debug, thiserror::Error)]
pub enum WebError {
    #[error("not found")]
    NotFound,
    /// The request itself is malformed (a bad query, an unreadable body).
    #[error("{0}")]
    BadRequest(String),
    /// No valid credentials (a missing or revoked API token, no session).
    #[error("sign-in required")]
    Unauthorized,
    /// Signed in, but this role may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// Fields that fail validation, each named.
    #[error("{0}")]
    Invalid(Invalid),
    /// The write conflicts with the current state (someone else saved first, a slug or email
    /// in use, the owner's role).
    #[error("{0}")]
    Conflict(String),
    #[error("too many attempts; try again in {0} seconds")]
    TooManyRequests(u64),
    #[error("{0}")]
    TooLarge(String),
    #[error("{0}")]
    UnsupportedMedia(String),
    #[error("internal error: {0}")]
    Internal(String),
}

impl WebError {
    pub fn status(&self) -> StatusCode {
        match self {
            WebError::NotFound => StatusCode::NOT_FOUND,
            WebError::BadRequest(_) => StatusCode::BAD_REQUEST,
            WebError::Unauthorized => StatusCode::UNAUTHORIZED,
            WebError::Forbidden(_) => StatusCode::FORBIDDEN,
            WebError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            WebError::Conflict(_) => StatusCode::CONFLICT,
            WebError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            WebError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            WebError::UnsupportedMedia(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            WebError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The stable code clients may match on.
    pub fn code(&self) -> &'static str {
        match self {
            WebError::NotFound => "not_found",
            WebError::BadRequest(_) => "bad_request",
            WebError::Unauthorized => "unauthorized",
            WebError::Forbidden(_) => "forbidden",
            WebError::Invalid(_) => "invalid",
            WebError::Conflict(_) => "conflict",
            WebError::TooManyRequests(_) => "rate_limited",
            WebError::TooLarge(_) => "too_large",
            WebError::UnsupportedMedia(_) => "unsupported_media_type",
            WebError::Internal(_) => "internal",
        }
    }

    pub fn forbidden(what: impl Into<String>) -> Self {
        WebError::Forbidden(what.into())
    }
}

impl From<StoreError> for WebError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound { .. } => WebError::NotFound,
            StoreError::Invalid(i) => WebError::Invalid(i),
            StoreError::Conflict(c) => WebError::Conflict(c),
            other => WebError::Internal(other.to_string()),
        }
    }
}

impl From<Invalid> for WebError {
    fn from(e: Invalid) -> Self {
        WebError::Invalid(e)
    }
}

impl From<RenderError> for WebError {
    fn from(e: RenderError) -> Self {
        WebError::Internal(e.to_string())
    }
}

/// What went wrong, in words a client can show: attached to every error response so that
/// each surface can present it its own way.
#[derive(Debug, Clone, Serialize)]
pub struct ErrorInfo {
    #[serde(skip)]
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    /// Field-level errors, for `invalid`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldInfo>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FieldInfo {
    pub field: String,
    pub message: String,
}

impl ErrorInfo {
    pub(crate) fn of(e: &WebError) -> Self {
        let message = match e {
            WebError::NotFound => "Nothing is here.".to_owned(),
            WebError::Unauthorized => "Sign in, or send a valid API token.".to_owned(),
            WebError::Invalid(_) => "Some fields need attention.".to_owned(),
            WebError::Internal(_) => {
                "Something went wrong on our side; please try again in a moment.".to_owned()
            }
            other => other.to_string(),
        };
        let fields = match e {
            WebError::Invalid(i) => {
                i.0.iter()
                    .map(|f| FieldInfo { field: f.field.clone(), message: f.message.clone() })
                    .collect()
            }
            _ => Vec::new(),
        };
        Self { status: e.status(), code: e.code(), message, fields }
    }
}

/// Marks a 404 that should get the themed page.
#[derive(Clone, Copy)]
struct ThemeMe;

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        if let WebError::Internal(detail) = &self {
            tracing::error!(%detail, "request failed");
        }
        let info = ErrorInfo::of(&self);
        let mut r = match &self {
            WebError::NotFound => (StatusCode::NOT_FOUND, "Not found").into_response(),
            WebError::Internal(_) => {
                let body = "<!doctype html><html lang=en><meta charset=utf-8>\
                    <title>Something went wrong</title><h1>Something went wrong</h1>\
                    <p>The page could not be shown because of a problem on our side. \
                    Please try again in a moment.</p>";
                (StatusCode::INTERNAL_SERVER_ERROR, Html(body)).into_response()
            }
            other => (other.status(), info.message.clone()).into_response(),
        };
        if let WebError::TooManyRequests(secs) = self
            && let Ok(v) = header::HeaderValue::from_str(&secs.to_string())
        {
            r.headers_mut().insert(header::RETRY_AFTER, v);
        }
        if matches!(self, WebError::NotFound) {
            r.extensions_mut().insert(ThemeMe);
        }
        r.extensions_mut().insert(info);
        r
    }
}

/// Turns a handler's bare 404 into the theme's 404 page, with the latest articles to go on to.
pub(crate) async fn themed_not_found(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    let path = req.uri().path().to_owned();
    let res = next.run(req).await;
    if res.status() != StatusCode::NOT_FOUND || res.extensions().get::<ThemeMe>().is_none() {
        return res;
    }
    match render_not_found(&state, &path).await {
        Ok(html) => {
            let mut r = (StatusCode::NOT_FOUND, Html(html)).into_response();
            r.headers_mut()
                .insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
            r
        }
        Err(e) => {
            tracing::error!(error = %e, "could not render the 404 page");
            res
        }
    }
}

async fn render_not_found(state: &AppState, path: &str) -> Result<String, WebError> {
    let chrome = PageFrame::load(state).await?;
    let latest = state.store.published_articles(&ArticleFilter::All, 1, 5).await?;
    Ok(state.theme.render("404.html", &NotFoundPage::new(&chrome.site, path, &latest.items))?)
}
