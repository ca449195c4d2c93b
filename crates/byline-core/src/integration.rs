//! Integrations: what an outside front end or tool is given to read the publication through
//! the Ghost-compatible Content API (a content key) and to write through the Admin API (an
//! ordinary API token, made with it).

use crate::secret::same;
use argon2::password_hash::rand_core::{OsRng, RngCore};
use chrono::{DateTime, Utc};
use serde::Serialize;

/// How long a Content API key is: 26 hexadecimal characters, as Ghost's.
pub const CONTENT_KEY_LEN: usize = 26;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Integration {
    pub id: i64,
    pub name: String,
    /// Sent by clients as `?key=`; not a secret in Ghost's model (front ends embed it), but
    /// revocable.
    pub content_key: String,
    /// The Admin API token made with it (its secret was shown once, when made).
    pub api_token_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub revoked: bool,
}

/// A new Content API key: 13 random bytes as 26 lowercase hex characters.
pub fn new_content_key() -> String {
    let mut bytes = [0u8; CONTENT_KEY_LEN / 2];
    OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Could this be a Content API key (26 hex characters)? Checked before any lookup.
pub fn looks_like_content_key(s: &str) -> bool {
    s.len() == CONTENT_KEY_LEN && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Does `presented` equal `key`, compared in constant time?
pub fn key_matches(key: &str, presented: &str) -> bool {
    same(key, presented)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_26_random_hex_characters() {
        let (a, b) = (new_content_key(), new_content_key());
        assert!(looks_like_content_key(&a), "{a}");
        assert_ne!(a, b);
        assert!(!looks_like_content_key("xyz"));
        assert!(!looks_like_content_key(&format!("{a}0")));
        assert!(key_matches(&a, &a.clone()));
        assert!(!key_matches(&a, &b));
    }
}
