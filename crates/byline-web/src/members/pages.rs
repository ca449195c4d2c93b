//! How the members' pages are answered: the site's frame, the theme's template, and headers
//! that keep them out of every cache (they show one person's details or spend a link).

use crate::public::render::PageFrame;
use crate::{AppState, WebError};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use byline_render::view::MemberMessagePage;
use serde::Serialize;

/// Renders `template` with `view`, answered with `status`, never cached.
pub(crate) fn page(
    state: &AppState,
    status: StatusCode,
    template: &str,
    view: &impl Serialize,
) -> Result<Response, WebError> {
    let mut r = (status, Html(state.theme.render(template, view)?)).into_response();
    r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(r)
}

/// A page that only says something, with a way on.
pub(crate) async fn message(
    state: &AppState,
    status: StatusCode,
    heading: &str,
    text: &str,
    next: Option<(&str, &str)>,
) -> Result<Response, WebError> {
    let chrome = PageFrame::load(state).await?;
    let mut view = MemberMessagePage::new(&chrome.site, heading, text, "/members/");
    view.next = next.map(|(words, path)| (words.to_owned(), path.to_owned()));
    page(state, status, "member_message.html", &view)
}

/// Adds a `Set-Cookie` header to `r`.
pub(crate) fn with_cookie(mut r: Response, cookie: &str) -> Response {
    if let Ok(v) = HeaderValue::from_str(cookie) {
        r.headers_mut().append(header::SET_COOKIE, v);
    }
    r
}

/// 429 with the page that says so, and when to try again.
pub(crate) async fn too_many(
    state: &AppState,
    retry_after: u64,
    per: &str,
) -> Result<Response, WebError> {
    let why = if per == "email" {
        "Too many links were sent to this address in the last hour."
    } else {
        "Too many links were asked for from your network in the last hour."
    };
    let minutes = retry_after.div_ceil(60);
    let text = format!("{why} Please try again in {minutes} minutes.");
    let mut r =
        message(state, StatusCode::TOO_MANY_REQUESTS, "Please wait a little", &text, None).await?;
    if let Ok(v) = HeaderValue::from_str(&retry_after.to_string()) {
        r.headers_mut().insert(header::RETRY_AFTER, v);
    }
    Ok(r)
}
