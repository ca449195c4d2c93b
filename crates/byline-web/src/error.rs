//! The one error type at the HTTP edge. Each variant has one status; internal detail goes to
//! the log, never to the reader. Not-found answers are themed in one place
//! ([`themed_not_found`]), so every handler can simply return `WebError::NotFound`.

use crate::AppState;
use crate::public::chrome::Chrome;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use byline_render::RenderError;
use byline_render::view::NotFoundPage;
use byline_store::{ArticleFilter, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum WebError {
    #[error("not found")]
    NotFound,
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<StoreError> for WebError {
    fn from(e: StoreError) -> Self {
        if e.is_not_found() { WebError::NotFound } else { WebError::Internal(e.to_string()) }
    }
}

impl From<RenderError> for WebError {
    fn from(e: RenderError) -> Self {
        WebError::Internal(e.to_string())
    }
}

/// Marks a 404 that should get the themed page.
#[derive(Clone, Copy)]
struct ThemeMe;

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        match self {
            WebError::NotFound => {
                let mut r = (StatusCode::NOT_FOUND, "Not found").into_response();
                r.extensions_mut().insert(ThemeMe);
                r
            }
            WebError::Internal(detail) => {
                tracing::error!(%detail, "request failed");
                let body = "<!doctype html><html lang=en><meta charset=utf-8>\
                    <title>Something went wrong</title><h1>Something went wrong</h1>\
                    <p>The page could not be shown because of a problem on our side. \
                    Please try again in a moment.</p>";
                (StatusCode::INTERNAL_SERVER_ERROR, Html(body)).into_response()
            }
        }
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
    let chrome = Chrome::load(state).await?;
    let latest = state.store.published_articles(&ArticleFilter::All, 1, 5).await?;
    Ok(state.theme.render("404.html", &NotFoundPage::new(&chrome.site, path, &latest.items))?)
}
