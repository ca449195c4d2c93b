//! The public site: every route a reader can visit.

mod archives;
mod articles;
mod assets;
pub(crate) mod comments;
mod conditional;
mod corrections;
mod favicon;
mod feeds;
pub(crate) mod member_feed;
mod moved;
pub(crate) mod old_addresses;
mod paths;
pub(crate) mod render;
pub(crate) mod republish;
mod search;
mod sitemaps;

use crate::AppState;
use axum::Router;
use axum::http::{StatusCode, Uri, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(articles::home))
        .route("/robots.txt", get(sitemaps::robots))
        .route("/favicon.ico", get(favicon::favicon))
        .route("/sitemap.xml", get(sitemaps::sitemap_index))
        .route("/sitemaps/{file}", get(sitemaps::sitemap_file))
        .route("/r/{file}", get(republish::pixel))
        .route("/share/mastodon/", get(republish::mastodon))
        .route("/articles/{slug}/republish/", get(republish::republish))
        .route("/articles/{slug}/comments/{part}/{n}/", get(comments::page))
        .route("/authors/{slug}/{file}", get(feeds::author_feed))
        .route("/feed.xml", get(feeds::site_rss))
        .route("/atom.xml", get(feeds::site_atom))
        .route("/feed.json", get(feeds::site_json))
        .route("/members/feed/{token}/{file}", get(member_feed::feed))
        .route("/{taxonomy}/{term}/{file}", get(feeds::term_feed))
        .route("/page/{n}/", get(articles::home_page))
        .route("/articles/{slug}/", get(articles::article))
        .route("/authors/{slug}/", get(archives::author))
        .route("/authors/{slug}/page/{n}/", get(archives::author_page))
        .route("/assets/{*path}", get(assets::asset))
        .route("/healthz", get(health))
        .route("/corrections/", get(corrections::first))
        .route("/corrections/page/{n}/", get(corrections::page))
        .route("/corrections/feed.xml", get(corrections::feed))
        .route("/search/", get(search::page))
        .route("/api/search", get(search::api))
        .route("/opensearch.xml", get(search::opensearch))
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
        // Normalised first: `///host/x` must not become a Location read as another site.
        if let Ok(Some(path)) = crate::redirect::same_origin_path(path) {
            let target = match uri.query() {
                Some(q) => format!("{}/?{q}", path.trim_end_matches('/')),
                None => format!("{}/", path.trim_end_matches('/')),
            };
            return Redirect::permanent(&target).into_response();
        }
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
