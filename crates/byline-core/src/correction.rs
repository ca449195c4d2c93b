//! Corrections: a dated note an editor adds to a published article to say what was wrong in
//! it. Shown on the article, in its JSON-LD (schema.org `correction`) and on `/corrections/`.

use crate::error::Invalid;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

/// The longest note, in characters.
pub const MAX_TEXT: usize = 2_000;

/// A correction as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Correction {
    pub id: i64,
    pub article_id: i64,
    /// Plain text (escaped wherever it is written).
    pub text: String,
    /// The day the correction was made public.
    pub date: NaiveDate,
    pub created_at: DateTime<Utc>,
}

/// A correction with the article it belongs to, for the corrections page and its feed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ListedCorrection {
    pub correction: Correction,
    pub article_slug: String,
    pub article_title: String,
}

/// Checks a correction's text and date (`YYYY-MM-DD`; blank means `today`).
pub fn check(text: &str, date: &str, today: NaiveDate) -> Result<(String, NaiveDate), Invalid> {
    let mut errs = Vec::new();
    let text = text.trim().replace("\r\n", "\n");
    let len = text.chars().count();
    if text.is_empty() {
        errs.push(crate::FieldError::new("text", "is required"));
    } else if len > MAX_TEXT {
        errs.push(crate::FieldError::new(
            "text",
            format!("is {len} characters long; the most is {MAX_TEXT}"),
        ));
    }
    let date = match date.trim() {
        "" => Some(today),
        d => match NaiveDate::parse_from_str(d, "%Y-%m-%d") {
            Ok(d) if d > today => {
                errs.push(crate::FieldError::new("date", "must not be in the future"));
                None
            }
            Ok(d) => Some(d),
            Err(_) => {
                errs.push(crate::FieldError::new(
                    "date",
                    format!("must be a date such as 2026-03-01, not {d:?}"),
                ));
                None
            }
        },
    };
    match (errs.is_empty(), date) {
        (true, Some(d)) => Ok((text, d)),
        _ => Err(Invalid(errs)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_date_are_checked() {
        let today = NaiveDate::from_ymd_opt(2026, 5, 1).unwrap();
        assert_eq!(check(" Fixed a name. ", "", today).unwrap(), ("Fixed a name.".into(), today));
        let d = NaiveDate::from_ymd_opt(2026, 4, 2).unwrap();
        assert_eq!(check("x", "2026-04-02", today).unwrap().1, d);
        let err = check("", "2026-13-01", today).unwrap_err();
        let fields: Vec<_> = err.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["text", "date"]);
        assert_eq!(check("x", "2026-05-02", today).unwrap_err().0[0].field, "date");
        assert_eq!(check(&"x".repeat(MAX_TEXT + 1), "", today).unwrap_err().0[0].field, "text");
    }
}
