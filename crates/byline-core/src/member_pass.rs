//! A member's pass: what the member session cookie carries, signed with the site's key
//! (HMAC-SHA256), so that a page for a signed-in member is decided without a database query.
//!
//! A pass holds the member's id, the [`Reader`] they were when it was issued, and two times:
//! `fresh_until` (after it the web layer re-reads the member and issues a new pass, so tier
//! changes reach the reader within that window) and `expires` (after it the member must sign
//! in again). The format is `v1.<hex of JSON>.<hex of HMAC>`; anything else, a bad signature,
//! or an expired pass opens as `None`.

use crate::members::Reader;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

/// What a member session cookie says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pass {
    pub member_id: i64,
    pub reader: Reader,
    /// Bumped when the member signs out everywhere or is deleted; a pass of an older
    /// generation is refused when it is next refreshed.
    pub generation: i64,
    pub fresh_until: DateTime<Utc>,
    pub expires: DateTime<Utc>,
}

const VERSION: &str = "v1";

impl Pass {
    /// The cookie value for this pass, signed with `key`.
    pub fn seal(&self, key: &[u8]) -> String {
        let json = serde_json::to_vec(self).expect("a pass serializes");
        let body = hex(&json);
        format!("{VERSION}.{body}.{}", hex(&sign(key, VERSION, &body)))
    }

    /// The pass in `value` if `key` signed it and it has not expired at `now`.
    pub fn open(value: &str, key: &[u8], now: DateTime<Utc>) -> Option<Pass> {
        let mut parts = value.trim().splitn(3, '.');
        let (v, body, mac) = (parts.next()?, parts.next()?, parts.next()?);
        if v != VERSION || body.len() > 8192 {
            return None;
        }
        let given = unhex(mac)?;
        let mut m = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
        m.update(v.as_bytes());
        m.update(b".");
        m.update(body.as_bytes());
        m.verify_slice(&given).ok()?;
        let pass: Pass = serde_json::from_slice(&unhex(body)?).ok()?;
        (pass.expires > now).then_some(pass)
    }

    /// Is it time to re-read the member and issue a new pass?
    pub fn is_stale(&self, now: DateTime<Utc>) -> bool {
        self.fresh_until <= now
    }
}

fn sign(key: &[u8], version: &str, body: &str) -> Vec<u8> {
    let mut m = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    m.update(version.as_bytes());
    m.update(b".");
    m.update(body.as_bytes());
    m.finalize().into_bytes().to_vec()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) || !s.is_ascii() {
        return None;
    }
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn pass(now: DateTime<Utc>) -> Pass {
        Pass {
            member_id: 7,
            reader: Reader::member(vec!["paid".into()], &["paid".into()]),
            generation: 1,
            fresh_until: now + Duration::minutes(10),
            expires: now + Duration::days(30),
        }
    }

    #[test]
    fn a_sealed_pass_opens_with_its_key_only() {
        let now = Utc::now();
        let p = pass(now);
        let sealed = p.seal(b"key one");
        assert_eq!(Pass::open(&sealed, b"key one", now), Some(p.clone()));
        assert_eq!(Pass::open(&sealed, b"key two", now), None);
        assert_eq!(Pass::open(&sealed, b"key one", now + Duration::days(31)), None);
        assert!(!p.is_stale(now) && p.is_stale(now + Duration::minutes(11)));
    }

    #[test]
    fn a_changed_pass_is_refused() {
        let now = Utc::now();
        let sealed = pass(now).seal(b"k");
        let mut parts: Vec<String> = sealed.split('.').map(str::to_owned).collect();
        // Claim another member: re-encode the body with a different id, keep the MAC.
        let json = String::from_utf8(unhex(&parts[1]).unwrap()).unwrap();
        parts[1] = hex(json.replace("\"member_id\":7", "\"member_id\":8").as_bytes());
        assert_eq!(Pass::open(&parts.join("."), b"k", now), None);
        for junk in ["", "v1", "v1..", "v2.00.00", "v1.zz.zz", &sealed[..sealed.len() - 2]] {
            assert_eq!(Pass::open(junk, b"k", now), None, "{junk:?}");
        }
    }
}
