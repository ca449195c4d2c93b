//! Checks on path segments before anything touches the database.

use crate::WebError;

/// A slug from the URL, if it is one Byline could have made; else not found.
pub(crate) fn slug(s: &str) -> Result<&str, WebError> {
    if byline_core::slug::is_slug(s) { Ok(s) } else { Err(WebError::NotFound) }
}

/// A page number from `/page/{n}/`: 2 or more (page 1 lives at the list's own address).
pub(crate) fn page_number(s: &str) -> Result<u64, WebError> {
    match s.parse::<u64>() {
        Ok(n) if n >= 2 && s == n.to_string() => Ok(n),
        _ => Err(WebError::NotFound),
    }
}

/// A page past the end of a list does not exist.
pub(crate) fn within(page: u64, pages: u64) -> Result<(), WebError> {
    if page <= pages { Ok(()) } else { Err(WebError::NotFound) }
}
