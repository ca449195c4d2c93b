//! Newsletter opens and clicks, counted for sends that count them (the publication turned
//! it on; off by default). `/newsletters/open/{send}/pixel.gif` counts an open and answers a
//! transparent image; `/newsletters/click/{send}/?u=URL&t=SIGNATURE` counts a click and
//! redirects to `URL` only when the signature says that URL was in that send's email: any
//! other address gets a page saying the link is not valid, never a redirect (no open
//! redirect; the one place the site redirects off its own origin). Both addresses are the
//! same for every recipient and nothing about the reader is kept: only the counts go up.

use crate::members::pages::message;
use crate::public::republish::PIXEL;
use crate::{AppState, WebError};
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use byline_core::newsletters::link_token_matches;
use byline_store::Tracked;
use serde::Deserialize;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/newsletters/open/{send}/pixel.gif", get(open))
        .route("/newsletters/click/{send}/", get(click))
}

/// Counts an open (when the send counts them) and answers the same image whatever happens.
async fn open(State(state): State<AppState>, Path(send): Path<String>) -> Response {
    if let Ok(id) = send.parse::<i64>()
        && let Err(e) = state.store.count_tracked(id, Tracked::Open).await
    {
        tracing::warn!(error = %e, send = id, "could not count a newsletter open");
    }
    let mut h = HeaderMap::new();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("image/gif"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store, max-age=0"));
    h.insert("cross-origin-resource-policy", HeaderValue::from_static("cross-origin"));
    (StatusCode::OK, h, PIXEL).into_response()
}

#[derive(Deserialize, Default)]
struct ClickQuery {
    #[serde(default)]
    u: String,
    #[serde(default)]
    t: String,
}

/// The longest URL a click address carries.
const MAX_URL: usize = 4096;

async fn click(
    State(state): State<AppState>,
    Path(send): Path<String>,
    Query(q): Query<ClickQuery>,
) -> Result<Response, WebError> {
    let key = state.member_key().await?;
    let web = q.u.starts_with("https://") || q.u.starts_with("http://");
    let ok = send
        .parse::<i64>()
        .ok()
        .filter(|id| web && q.u.len() <= MAX_URL && link_token_matches(&key, *id, &q.u, &q.t));
    let Some(id) = ok else {
        let text = "This link is not complete or not valid, so it leads nowhere. Open the \
                    newsletter again and use the link there.";
        return message(&state, StatusCode::BAD_REQUEST, "Link not valid", text, None).await;
    };
    if let Err(e) = state.store.count_tracked(id, Tracked::Click).await {
        tracing::warn!(error = %e, send = id, "could not count a newsletter click");
    }
    let location = HeaderValue::from_str(&q.u)
        .map_err(|_| WebError::BadRequest("u: the link's address cannot be sent".into()))?;
    let mut h = HeaderMap::new();
    h.insert(header::LOCATION, location);
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    Ok((StatusCode::FOUND, h).into_response())
}
