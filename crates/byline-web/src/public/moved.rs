//! Old addresses: an article, author or page whose slug changed answers its old address with
//! a permanent redirect to the new one (terms use `permanent` too, in `archives::term_list`). Only
//! what is not found under its slug is looked up, so a live one with that slug always wins.

use crate::WebError;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use byline_store::{SlugOf, Store, StoreError};

/// For a lookup of `slug` that failed with `e`: a 301 to `to(new slug)` when `slug` is an
/// old one of a `kind` still there for readers; otherwise the lookup's own error.
pub(crate) async fn or_redirect(
    store: &Store,
    kind: SlugOf,
    slug: &str,
    e: StoreError,
    to: impl FnOnce(&str) -> String,
) -> Result<Response, WebError> {
    if !e.is_not_found() {
        return Err(e.into());
    }
    match store.moved_slug(kind, slug).await {
        Ok(now) => permanent(&to(&now)),
        Err(m) if m.is_not_found() => Err(e.into()),
        Err(m) => Err(m.into()),
    }
}

/// A 301 (what the issue and crawlers expect of a moved page; these addresses are only ever
/// read) to a path on this site; anything else (another host, a scheme) is refused.
pub(crate) fn permanent(path: &str) -> Result<Response, WebError> {
    if !path.starts_with('/') || path.starts_with("//") || path.contains('\\') {
        return Err(WebError::NotFound);
    }
    Ok((StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, path)]).into_response())
}
