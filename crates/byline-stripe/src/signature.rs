//! Webhook signatures, checked as Stripe documents them: the `Stripe-Signature` header is
//! `t=<unix seconds>,v1=<hex>[,v1=<hex>…]` (other schemes such as `v0` are ignored); the
//! expected signature is HMAC-SHA256, keyed by the endpoint's signing secret (`whsec_…`),
//! of `"{t}.{raw body}"`; it must equal one of the `v1` values (compared in constant time),
//! and `t` must lie within the tolerance of now, so an old delivery cannot be replayed.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// How far a signature's timestamp may be from now, in seconds (Stripe's libraries use 300).
pub const DEFAULT_TOLERANCE: i64 = 300;

/// Why a webhook was refused. The words are for the sender (Stripe's dashboard shows them).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("the Stripe-Signature header is missing")]
    Missing,
    #[error("the Stripe-Signature header has no timestamp (t=…)")]
    NoTimestamp,
    #[error("the Stripe-Signature header has no v1 signature")]
    NoSignature,
    #[error("the signature's timestamp is {0} seconds away from now, beyond the tolerance")]
    Stale(i64),
    #[error("no v1 signature matches the body and the signing secret")]
    Mismatch,
}

/// Checks `header` (the `Stripe-Signature` value; `None` when absent) for `body`, the raw
/// request body, with the endpoint's signing `secret`, at `now` (unix seconds).
pub fn verify(
    header: Option<&str>,
    body: &[u8],
    secret: &str,
    now: i64,
    tolerance: i64,
) -> Result<(), SignatureError> {
    let header = header.filter(|h| !h.trim().is_empty()).ok_or(SignatureError::Missing)?;
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        let Some((k, v)) = part.trim().split_once('=') else { continue };
        match k {
            "t" => timestamp = v.parse::<i64>().ok(),
            "v1" => signatures.push(v),
            _ => {}
        }
    }
    let t = timestamp.ok_or(SignatureError::NoTimestamp)?;
    if signatures.is_empty() {
        return Err(SignatureError::NoSignature);
    }
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes a key of any length");
    mac.update(t.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    let matches = signatures
        .iter()
        .filter_map(|s| decode_hex(s))
        // `verify_slice` compares in constant time.
        .any(|given| mac.clone().verify_slice(&given).is_ok());
    if !matches {
        return Err(SignatureError::Mismatch);
    }
    let age = now - t;
    if age.abs() > tolerance {
        return Err(SignatureError::Stale(age));
    }
    Ok(())
}

fn decode_hex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) || !s.is_ascii() {
        return None;
    }
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sign(t: i64, body: &str, secret: &str) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(format!("{t}.{body}").as_bytes());
        mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn accepts_any_matching_v1_within_tolerance_and_refuses_the_rest() {
        let (t, body, secret) = (1_700_000_000, r#"{"id":"evt_1"}"#, "whsec_test");
        let good = sign(t, body, secret);
        let header = format!("t={t},v1=00ff,v1={good},v0=abc");
        assert_eq!(verify(Some(&header), body.as_bytes(), secret, t + 10, 300), Ok(()));
        assert_eq!(
            verify(Some(&header), body.as_bytes(), secret, t + 301, 300),
            Err(SignatureError::Stale(301))
        );
        assert_eq!(
            verify(Some(&header), b"{\"id\":\"evt_2\"}", secret, t, 300),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(Some(&header), body.as_bytes(), "whsec_other", t, 300),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(verify(None, body.as_bytes(), secret, t, 300), Err(SignatureError::Missing));
        assert_eq!(
            verify(Some(&format!("v1={good}")), body.as_bytes(), secret, t, 300),
            Err(SignatureError::NoTimestamp)
        );
        assert_eq!(
            verify(Some(&format!("t={t},v0={good}")), body.as_bytes(), secret, t, 300),
            Err(SignatureError::NoSignature)
        );
    }
}
