//! Plain share links: no scripts or pixels from anyone, just addresses that open the other
//! service's own share form. Mastodon and other fediverse servers go through Byline's own
//! page, which asks for the reader's server.

use serde::Serialize;
use url::form_urlencoded::byte_serialize;

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ShareLink {
    /// Shown to readers: "Email", "Mastodon" …
    pub name: &'static str,
    /// A stable key for styling: `email`, `mastodon` …
    pub key: &'static str,
    pub url: String,
}

fn enc(s: &str) -> String {
    byte_serialize(s.as_bytes()).collect()
}

/// `/share/mastodon/?url=…&text=…`
pub fn mastodon_path(url: &str, title: &str) -> String {
    format!("/share/mastodon/?url={}&text={}", enc(url), enc(title))
}

/// Share links for a page at absolute `url` titled `title`.
pub fn links(url: &str, title: &str, site: &str) -> Vec<ShareLink> {
    let (u, t) = (enc(url), enc(title));
    let text_and_url = enc(&format!("{title} {url}"));
    let link = |name, key, url: String| ShareLink { name, key, url };
    vec![
        link(
            "Email",
            "email",
            format!(
                "mailto:?subject={}&body={}",
                enc(title).replace('+', "%20"),
                enc(&format!("{title}\n{url}\n\nFrom {site}")).replace('+', "%20")
            ),
        ),
        link("Mastodon", "mastodon", mastodon_path(url, title)),
        link("Bluesky", "bluesky", format!("https://bsky.app/intent/compose?text={text_and_url}")),
        link("X", "x", format!("https://x.com/intent/post?url={u}&text={t}")),
        link("Facebook", "facebook", format!("https://www.facebook.com/sharer/sharer.php?u={u}")),
        link("Telegram", "telegram", format!("https://t.me/share/url?url={u}&text={t}")),
        link("WhatsApp", "whatsapp", format!("https://wa.me/?text={text_and_url}")),
        link(
            "LinkedIn",
            "linkedin",
            format!("https://www.linkedin.com/sharing/share-offsite/?url={u}"),
        ),
        link("Reddit", "reddit", format!("https://www.reddit.com/submit?url={u}&title={t}")),
    ]
}

/// A fediverse server name as a reader typed it (`mastodon.social`, `https://x.y/`), checked
/// to be a plain host name so the redirect cannot go anywhere else.
pub fn server_host(input: &str) -> Option<String> {
    let s = input.trim().trim_start_matches("https://").trim_start_matches("http://");
    let s = s.trim_end_matches('/').trim_start_matches('@');
    let host = s.rsplit('@').next().unwrap_or(s).to_ascii_lowercase();
    let ok = host.len() <= 253
        && host.contains('.')
        && host.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !l.starts_with('-')
                && !l.ends_with('-')
        });
    ok.then_some(host)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_server_names_only() {
        assert_eq!(server_host(" https://Mastodon.Social/ "), Some("mastodon.social".into()));
        assert_eq!(server_host("@me@fosstodon.org"), Some("fosstodon.org".into()));
        for bad in ["", "localhost", "evil.example/path", "a..b", "javascript:alert(1)", "x.y?z"] {
            assert_eq!(server_host(bad), None, "{bad}");
        }
    }

    #[test]
    fn encodes_every_link() {
        for l in links("https://s.example/a b/", "Q&A: \"x\"", "S") {
            assert!(!l.url.contains(' ') && !l.url.contains('"'), "{}", l.url);
        }
    }
}
