//! The reader of a page, from the member pass cookie (`byline_member`), separate from the
//! staff session. Opening it needs only the site key kept in memory: a members-only page for
//! a signed-in member costs no database query. A missing, forged or expired pass is an
//! anonymous reader.

use crate::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use byline_core::member_pass::Pass;
use byline_core::members::Reader;
use std::convert::Infallible;

/// The member session cookie's name.
pub const MEMBER_COOKIE: &str = "byline_member";

/// The pass in the request's `byline_member` cookie, if it opens with the site key.
pub async fn pass_of(state: &AppState, parts: &Parts) -> Option<Pass> {
    let value = cookie(parts, MEMBER_COOKIE)?;
    let key = state.member_key().await.ok()?;
    Pass::open(value, &key, chrono::Utc::now())
}

/// The value of cookie `name` in the request's `Cookie` headers.
fn cookie<'a>(parts: &'a Parts, name: &str) -> Option<&'a str> {
    parts
        .headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|h| h.to_str().ok())
        .flat_map(|h| h.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v)
}

/// A `Set-Cookie` value carrying `pass` (HttpOnly, SameSite=Lax, Secure when the site is
/// served over https, until the pass expires).
pub async fn pass_cookie(
    state: &AppState,
    pass: &Pass,
) -> Result<String, byline_store::StoreError> {
    let key = state.member_key().await?;
    let max_age = (pass.expires - chrono::Utc::now()).num_seconds().max(0);
    let secure = if state.base_url.starts_with("https://") { "; Secure" } else { "" };
    Ok(format!(
        "{MEMBER_COOKIE}={}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Lax{secure}",
        pass.seal(&key)
    ))
}

impl FromRequestParts<AppState> for Reader {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Infallible> {
        // The pass middleware (`passes::refresh`) leaves the reader it settled on, which may
        // be fresher than the request's cookie.
        if let Some(r) = parts.extensions.get::<Reader>() {
            return Ok(r.clone());
        }
        Ok(pass_of(state, parts).await.map(|p| p.reader).unwrap_or_default())
    }
}
