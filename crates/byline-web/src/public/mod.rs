//! The public site: every route a reader can visit.

mod archives;
mod articles;
mod assets;
pub(crate) mod chrome;
mod conditional;
mod favicon;
mod paths;
mod reach;
mod republish;

use crate::AppState;
use axum::Router;
use axum::http::{StatusCode, Uri, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(articles::home))
        .route("/robots.txt", get(reach::robots))
        .route("/favicon.ico", get(favicon::favicon))
        .route("/sitemap.xml", get(reach::sitemap_index))
        .route("/sitemaps/{file}", get(reach::sitemap_file))
        .route("/r/{file}", get(republish::pixel))
        .route("/share/mastodon/", get(republish::mastodon))
        .route("/articles/{slug}/republish/", get(republish::republish))
        .route("/authors/{slug}/{file}", get(reach::author_feed))
        .route("/feed.xml", get(reach::site_rss))
        .route("/atom.xml", get(reach::site_atom))
        .route("/feed.json", get(reach::site_json))
        .route("/{taxonomy}/{term}/{file}", get(reach::term_feed))
        .route("/page/{n}/", get(articles::home_page))
        .route("/articles/{slug}/", get(articles::article))
        .route("/authors/{slug}/", get(archives::author))
        .route("/authors/{slug}/page/{n}/", get(archives::author_page))
        .route("/assets/{*path}", get(assets::asset))
        .route("/healthz", get(health))
        .route("/{slug}/", get(archives::taxonomy_or_page))
        .route("/{taxonomy}/{term}/", get(archives::term))
        .route("/{taxonomy}/{term}/page/{n}/", get(archives::term_page))
        .fallback(fallback)
}

/// Site URLs end in `/`; a path without one (and without a file extension) is sent to the
/// slashed form, keeping its query. Anything else is not found.
async fn fallback(uri: Uri) -> Response {
    let path = uri.path();
    let last = path.rsplit('/').next().unwrap_or("");
    if !path.ends_with('/') && !last.contains('.') {
        let target = match uri.query() {
            Some(q) => format!("{path}/?{q}"),
            None => format!("{path}/"),
        };
        return Redirect::permanent(&target).into_response();
    }
    crate::WebError::NotFound.into_response()
}

/// For load balancers: answers 200 while the database answers.
async fn health(axum::extract::State(state): axum::extract::State<AppState>) -> Response {
    match state.store.publication().await {
        Ok(_) => ([(header::CACHE_CONTROL, "no-store")], "ok").into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}
