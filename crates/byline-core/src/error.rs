//! Validation errors: which field is wrong and why, so that every edge (import, admin, API)
//! can say exactly what to fix.

use std::fmt;

/// One field that failed validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The field's name as the user wrote it (for example `source_url` or `date`).
    pub field: String,
    /// What is wrong, in words a user can act on.
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self { field: field.into(), message: message.into() }
    }
}

/// A value that failed validation on one or more fields.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct Invalid(pub Vec<FieldError>);

impl Invalid {
    pub fn one(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self(vec![FieldError::new(field, message)])
    }
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{}: {}", e.field, e.message)?;
        }
        Ok(())
    }
}

/// Collects field errors while a value is checked, then turns into `Result`.
#[derive(Debug, Default)]
pub(crate) struct Checker(Vec<FieldError>);

impl Checker {
    pub(crate) fn fail(&mut self, field: &str, message: impl Into<String>) {
        self.0.push(FieldError::new(field, message));
    }

    /// Requires a non-blank value; returns it trimmed.
    pub(crate) fn required(&mut self, field: &str, value: &str) -> String {
        let v = value.trim();
        if v.is_empty() {
            self.fail(field, "is required");
        }
        v.to_owned()
    }

    /// Checks an optional absolute http(s) URL; blank counts as absent.
    pub(crate) fn url(&mut self, field: &str, value: Option<&str>) -> Option<String> {
        let v = value.map(str::trim).filter(|v| !v.is_empty())?;
        match url::Url::parse(v) {
            Ok(u) if matches!(u.scheme(), "http" | "https") => Some(v.to_owned()),
            Ok(u) => {
                self.fail(field, format!("must be an http or https URL, not {}:", u.scheme()));
                None
            }
            Err(e) => {
                self.fail(field, format!("is not a valid URL ({e}): {v:?}"));
                None
            }
        }
    }

    /// Checks an optional URL that may also be a site-relative path (`/media/x.jpg`).
    pub(crate) fn url_or_path(&mut self, field: &str, value: Option<&str>) -> Option<String> {
        let v = value.map(str::trim).filter(|v| !v.is_empty())?;
        if v.starts_with('/') && !v.starts_with("//") {
            return Some(v.to_owned());
        }
        self.url(field, Some(v))
    }

    /// Checks an optional email address (a light check: one `@` with text either side).
    pub(crate) fn email(&mut self, field: &str, value: Option<&str>) -> Option<String> {
        let v = value.map(str::trim).filter(|v| !v.is_empty())?;
        match v.split_once('@') {
            Some((a, b))
                if !a.is_empty() && b.contains('.') && !v.contains(char::is_whitespace) =>
            {
                Some(v.to_owned())
            }
            _ => {
                self.fail(field, format!("is not an email address: {v:?}"));
                None
            }
        }
    }

    pub(crate) fn finish<T>(self, value: T) -> Result<T, Invalid> {
        if self.0.is_empty() { Ok(value) } else { Err(Invalid(self.0)) }
    }
}

/// Trims an optional string, turning blank into `None`.
pub(crate) fn non_blank(value: Option<&str>) -> Option<String> {
    value.map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned)
}
