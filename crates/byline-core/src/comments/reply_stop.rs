//! The link in a guest's reply email that stops those emails. A guest has no account to
//! sign in to, so the link carries their address and an HMAC of it under the site key: it
//! needs no column, works for as long as the key does, and a forwarded email cannot stop
//! anyone else's.

use hmac::{Hmac, Mac};
use sha2::Sha256;

fn mac(key: &[u8], email: &str) -> String {
    let mut m = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    m.update(b"comment-reply-stop:");
    m.update(email.as_bytes());
    m.finalize().into_bytes()[..16].iter().map(|b| format!("{b:02x}")).collect()
}

/// The token of the stop link for `email` (as the comment keeps it): `MAC.email`.
pub fn reply_stop_token(key: &[u8], email: &str) -> String {
    format!("{}.{email}", mac(key, email))
}

/// The address a stop link's `token` was made for, if it was made with `key`.
pub fn reply_stop_email(key: &[u8], token: &str) -> Option<String> {
    let (sig, email) = token.trim().split_once('.')?;
    if email.is_empty() || email.len() > 254 {
        return None;
    }
    crate::secret::same(sig, &mac(key, email)).then(|| email.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stop_link_names_its_address_and_no_other() {
        let t = reply_stop_token(b"key", "gus@example.org");
        assert_eq!(reply_stop_email(b"key", &t).as_deref(), Some("gus@example.org"));
        assert_eq!(reply_stop_email(b"other key", &t), None);
        let forged = t.replace("gus@", "ann@");
        assert_eq!(reply_stop_email(b"key", &forged), None);
        assert_eq!(reply_stop_email(b"key", "gus@example.org"), None);
        assert_eq!(reply_stop_email(b"key", ""), None);
    }
}
