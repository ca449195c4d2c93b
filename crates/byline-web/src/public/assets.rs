//! The theme's assets (stylesheets, images), with long caching when the URL carries the
//! asset's version.

use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

#[derive(Deserialize)]
pub(crate) struct Version {
    v: Option<String>,
}

pub(crate) async fn asset(
    State(s): State<AppState>,
    Path(path): Path<String>,
    Query(q): Query<Version>,
    headers: HeaderMap,
) -> Response {
    let Some(a) = s.theme.asset(&path) else {
        return (StatusCode::NOT_FOUND, "Not found").into_response();
    };
    let etag = format!("\"{}\"", a.version);
    let cache = if q.v.as_deref() == Some(a.version.as_str()) {
        "public, max-age=31536000, immutable"
    } else {
        "public, max-age=300"
    };
    let mut h = HeaderMap::new();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(a.content_type));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    h.insert(header::ETAG, HeaderValue::from_str(&etag).expect("hex is a valid header"));
    if headers.get(header::IF_NONE_MATCH).is_some_and(|v| v.as_bytes() == etag.as_bytes()) {
        return (StatusCode::NOT_MODIFIED, h).into_response();
    }
    (h, a.bytes.clone().into_owned()).into_response()
}
