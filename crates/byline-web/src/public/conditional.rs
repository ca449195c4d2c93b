//! Answers that browsers and feed readers may cache: an ETag from the bytes, Last-Modified
//! when known, and 304 Not Modified when the client already has them.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use std::hash::{DefaultHasher, Hash, Hasher};

pub(crate) fn cacheable(
    request: &HeaderMap,
    body: String,
    content_type: &'static str,
    last_modified: Option<DateTime<Utc>>,
) -> Response {
    let mut h = DefaultHasher::new();
    body.hash(&mut h);
    let etag = format!("\"{:016x}\"", h.finish());
    let mut headers = HeaderMap::new();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=300"));
    headers.insert(header::ETAG, HeaderValue::from_str(&etag).expect("hex is a header value"));
    let http_date = last_modified.map(|d| d.format("%a, %d %b %Y %H:%M:%S GMT").to_string());
    if let Some(d) = &http_date {
        headers.insert(
            header::LAST_MODIFIED,
            HeaderValue::from_str(d).expect("a date is a header value"),
        );
    }
    let fresh = match request.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) {
        Some(tags) => tags.split(',').any(|t| t.trim() == etag || t.trim() == "*"),
        None => match (
            request.get(header::IF_MODIFIED_SINCE).and_then(|v| v.to_str().ok()),
            last_modified,
        ) {
            (Some(since), Some(modified)) => DateTime::parse_from_rfc2822(since)
                .map(|since| modified.timestamp() <= since.timestamp())
                .unwrap_or(false),
            _ => false,
        },
    };
    if fresh {
        return (StatusCode::NOT_MODIFIED, headers).into_response();
    }
    (headers, body).into_response()
}
