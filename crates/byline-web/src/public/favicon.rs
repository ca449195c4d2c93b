//! `/favicon.ico`, which browsers ask for on their own: the publication's icon when it is
//! on this site, else the theme's built-in one, small and cached for a week. Pages name
//! the publication's icon directly (`<link rel="icon">`), wherever it lives; this address
//! never redirects off the site.

use crate::cache::CacheTags;
use crate::{AppState, WebError};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use byline_store::changes;

/// How long browsers keep the built-in icon.
const BUILT_IN_CACHE: &str = "public, max-age=604800";

pub(crate) async fn favicon(State(s): State<AppState>) -> Response {
    let own = match s.frame().await {
        Ok(f) => f.publication.favicon.clone(),
        Err(e) => return WebError::from(e).into_response(),
    };
    if let Some(path) = own.filter(|p| p.starts_with('/') && !p.starts_with("//"))
        && path != "/favicon.ico"
    {
        let mut r = Redirect::temporary(&path).into_response();
        r.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600"));
        return r;
    }
    let Some(a) = s.theme.asset("favicon.ico") else {
        return WebError::NotFound.into_response();
    };
    let mut h = HeaderMap::new();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(a.content_type));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(BUILT_IN_CACHE));
    h.insert(header::ETAG, HeaderValue::from_str(&format!("\"{}\"", a.version)).expect("hex"));
    let mut r = (h, a.bytes.clone().into_owned()).into_response();
    // Kept by the page cache, which answers conditional requests; a settings change drops it.
    r.extensions_mut().insert(CacheTags(vec![changes::SITE.to_owned()]));
    r
}
