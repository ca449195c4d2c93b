//! Holding back automated form posts without third parties: the pure half of the checks a
//! public form (the contact desk now, comments later) makes before anything is stored.
//!
//! - A honeypot: a field people never see or fill ([`HONEYPOT_FIELD`]); a value there is a bot.
//! - A minimum time to submit: the form carries a [`FormStamp`], the time it was drawn signed
//!   with the site's key, so a post sooner than [`MIN_SECONDS`] after it (or with a forged,
//!   foreign or day-old stamp) is refused.
//! - Duplicates: [`fingerprint`] reduces a message to a hash that ignores case and spacing, so
//!   the store can see the same text twice.
//!
//! The per-address rate limit needs the database and lives in the store (`spam.rs`).

use chrono::{DateTime, Duration, Utc};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

/// The hidden field's name: a plausible one, so form-filling bots fill it.
pub const HONEYPOT_FIELD: &str = "website";
/// The fewest seconds a person takes between seeing a form and sending it.
pub const MIN_SECONDS: i64 = 3;
/// How long a drawn form may be sent: after a day it is drawn again.
pub const STAMP_VALID_FOR: Duration = Duration::hours(24);

/// Why a post was held back before it was stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The honeypot was filled: answer as if accepted, keep nothing.
    Honeypot,
    /// Sent sooner than [`MIN_SECONDS`] after the form was drawn.
    TooFast,
    /// No stamp, a stamp not made by this site, or one older than [`STAMP_VALID_FOR`].
    Stale,
}

impl Refusal {
    /// What to tell a person whose post was refused, to send it again.
    pub fn message(self) -> &'static str {
        match self {
            Refusal::Honeypot => "The message could not be accepted.",
            Refusal::TooFast => {
                "That was sent very quickly after the form opened. Please check it and send it again."
            }
            Refusal::Stale => {
                "This form had expired. Your text is kept below: please send it again."
            }
        }
    }
}

/// The time a form was drawn for `scope` (e.g. `contact`), signed: `"{unix}.{hex hmac}"`.
pub struct FormStamp;

impl FormStamp {
    /// A stamp for a form drawn at `at`.
    pub fn issue(key: &[u8], scope: &str, at: DateTime<Utc>) -> String {
        let t = at.timestamp();
        format!("{t}.{}", sign(key, scope, t))
    }

    /// Checks a post's stamp and honeypot at `now`.
    pub fn check(
        key: &[u8],
        scope: &str,
        stamp: &str,
        honeypot: &str,
        now: DateTime<Utc>,
    ) -> Result<(), Refusal> {
        if !honeypot.trim().is_empty() {
            return Err(Refusal::Honeypot);
        }
        let (t, mac) = stamp.trim().split_once('.').ok_or(Refusal::Stale)?;
        let t: i64 = t.parse().map_err(|_| Refusal::Stale)?;
        if !crate::secret::same(&sign(key, scope, t), mac) {
            return Err(Refusal::Stale);
        }
        let age = now.timestamp() - t;
        if age > STAMP_VALID_FOR.num_seconds() {
            return Err(Refusal::Stale);
        }
        if age < MIN_SECONDS {
            return Err(Refusal::TooFast);
        }
        Ok(())
    }
}

fn sign(key: &[u8], scope: &str, t: i64) -> String {
    let mut m = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    m.update(b"form-stamp:");
    m.update(scope.as_bytes());
    m.update(b":");
    m.update(t.to_string().as_bytes());
    hex(&m.finalize().into_bytes())
}

/// A hash of what was said, by whom: lower case, runs of whitespace as one space, so a
/// resubmitted or lightly retyped message is recognised.
pub fn fingerprint(who: &str, text: &str) -> String {
    let norm = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
    let mut h = Sha256::new();
    h.update(norm(who).as_bytes());
    h.update([0]);
    h.update(norm(text).as_bytes());
    hex(&h.finalize())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &[u8] = b"site key";

    #[test]
    fn a_stamp_is_accepted_between_the_minimum_and_a_day() {
        let drawn = Utc::now();
        let s = FormStamp::issue(KEY, "contact", drawn);
        assert_eq!(FormStamp::check(KEY, "contact", &s, "", drawn), Err(Refusal::TooFast));
        let later = drawn + Duration::seconds(MIN_SECONDS);
        assert_eq!(FormStamp::check(KEY, "contact", &s, "", later), Ok(()));
        let old = drawn + STAMP_VALID_FOR + Duration::seconds(1);
        assert_eq!(FormStamp::check(KEY, "contact", &s, "", old), Err(Refusal::Stale));
    }

    #[test]
    fn forged_foreign_and_filled_in_posts_are_refused() {
        let drawn = Utc::now() - Duration::seconds(60);
        let now = Utc::now();
        let s = FormStamp::issue(KEY, "contact", drawn);
        assert_eq!(FormStamp::check(b"other", "contact", &s, "", now), Err(Refusal::Stale));
        assert_eq!(FormStamp::check(KEY, "comment", &s, "", now), Err(Refusal::Stale));
        let forged = format!("{}.{}", drawn.timestamp() - 100, s.split_once('.').unwrap().1);
        assert_eq!(FormStamp::check(KEY, "contact", &forged, "", now), Err(Refusal::Stale));
        for junk in ["", "x", "1.2", "."] {
            assert_eq!(FormStamp::check(KEY, "contact", junk, "", now), Err(Refusal::Stale));
        }
        let bot = FormStamp::check(KEY, "contact", &s, "http://spam", now);
        assert_eq!(bot, Err(Refusal::Honeypot));
    }

    #[test]
    fn fingerprints_ignore_case_and_spacing_only() {
        let a = fingerprint("A@x.org", "Hello   there\n friend");
        assert_eq!(a, fingerprint("a@x.org", "hello there friend"));
        assert_ne!(a, fingerprint("a@x.org", "hello there friends"));
        assert_ne!(a, fingerprint("b@x.org", "hello there friend"));
    }
}
