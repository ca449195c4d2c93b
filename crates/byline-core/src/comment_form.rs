//! What the comment form sends besides the text, and the checks on it that need no
//! database: a signed stamp of when the form was shown (and to whom), so that a post
//! within [`MIN_SECONDS_TO_POST`] of it (a script) or long after (a stale form) is refused;
//! and the text's own limits.

use chrono::{DateTime, Duration, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The longest comment, in characters.
pub const MAX_BODY_CHARS: usize = 5000;
/// The fewest seconds between showing the form and posting it (people read first; scripts
/// post at once).
pub const MIN_SECONDS_TO_POST: i64 = 3;
/// How long a shown form may be posted.
pub const FORM_VALID_FOR: Duration = Duration::hours(12);

fn mac(key: &[u8], member_id: i64, at: i64) -> String {
    let mut m = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    m.update(format!("comment-form:{member_id}:{at}").as_bytes());
    m.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect()
}

/// The stamp a form shown to `member_id` at `now` carries.
pub fn stamp(key: &[u8], member_id: i64, now: DateTime<Utc>) -> String {
    let at = now.timestamp();
    format!("{at}.{}", mac(key, member_id, at))
}

/// Why a post's stamp is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StampProblem {
    /// Missing, forged, or shown to someone else.
    Bad,
    /// Posted within [`MIN_SECONDS_TO_POST`] of the form being shown.
    TooFast,
    /// The form is older than [`FORM_VALID_FOR`].
    Stale,
}

impl StampProblem {
    pub fn message(self) -> String {
        match self {
            StampProblem::Bad | StampProblem::Stale => {
                "The form had expired. Your text is below: please post it again.".into()
            }
            StampProblem::TooFast => format!(
                "That was very quick. Please take a few seconds ({MIN_SECONDS_TO_POST} at least) \
                 and post again; your text is below."
            ),
        }
    }
}

/// Checks a posted stamp for `member_id` at `now`.
pub fn check_stamp(
    key: &[u8],
    stamp: &str,
    member_id: i64,
    now: DateTime<Utc>,
) -> Result<(), StampProblem> {
    let (at, sig) = stamp.trim().split_once('.').ok_or(StampProblem::Bad)?;
    let at: i64 = at.parse().map_err(|_| StampProblem::Bad)?;
    if !crate::secret::same(sig, &mac(key, member_id, at)) {
        return Err(StampProblem::Bad);
    }
    let age = now.timestamp() - at;
    if age < MIN_SECONDS_TO_POST {
        return Err(StampProblem::TooFast);
    }
    if age > FORM_VALID_FOR.num_seconds() {
        return Err(StampProblem::Stale);
    }
    Ok(())
}

/// The longest name a guest may give.
pub const MAX_NAME_CHARS: usize = 80;

/// A guest's name and email address as posted: trimmed, the name present and not too long,
/// the address an address (lower case). `Err` names the field and says what is wrong.
pub fn check_guest(name: &str, email: &str) -> Result<(String, String), (&'static str, String)> {
    let name: String = name.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() {
        return Err(("name", "Give the name to show with your comment.".into()));
    }
    let n = name.chars().count();
    if n > MAX_NAME_CHARS {
        return Err((
            "name",
            format!("Your name is {n} characters long; the most is {MAX_NAME_CHARS}."),
        ));
    }
    if name.chars().any(char::is_control) {
        return Err(("name", "Your name holds a character that cannot be shown.".into()));
    }
    let email = crate::members::check_member_email(email)
        .map_err(|why| ("email", format!("Your email address {why}.")))?;
    Ok((name, email))
}

/// A comment's text as posted: trimmed, not empty, not too long. `Err` says what is wrong.
pub fn check_body(body: &str) -> Result<String, String> {
    let body = body.replace("\r\n", "\n");
    let body = body.trim();
    if body.is_empty() {
        return Err("Your comment is empty.".into());
    }
    let n = body.chars().count();
    if n > MAX_BODY_CHARS {
        return Err(format!(
            "Your comment is {n} characters long; the most is {MAX_BODY_CHARS}. Shorten it by {}.",
            n - MAX_BODY_CHARS
        ));
    }
    Ok(body.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps() {
        let key = b"k";
        let now = Utc::now();
        let s = stamp(key, 7, now - Duration::seconds(10));
        assert_eq!(check_stamp(key, &s, 7, now), Ok(()));
        assert_eq!(check_stamp(key, &s, 8, now), Err(StampProblem::Bad));
        assert_eq!(check_stamp(b"other", &s, 7, now), Err(StampProblem::Bad));
        assert_eq!(check_stamp(key, "garbage", 7, now), Err(StampProblem::Bad));
        let fresh = stamp(key, 7, now);
        assert_eq!(check_stamp(key, &fresh, 7, now), Err(StampProblem::TooFast));
        let old = stamp(key, 7, now - Duration::hours(13));
        assert_eq!(check_stamp(key, &old, 7, now), Err(StampProblem::Stale));
    }

    #[test]
    fn guests_are_checked() {
        assert_eq!(
            check_guest("  Ann \n Lee ", " Ann@Example.org "),
            Ok(("Ann Lee".into(), "ann@example.org".into()))
        );
        assert_eq!(check_guest(" ", "a@b.org").unwrap_err().0, "name");
        assert_eq!(check_guest(&"n".repeat(81), "a@b.org").unwrap_err().0, "name");
        assert_eq!(check_guest("Ann", "not an address").unwrap_err().0, "email");
        assert_eq!(check_guest("Ann", "").unwrap_err().0, "email");
    }

    #[test]
    fn bodies_are_checked() {
        assert!(check_body("  \n ").unwrap_err().contains("empty"));
        let long = "x".repeat(MAX_BODY_CHARS + 3);
        assert!(check_body(&long).unwrap_err().contains("by 3"));
        assert_eq!(check_body(" hi\r\nthere ").unwrap(), "hi\nthere");
    }
}
