//! What the moving suites share: requests through the router of a store.

use axum::body::Body;
use axum::http::Request;
use axum::response::Response;
use byline_render::Theme;
use byline_store::Store;
use http_body_util::BodyExt;
use tower::ServiceExt;

/// The site's answer to a GET of `path`, uncached.
async fn respond(store: &Store, path: &str) -> Response {
    let mut state =
        byline_web::AppState::new(store.clone(), Theme::load(None).unwrap(), "https://x.example");
    state.cache = None;
    byline_web::router(state)
        .oneshot(Request::get(path).body(Body::empty()).unwrap())
        .await
        .unwrap()
}

/// The status and body of a GET of `path`.
pub async fn get(store: &Store, path: &str) -> (u16, String) {
    let res = respond(store, path).await;
    let status = res.status().as_u16();
    let body = res.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&body).into_owned())
}

/// Where an old address sends a reader: the target of its 301, a path on this site, in one
/// hop (an old address without its trailing slash is not first sent to the slashed form).
pub async fn moved(store: &Store, path: &str) -> String {
    let res = respond(store, path).await;
    assert_eq!(res.status().as_u16(), 301, "{path}");
    let to = res.headers()["location"].to_str().unwrap().to_owned();
    assert!(to.starts_with('/') && !to.starts_with("//"), "{path} → {to}");
    to
}
