//! Cross-site request forgery protection for every state-changing admin request, in two
//! independent checks:
//!
//! 1. The browser's word on where the request came from: `Sec-Fetch-Site` must be
//!    `same-origin` (or `none`, typed by the user), and an `Origin` header must be this
//!    site's. Browsers send these on every cross-site POST, so a form on another site is
//!    refused before anything runs.
//! 2. A token tied to the session: forms carry it in a hidden `csrf` field, scripts in an
//!    `X-CSRF-Token` header; a multipart upload form carries it in its action's query
//!    (`?csrf=`), since its body is streamed to the handler.

use super::frame::CSRF;
use crate::{AppState, WebError};
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use byline_core::secret::same;
use tower_sessions::Session;

/// The largest form body read for its token (uploads are multipart and not read here).
const FORM_LIMIT: usize = 4 << 20;

pub(crate) async fn protect(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    if let Err(why) = same_origin(req.headers(), &state.base_url) {
        tracing::warn!(path = %req.uri().path(), why, "refused a cross-site request");
        return WebError::forbidden(format!("cross-site request refused: {why}")).into_response();
    }
    let Some(session) = req.extensions().get::<Session>().cloned() else {
        return WebError::Internal("the session layer is missing".into()).into_response();
    };
    let expected: Option<String> = session.get(CSRF).await.ok().flatten();
    let (parts, body) = req.into_parts();
    let mut given = parts
        .headers
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .or_else(|| query_token(parts.uri.query()));
    let is_form = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
    let body = if is_form {
        let bytes = match to_bytes(body, FORM_LIMIT).await {
            Ok(b) => b,
            Err(_) => {
                return WebError::TooLarge("the form is larger than 4 MiB".into()).into_response();
            }
        };
        if given.is_none() {
            given = url::form_urlencoded::parse(&bytes)
                .find(|(k, _)| k == "csrf")
                .map(|(_, v)| v.into_owned());
        }
        Body::from(bytes)
    } else {
        body
    };
    match (expected, given) {
        (Some(e), Some(g)) if same(&e, &g) => next.run(Request::from_parts(parts, body)).await,
        _ => WebError::forbidden(
            "this form has expired or did not come from this site; reload the page and try again",
        )
        .into_response(),
    }
}

fn query_token(query: Option<&str>) -> Option<String> {
    url::form_urlencoded::parse(query?.as_bytes())
        .find(|(k, _)| k == "csrf")
        .map(|(_, v)| v.into_owned())
}

/// Checks the browser's own statement of where a request came from.
pub(crate) fn same_origin(headers: &HeaderMap, base_url: &str) -> Result<(), &'static str> {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok())
        && !matches!(site, "same-origin" | "none")
    {
        return Err("Sec-Fetch-Site is not same-origin");
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return Ok(());
    };
    if origin == "null" {
        return Err("the Origin is opaque");
    }
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    let origin_host = origin.split_once("://").map(|(_, h)| h);
    let base_origin = origin_of(base_url);
    if Some(origin) == base_origin.as_deref() {
        return Ok(());
    }
    // Served under another name than base_url (a local address): the Host must match. On the
    // site's own host the scheme must be the site's too (http is not the https site).
    let base_host = base_origin.as_deref().and_then(|o| o.split_once("://")).map(|(_, h)| h);
    if host.is_some() && origin_host == host && origin_host != base_host {
        Ok(())
    } else {
        Err("the Origin is another site (scheme, host or port)")
    }
}

fn origin_of(url: &str) -> Option<String> {
    let u = url::Url::parse(url).ok()?;
    Some(u.origin().ascii_serialization())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn judges_origins() {
        let base = "https://news.example";
        assert!(same_origin(&headers(&[]), base).is_ok());
        assert!(same_origin(&headers(&[("origin", "https://news.example")]), base).is_ok());
        assert!(
            same_origin(
                &headers(&[("origin", "http://127.0.0.1:8080"), ("host", "127.0.0.1:8080")]),
                base
            )
            .is_ok()
        );
        assert!(same_origin(&headers(&[("origin", "https://evil.example")]), base).is_err());
        // The scheme counts: plain http on the site's own host is another origin.
        let downgraded = [("origin", "http://news.example"), ("host", "news.example")];
        assert!(same_origin(&headers(&downgraded), base).is_err());
        assert!(same_origin(&headers(&[("origin", "http://news.example")]), base).is_err());
        assert!(same_origin(&headers(&[("origin", "null")]), base).is_err());
        assert!(same_origin(&headers(&[("sec-fetch-site", "cross-site")]), base).is_err());
        assert!(same_origin(&headers(&[("sec-fetch-site", "same-site")]), base).is_err());
        assert!(same_origin(&headers(&[("sec-fetch-site", "same-origin")]), base).is_ok());
    }
}
