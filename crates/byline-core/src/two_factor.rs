//! Two-factor sign-in with time-based one-time codes (RFC 6238: HMAC-SHA-1, 6 digits, 30
//! seconds, one step of clock skew either way), and the one-time recovery codes shown once
//! when a staff member switches it on.

use argon2::password_hash::rand_core::{OsRng, RngCore};
use totp_rs::{Builder, Secret, Totp};

/// How many recovery codes enrolment makes.
pub const RECOVERY_CODES: usize = 8;

/// A new shared secret: 160 random bits, in base32 (what authenticator apps accept typed).
pub fn new_secret() -> String {
    let mut bytes = [0u8; 20];
    OsRng.fill_bytes(&mut bytes);
    Secret::from(bytes.to_vec()).to_base32()
}

/// The generator for a stored base32 `secret`, labelled `issuer: account` in apps.
pub fn totp(secret: &str, issuer: &str, account: &str) -> Result<Totp, String> {
    let secret = Secret::try_from_base32(secret.trim()).map_err(|e| e.to_string())?;
    Builder::new()
        .with_secret(secret)
        .with_account_name(account.replace(':', " "))
        .with_issuer(Some(issuer.replace(':', " ")))
        .build()
        .map_err(|e| e.to_string())
}

/// The `otpauth://` address apps read from the QR code.
pub fn otpauth_url(secret: &str, issuer: &str, account: &str) -> Result<String, String> {
    totp(secret, issuer, account)?.to_url().map_err(|e| e.to_string())
}

/// The time step (`unix seconds / 30`) that `code` is valid for at `now`, if any. Callers
/// accept each step once, so a code seen over someone's shoulder cannot be replayed.
pub fn check(secret: &str, code: &str, now: i64) -> Option<i64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let t = totp(secret, "x", "x").ok()?;
    t.check(&code, u64::try_from(now).ok()?).and_then(|s| i64::try_from(s).ok())
}

/// Fresh recovery codes, e.g. `k3x9q-7mw2p`: 50 random bits each.
pub fn recovery_codes() -> Vec<String> {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    (0..RECOVERY_CODES)
        .map(|_| {
            let mut bytes = [0u8; 10];
            OsRng.fill_bytes(&mut bytes);
            let chars: String =
                bytes.iter().map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char).collect();
            format!("{}-{}", &chars[..5], &chars[5..])
        })
        .collect()
}

/// A recovery code as typed, in the form it was hashed in: lowercase, dash in place.
pub fn normalize_recovery_code(typed: &str) -> String {
    let plain: String = typed
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    if plain.len() == 10 { format!("{}-{}", &plain[..5], &plain[5..]) } else { plain }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_match_their_step_once_and_only_with_the_right_secret() {
        let s = new_secret();
        let now = 1_800_000_000;
        let code = totp(&s, "Byline", "a@example.org").unwrap().generate(now as u64).to_string();
        assert_eq!(check(&s, &code, now), Some(now / 30));
        assert_eq!(check(&s, &format!("{} {}", &code[..3], &code[3..]), now), Some(now / 30));
        assert_eq!(check(&new_secret(), &code, now), None);
        assert_eq!(check(&s, &code, now + 600), None, "too late");
        assert_eq!(check(&s, "12345", now), None);
        assert!(
            otpauth_url(&s, "My: Paper", "a@example.org").unwrap().starts_with("otpauth://totp/")
        );
    }

    #[test]
    fn recovery_codes_are_distinct_and_normalize() {
        let codes = recovery_codes();
        assert_eq!(codes.len(), RECOVERY_CODES);
        assert_ne!(codes[0], codes[1]);
        assert_eq!(normalize_recovery_code(&codes[0].to_uppercase().replace('-', " ")), codes[0]);
    }
}
