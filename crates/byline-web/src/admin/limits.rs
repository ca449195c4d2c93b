//! Rate limits at the admin's doors (sign-in, the two-factor code, password-reset requests):
//! who is knocking ([`ClientAddr`]), whether they must wait, and the 429 answer that says for how long.

use crate::{AppState, WebError};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use byline_core::limits::Limit;

/// Who is knocking: the connection's address, or the one trusted proxies forwarded
/// (see [`crate::client`]). Per-address limits are keyed by it.
pub use crate::client::ClientAddr;

/// An attempt let through: it counts against its limits until it is forgiven.
#[must_use]
pub struct Attempt(Vec<i64>);

impl Attempt {
    /// The attempt succeeded: it no longer counts.
    pub async fn forgive(self, state: &AppState) -> Result<(), WebError> {
        Ok(state.store.forgive_attempts(&self.0).await?)
    }
}

/// Counts an attempt against every one of `checks` (a limit and whom it counts) first, then
/// judges it by the attempts before it: `Err(secs)` when it must wait that long (and then it
/// does not count). Counting before judging means attempts sent at the same moment cannot
/// all slip under a limit.
pub async fn admit(
    state: &AppState,
    checks: &[(Limit, &str)],
) -> Result<Result<Attempt, u64>, WebError> {
    let mut ids = Vec::with_capacity(checks.len());
    let mut longest: Option<u64> = None;
    for (limit, key) in checks {
        let id = state.store.note_attempt(*limit, key).await?;
        ids.push(id);
        if let Some(s) = state.store.retry_after(*limit, key, id).await? {
            longest = Some(longest.map_or(s, |l| l.max(s)));
        }
    }
    match longest {
        // A refused attempt is not held against anyone: the wait stays what it was.
        Some(secs) => {
            state.store.forgive_attempts(&ids).await?;
            Ok(Err(secs))
        }
        None => Ok(Ok(Attempt(ids))),
    }
}

/// What to tell someone who must wait `secs`.
pub fn message(secs: u64) -> String {
    let minutes = secs.div_ceil(60);
    format!(
        "Too many attempts. For your account's safety, wait {} before trying again.",
        if minutes <= 1 { "a minute".to_owned() } else { format!("{minutes} minutes") }
    )
}

/// Turns a rendered page into the 429 answer, with `Retry-After`.
pub fn too_many(mut page: Response, secs: u64) -> Response {
    *page.status_mut() = StatusCode::TOO_MANY_REQUESTS;
    if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
        page.headers_mut().insert(header::RETRY_AFTER, v);
    }
    page
}
