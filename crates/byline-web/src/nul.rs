//! Refuses NUL characters at the edge, before any handler or the database sees them:
//! PostgreSQL cannot store U+0000 in text and would answer a 500, and no field has a use for
//! it. Looks at the path, the query string and form or JSON bodies (files are left alone).

use crate::WebError;
use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The most a form or JSON body may hold; larger ones are refused with 413 here (the
/// extractors' own default limit is lower, so this only bounds what is read to check).
const MAX_TEXT_BODY: usize = 16 << 20;

enum Kind {
    Form,
    Json,
}

fn refused(place: &str) -> Response {
    WebError::BadRequest(format!(
        "the {place} contains a NUL character (U+0000), which no text may hold"
    ))
    .into_response()
}

pub(crate) async fn refuse_nul(req: Request, next: Next) -> Response {
    // `%00` is a percent-encoded NUL wherever it stands in a path or query.
    if req.uri().path().contains("%00") {
        return refused("address");
    }
    if req.uri().query().is_some_and(|q| q.contains("%00")) {
        return refused("query string");
    }
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let kind = if content_type.starts_with("application/x-www-form-urlencoded") {
        Kind::Form
    } else if content_type.contains("json") {
        Kind::Json
    } else {
        return next.run(req).await;
    };
    let (parts, body) = req.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_TEXT_BODY).await else {
        return WebError::TooLarge(format!("the request body is over {} MB", MAX_TEXT_BODY >> 20))
            .into_response();
    };
    let nul = match kind {
        Kind::Form => form_has_nul(&bytes),
        Kind::Json => json_has_nul(&bytes),
    };
    if nul {
        return refused(match kind {
            Kind::Form => "form",
            Kind::Json => "JSON body",
        });
    }
    next.run(Request::from_parts(parts, Body::from(bytes))).await
}

fn form_has_nul(bytes: &[u8]) -> bool {
    bytes.contains(&0)
        || (bytes.windows(3).any(|w| w == b"%00")
            && url::form_urlencoded::parse(bytes)
                .any(|(k, v)| k.contains('\0') || v.contains('\0')))
}

/// A raw NUL byte, or a `\u0000` escape that decodes to one (not `\\u0000`, which is text).
fn json_has_nul(bytes: &[u8]) -> bool {
    if bytes.contains(&0) {
        return true;
    }
    if !bytes.windows(6).any(|w| w.eq_ignore_ascii_case(b"\\u0000")) {
        return false;
    }
    fn any_nul(v: &serde_json::Value) -> bool {
        match v {
            serde_json::Value::String(s) => s.contains('\0'),
            serde_json::Value::Array(a) => a.iter().any(any_nul),
            serde_json::Value::Object(o) => o.iter().any(|(k, v)| k.contains('\0') || any_nul(v)),
            _ => false,
        }
    }
    // Unparsable JSON is left to the handler's extractor, which explains what is wrong.
    serde_json::from_slice::<serde_json::Value>(bytes).is_ok_and(|v| any_nul(&v))
}
