//! Byline's HTTP edge: the axum router, the public site's handlers, and the one error type
//! that turns failures into responses.
//!
//! Handlers stay thin: validate the path, ask the store, build a view-model, render. This
//! crate may depend on core, store and render; nothing below may depend on it.

pub mod admin;
pub mod api;
pub mod cache;
pub mod client;
pub mod comments;
pub mod contact;
mod error;
pub mod ghost;
pub mod mail;
pub mod media;
pub mod members;
mod newsletter_counts;
mod newsletters;
mod nul;
mod public;
mod redirect;
pub mod search_limit;
mod state;
pub mod tracking;

pub use error::{ErrorInfo, WebError};
pub use public::member_feed::path_for as member_feed_path;
pub use state::{AppState, DEFAULT_CACHE_MB};

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::middleware;
use client::ClientAddr;
use tower_http::compression::CompressionLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

/// What every response says about how a browser may use it: no third-party anything.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; img-src 'self' data:; \
    style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'self'; \
    form-action 'self'; frame-ancestors 'self'";

/// The whole application as one router.
pub fn router(state: AppState) -> Router {
    let proxies = state.trusted_proxies.clone();
    // NUL is refused inside each surface's error shaping (admin page, API JSON, theme).
    let public = public::routes()
        .layer(middleware::from_fn(nul::refuse_nul))
        .layer(middleware::from_fn_with_state(state.clone(), public::old_addresses::redirect))
        .layer(middleware::from_fn_with_state(state.clone(), error::themed_not_found))
        .layer(middleware::from_fn_with_state(state.clone(), cache::serve))
        .layer(middleware::from_fn_with_state(state.clone(), members::passes::refresh));
    Router::new()
        .merge(admin::routes(&state))
        .merge(members::routes(&state))
        .merge(contact::routes(&state))
        .merge(comments::routes(&state))
        .merge(
            newsletters::routes()
                .layer(middleware::from_fn_with_state(state.clone(), members::passes::refresh)),
        )
        .merge(newsletter_counts::routes())
        .merge(api::routes())
        .merge(media::routes())
        .merge(ghost::routes().layer(middleware::from_fn_with_state(state.clone(), cache::serve)))
        .merge(members::stripe::routes())
        .merge(public)
        .layer(middleware::from_fn_with_state(state.clone(), cache::read_your_writes))
        .with_state(state)
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("strict-origin-when-cross-origin"),
        ))
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http().make_span_with(move |req: &axum::extract::Request| {
            let client = ClientAddr::of(&proxies, req.extensions(), req.headers());
            tracing::info_span!(
                "request",
                method = %req.method(),
                uri = %req.uri(),
                version = ?req.version(),
                client = %client.0,
            )
        }))
}
