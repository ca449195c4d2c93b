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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_passwords() {
        assert_eq!(redact_url("postgres://u:secret@h/db"), "postgres://u:***@h/db");
        assert_eq!(redact_url("sqlite://x.db?mode=rwc"), "sqlite://x.db?mode=rwc");
    }
}
