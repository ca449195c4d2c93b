//! Issuing member passes, and keeping them fresh.
//!
//! A pass is fresh for [`FRESH_FOR`] and lasts [`LASTS`]. [`refresh`] runs in front of the
//! public site and the members' pages: a fresh pass costs no query; a stale one re-reads the
//! member, checks their pass generation ("sign out everywhere" raises it) and issues a new
//! pass, or clears the cookie when the member is gone or signed out everywhere. The reader it
//! settles on goes on the request (for the page cache's key and the `Reader` extractor) and,
//! for the page frame's header, into [`current`].

use super::reader::{MEMBER_COOKIE, pass_cookie, pass_of};
use crate::AppState;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use byline_core::member_pass::Pass;
use byline_core::members::{Member, Reader};
use chrono::{DateTime, Duration, Utc};

/// How long a pass is trusted without looking at the member again.
pub const FRESH_FOR: Duration = Duration::minutes(10);
/// How long a sign-in lasts without a visit (each refresh extends it).
pub const LASTS: Duration = Duration::days(30);

tokio::task_local! {
    static READER: Reader;
}

/// The reader of the request being served ([`refresh`] sets it); anonymous outside one.
pub fn current() -> Reader {
    READER.try_with(Reader::clone).unwrap_or_default()
}

/// A new pass for `member` at `now`.
pub fn new_pass(
    member: &Member,
    generation: i64,
    paid_tiers: &[String],
    now: DateTime<Utc>,
) -> Pass {
    Pass {
        member_id: member.id,
        reader: member.reader(now, paid_tiers),
        generation,
        fresh_until: now + FRESH_FOR,
        expires: now + LASTS,
    }
}

/// A new pass cookie for `member` when `pass` no longer says what they may read (a payment
/// or a grant since it was issued), for pages that have just read the member anyway: the
/// account page, where Stripe sends a member back after paying, opens what they paid for at
/// once rather than when the pass next goes stale. `None` when the pass is still right.
pub async fn renewed_if_changed(state: &AppState, pass: &Pass, member: &Member) -> Option<String> {
    let now = Utc::now();
    let paid = match state.store.paid_tier_slugs().await {
        Ok(p) => p,
        Err(e) => {
            tracing::warn!(error = %e, "could not check a member pass");
            return None;
        }
    };
    if member.reader(now, &paid) == pass.reader {
        return None;
    }
    let fresh = new_pass(member, pass.generation, &paid, now);
    pass_cookie(state, &fresh)
        .await
        .inspect_err(|e| tracing::warn!(error = %e, "could not issue a member pass"))
        .ok()
}

/// A `Set-Cookie` value that removes the member pass.
pub fn clear_cookie(state: &AppState) -> String {
    let secure = if state.base_url.starts_with("https://") { "; Secure" } else { "" };
    format!("{MEMBER_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax{secure}")
}

/// What to do with the request's pass.
enum Renewal {
    Keep,
    Issue(String),
    Clear,
}

/// The middleware: settles who the reader is, refreshing a stale pass.
pub(crate) async fn refresh(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let (mut parts, body) = req.into_parts();
    let now = Utc::now();
    let (pass, renewal) = match pass_of(&state, &parts).await {
        None => (None, Renewal::Keep),
        Some(p) if !p.is_stale(now) => (Some(p), Renewal::Keep),
        Some(p) => renew(&state, p, now).await,
    };
    let reader = pass.as_ref().map(|p| p.reader.clone()).unwrap_or_default();
    parts.extensions.insert(reader.clone());
    // The members' pages read the (refreshed) pass from here: `Option<Extension<Pass>>`.
    if let Some(p) = pass {
        parts.extensions.insert(p);
    }
    let req = Request::from_parts(parts, body);
    let mut res = READER.scope(reader, next.run(req)).await;
    // The same address shows members another header (and, gated, more): browsers and shared
    // caches must not answer one reader with another's copy.
    res.headers_mut().append(header::VARY, HeaderValue::from_static("cookie"));
    let cookie = match renewal {
        Renewal::Keep => return res,
        Renewal::Issue(c) => c,
        Renewal::Clear => clear_cookie(&state),
    };
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        res.headers_mut().append(header::SET_COOKIE, v);
        // A response that sets someone's pass must not be kept by shared caches.
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-cache"));
    }
    res
}

/// Re-reads the member behind a stale pass: a new pass, or none when the member is gone or
/// signed out everywhere.
async fn renew(state: &AppState, p: Pass, now: DateTime<Utc>) -> (Option<Pass>, Renewal) {
    let found = state.store.member_for_pass(p.member_id).await;
    let paid = state.store.paid_tier_slugs().await;
    match (found, paid) {
        (Ok(Some((m, generation))), Ok(paid)) if generation == p.generation => {
            let pass = new_pass(&m, generation, &paid, now);
            match pass_cookie(state, &pass).await {
                Ok(c) => (Some(pass), Renewal::Issue(c)),
                Err(e) => {
                    tracing::warn!(error = %e, "could not issue a member pass");
                    (Some(p), Renewal::Keep)
                }
            }
        }
        (Ok(_), Ok(_)) => (None, Renewal::Clear),
        (Err(e), _) | (_, Err(e)) => {
            // Better the pass's own word for a while than no page.
            tracing::warn!(error = %e, "could not refresh a member pass");
            (Some(p), Renewal::Keep)
        }
    }
}
