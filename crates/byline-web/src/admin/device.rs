//! The proven-device cookie at the sign-in door (see [`byline_core::device`]): read it for
//! the email being typed, and give one to a browser that typed the right password.

use crate::{AppState, WebError};
use axum::http::{HeaderMap, HeaderValue, header};

const DEVICE_COOKIE: &str = "byline_device";
/// A year: the marker only changes whose attempts a failure counts against.
const MAX_AGE_SECS: u64 = 365 * 24 * 3600;

/// The device id in the request's marker, if the site key signed it for `email`.
pub async fn proven(state: &AppState, headers: &HeaderMap, email: &str) -> Option<String> {
    let value = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|h| h.to_str().ok())
        .flat_map(|h| h.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(n, _)| *n == DEVICE_COOKIE)
        .map(|(_, v)| v)?;
    let key = state.member_key().await.ok()?;
    byline_core::device::open(value, email, &key)
}

/// The `Set-Cookie` value marking this browser as proven for `email` (HttpOnly, only sent
/// to the admin, Secure when the site is served over https).
pub async fn cookie(state: &AppState, email: &str) -> Result<HeaderValue, WebError> {
    let key = state.member_key().await?;
    let secure = if state.base_url.starts_with("https://") { "; Secure" } else { "" };
    let value = format!(
        "{DEVICE_COOKIE}={}; Path=/admin; Max-Age={MAX_AGE_SECS}; HttpOnly; SameSite=Strict{secure}",
        byline_core::device::seal(email, &key)
    );
    HeaderValue::from_str(&value).map_err(|e| WebError::Internal(e.to_string()))
}
