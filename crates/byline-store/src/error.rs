//! The store's one error type. "Not found" is a variant, never a hidden `None`.

use byline_core::Invalid;
use sea_orm::DbErr;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{what} {key:?} not found")]
    NotFound { what: &'static str, key: String },
    #[error(transparent)]
    Invalid(#[from] Invalid),
    /// Saving would break a rule that spans rows (a slug already in use elsewhere, …).
    #[error("{0}")]
    Conflict(String),
    #[error("cannot connect to the database at {url}: {reason}")]
    Unreachable { url: String, reason: String },
    #[error(
        "unsupported database URL {0}; use sqlite://PATH (embedded) or postgres://USER@HOST/DB"
    )]
    UnsupportedUrl(String),
    #[error("could not bring the database schema up to date: {0}")]
    Migration(DbErr),
    #[error("database error: {0}")]
    Database(#[from] DbErr),
}

impl StoreError {
    pub fn is_not_found(&self) -> bool {
        matches!(self, StoreError::NotFound { .. })
    }

    pub(crate) fn not_found(what: &'static str, key: impl Into<String>) -> Self {
        StoreError::NotFound { what, key: key.into() }
    }
}

/// Hides the password in a database URL, for messages and logs.
pub(crate) fn redact_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        Ok(_) => url.to_owned(),
        Err(_) => "(an unparseable URL)".to_owned(),
    }
}

/// The most useful one-line reason a connection failed, without the driver's nesting.
pub(crate) fn connect_reason(e: &DbErr) -> String {
    let text = e.to_string();
    let text = text.rsplit(": ").next().unwrap_or(&text).trim();
    if text.is_empty() { e.to_string() } else { text.to_owned() }
}

/// A driver's message without its wrapper words and the server's source line number.
pub(crate) fn clean_reason(text: &str) -> String {
    let text = text
        .trim_start_matches("error returned from database: ")
        .trim_start_matches("error communicating with database: ");
    match text.rfind(" at line ") {
        Some(i) if text[i + 9..].chars().all(|c| c.is_ascii_digit()) => text[..i].to_owned(),
        _ => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleans_driver_messages() {
        assert_eq!(
            clean_reason("error returned from database: database \"x\" does not exist at line 948"),
            "database \"x\" does not exist"
        );
    }

    #[test]
    fn redacts_passwords() {
        assert_eq!(redact_url("postgres://u:secret@h/db"), "postgres://u:***@h/db");
        assert_eq!(redact_url("sqlite://x.db?mode=rwc"), "sqlite://x.db?mode=rwc");
    }
}
