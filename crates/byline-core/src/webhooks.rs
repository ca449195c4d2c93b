//! Webhooks as Ghost has them: an integration subscribes a URL to an event (`post.published`
//! …), and each event is POSTed there as `{"post": {"current": …, "previous": …}}`, signed
//! with the webhook's secret in `X-Ghost-Signature: sha256=<hex>, t=<ms>` (HMAC-SHA256 of the
//! body followed by the timestamp). The pure parts live here: the events, the checks on a
//! subscription, the signature, and which addresses a delivery may never reach.

use crate::error::{FieldError, Invalid};
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use serde::Serialize;
use sha2::Sha256;
use std::net::IpAddr;

/// Every event Byline sends, named as Ghost names them.
pub const EVENTS: [&str; 18] = [
    "post.added",
    "post.edited",
    "post.deleted",
    "post.published",
    "post.published.edited",
    "post.unpublished",
    "post.scheduled",
    "page.added",
    "page.edited",
    "page.deleted",
    "page.published",
    "page.published.edited",
    "tag.added",
    "tag.edited",
    "tag.deleted",
    "member.added",
    "member.edited",
    "member.deleted",
];

/// The object an event is about, and the key its payload is under (`post`, `page`, `tag`,
/// `member`).
pub fn resource_of(event: &str) -> &str {
    event.split('.').next().unwrap_or(event)
}

/// A subscription.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Webhook {
    pub id: i64,
    pub integration_id: i64,
    pub event: String,
    pub target_url: String,
    /// Signs every delivery; shown to staff so receivers can check signatures.
    pub secret: String,
    pub created_at: DateTime<Utc>,
    pub last_triggered_at: Option<DateTime<Utc>>,
    /// The last delivery's HTTP status, or `None` when it got no answer.
    pub last_status: Option<i32>,
}

/// One event sent (or being sent) to one webhook.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Delivery {
    pub id: i64,
    pub webhook_id: i64,
    pub event: String,
    /// `queued`, `delivered`, `failed` (will be tried again) or `dead` (given up).
    pub state: String,
    pub attempts: i32,
    pub response_code: Option<i32>,
    pub error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Checks a new subscription: a known event and an absolute http(s) URL without credentials.
pub fn check(event: &str, target_url: &str) -> Result<(String, String), Invalid> {
    let mut errs = Vec::new();
    let event = event.trim();
    if !EVENTS.contains(&event) {
        errs.push(FieldError::new(
            "event",
            format!("{event:?} is not an event; use one of {}", EVENTS.join(", ")),
        ));
    }
    let target = target_url.trim();
    match url::Url::parse(target) {
        Ok(u) if !matches!(u.scheme(), "http" | "https") => {
            errs.push(FieldError::new("target_url", "must be an http or https URL"))
        }
        Ok(u) if u.host_str().is_none_or(str::is_empty) => {
            errs.push(FieldError::new("target_url", "must name a host"))
        }
        Ok(u) if !u.username().is_empty() || u.password().is_some() => {
            errs.push(FieldError::new("target_url", "must not carry a user name or password"))
        }
        Ok(_) if target.len() > 2000 => {
            errs.push(FieldError::new("target_url", "is longer than 2000 characters"))
        }
        Ok(_) => {}
        Err(e) => errs.push(FieldError::new("target_url", format!("is not a URL ({e})"))),
    }
    if errs.is_empty() { Ok((event.to_owned(), target.to_owned())) } else { Err(Invalid(errs)) }
}

/// The `X-Ghost-Signature` header for `body` sent at `t_ms` (milliseconds since the epoch).
pub fn signature(secret: &str, body: &[u8], t_ms: i64) -> String {
    let mut m = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key");
    m.update(body);
    m.update(t_ms.to_string().as_bytes());
    let hex: String = m.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256={hex}, t={t_ms}")
}

/// Is `ip` an address a webhook must not reach unless private targets are allowed: loopback,
/// private networks, link-local (cloud metadata lives there), carrier-grade NAT, unique
/// local, unspecified, multicast, broadcast or documentation ranges?
pub fn is_private(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_multicast()
                || v4.is_broadcast()
                || v4.is_documentation()
                || o[0] == 0
                || (o[0] == 100 && (64..128).contains(&o[1]))
                || (o[0] == 198 && (o[1] == 18 || o[1] == 19))
                || o[0] >= 240
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_private(IpAddr::V4(v4));
            }
            let s = v6.segments();
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (s[0] & 0xfe00) == 0xfc00
                || (s[0] & 0xffc0) == 0xfe80
                || (s[0] == 0x2001 && s[1] == 0x0db8)
                || (s[0] == 0x64 && s[1] == 0xff9b)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subscriptions_are_checked() {
        assert!(check("post.published", "https://hooks.example.com/x").is_ok());
        let err = check("post.exploded", "ftp://x").unwrap_err();
        let fields: Vec<_> = err.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["event", "target_url"]);
        assert!(check("tag.added", "https://u:p@x.example/").is_err());
        assert!(check("tag.added", "not a url").is_err());
        assert_eq!(resource_of("post.published.edited"), "post");
    }

    #[test]
    fn the_signature_is_ghosts() {
        // HMAC-SHA256("secret", "{}1700000000000"), as Python's hmac module computes it.
        let s = signature("secret", b"{}", 1_700_000_000_000);
        assert_eq!(
            s,
            "sha256=84658c3edc621b419d932c5077a2d0f53ce4b6666aff13ce491f8bca818caafe, \
             t=1700000000000"
        );
        assert_ne!(s, signature("other", b"{}", 1_700_000_000_000));
    }

    #[test]
    fn private_addresses_are_known() {
        for a in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "::1",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
            "224.0.0.1",
        ] {
            assert!(is_private(a.parse().unwrap()), "{a}");
        }
        for a in ["93.184.216.34", "8.8.8.8", "2606:4700::1111"] {
            assert!(!is_private(a.parse().unwrap()), "{a}");
        }
    }
}
