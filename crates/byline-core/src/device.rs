//! A proven device: the marker a browser gets when someone signs in to an account with the
//! right password there, so that strangers' wrong passwords cannot lock that person out.
//!
//! A sign-in from a browser that carries a marker for the email being typed counts its
//! failures against that device ([`crate::limits::SIGN_IN_PER_DEVICE`]) instead of the
//! account ([`crate::limits::SIGN_IN_PER_ACCOUNT`]). The marker is `d1.<random id>.<HMAC>`
//! over the id and the account's email, signed with the site's key; it proves only that this
//! browser once knew the password, so it grants nothing but its own attempt budget.

use hmac::{Hmac, Mac};
use sha2::Sha256;

const VERSION: &str = "d1";

/// A new marker for `email` (lower-cased by the caller), signed with `key`.
pub fn seal(email: &str, key: &[u8]) -> String {
    let id = crate::secret::new_token();
    let mac = mac(key, &id, email).finalize().into_bytes();
    format!("{VERSION}.{id}.{}", hex(&mac))
}

/// The device id in `value`, when `key` signed it for `email`; `None` for anything else.
pub fn open(value: &str, email: &str, key: &[u8]) -> Option<String> {
    let mut parts = value.trim().splitn(3, '.');
    let (v, id, given) = (parts.next()?, parts.next()?, parts.next()?);
    if v != VERSION || id.len() != 64 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let given = unhex(given)?;
    mac(key, id, email).verify_slice(&given).ok()?;
    Some(id.to_owned())
}

fn mac(key: &[u8], id: &str, email: &str) -> Hmac<Sha256> {
    let mut m = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    // Kept apart from other uses of the site key by the version word.
    m.update(VERSION.as_bytes());
    m.update(b".");
    m.update(id.as_bytes());
    m.update(b".");
    m.update(email.as_bytes());
    m
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

    #[test]
    fn opens_only_for_its_email_and_key() {
        let m = seal("ann@example.org", b"key");
        assert!(open(&m, "ann@example.org", b"key").is_some());
        assert!(open(&m, "bob@example.org", b"key").is_none());
        assert!(open(&m, "ann@example.org", b"other").is_none());
        let flipped = if m.ends_with('0') { '1' } else { '0' };
        let forged = format!("{}{flipped}", &m[..m.len() - 1]);
        assert!(open(&forged, "ann@example.org", b"key").is_none());
        assert!(open("d1.x.y", "ann@example.org", b"key").is_none());
    }
}
