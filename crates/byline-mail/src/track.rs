//! Open and click counting in an issue, for sends that count them (the publication turned it
//! on; it is off by default). Opens: a one-pixel image from the site at the end of the HTML.
//! Clicks: every web link of the HTML goes through the site's click address, which carries
//! the send, the link's exact URL and a signature of both, so it redirects only to a URL that
//! was in that email. Nothing personal is in either address: the same for every recipient,
//! so the site can count, and cannot tell who. The plain-text version is left as it is.

use crate::render::Issue;
use byline_core::markdown::escape_html as esc;
use byline_core::newsletters::link_token;

/// The site's click address for `url` in send `send_id` (absolute).
pub fn click_url(base: &str, key: &[u8], send_id: i64, url: &str) -> String {
    let enc = url::form_urlencoded::byte_serialize(url.as_bytes()).collect::<String>();
    format!("{base}/newsletters/click/{send_id}/?u={enc}&t={}", link_token(key, send_id, url))
}

/// The site's open-counting image for send `send_id` (absolute).
pub fn open_url(base: &str, send_id: i64) -> String {
    format!("{base}/newsletters/open/{send_id}/pixel.gif")
}

/// An attribute value as written in HTML, back to its text.
fn unescape(v: &str) -> String {
    v.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&apos;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Sends every `href="http…"` in `html` through the click address.
fn track_links(html: &str, base: &str, key: &[u8], send_id: i64) -> String {
    const HREF: &str = "href=\"";
    let mut out = String::with_capacity(html.len() + html.len() / 4);
    let mut rest = html;
    while let Some(at) = rest.find(HREF) {
        let start = at + HREF.len();
        out.push_str(&rest[..start]);
        let Some(len) = rest[start..].find('"') else {
            rest = &rest[start..];
            break;
        };
        let raw = &rest[start..start + len];
        let url = unescape(raw);
        if url.starts_with("https://") || url.starts_with("http://") {
            out.push_str(&esc(&click_url(base, key, send_id, &url)));
        } else {
            out.push_str(raw);
        }
        rest = &rest[start + len..];
    }
    out.push_str(rest);
    out
}

/// `issue` with opens and/or clicks counted for send `send_id`; `base` is the site's
/// address (no trailing slash) and `key` the key that signs the links.
pub fn tracked(
    issue: &Issue,
    base: &str,
    key: &[u8],
    send_id: i64,
    opens: bool,
    clicks: bool,
) -> Issue {
    let mut html =
        if clicks { track_links(&issue.html, base, key, send_id) } else { issue.html.clone() };
    if opens {
        let pixel = format!(
            "<img src=\"{}\" width=\"1\" height=\"1\" alt=\"\" style=\"display:block;border:0;width:1px;height:1px\">",
            esc(&open_url(base, send_id))
        );
        match html.rfind("</body>") {
            Some(at) => html.insert_str(at, &pixel),
            None => html.push_str(&pixel),
        }
    }
    Issue { subject: issue.subject.clone(), html, text: issue.text.clone() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use byline_core::newsletters::link_token_matches;

    fn issue() -> Issue {
        Issue {
            subject: "S".into(),
            html: "<html><body><a href=\"https://example.org/a?x=1&amp;y=2\">A</a> \
                   <a href=\"mailto:?subject=x\">Forward</a> \
                   <a href=\"%%byline-unsubscribe%%\">Unsubscribe</a></body></html>"
                .into(),
            text: "https://example.org/a?x=1&y=2".into(),
        }
    }

    #[test]
    fn web_links_go_through_signed_click_addresses_and_nothing_else_changes() {
        let t = tracked(&issue(), "https://site.example", b"key", 9, false, true);
        assert!(!t.html.contains("href=\"https://example.org"), "{}", t.html);
        assert!(t.html.contains("href=\"mailto:?subject=x\""), "mailto kept");
        assert!(t.html.contains("href=\"%%byline-unsubscribe%%\""), "personal links kept");
        assert!(!t.html.contains("pixel.gif"), "opens not counted");
        assert_eq!(t.text, issue().text, "the text version is left alone");
        let start = t.html.find("href=\"").unwrap() + 6;
        let href = unescape(&t.html[start..start + t.html[start..].find('"').unwrap()]);
        let q = href.split_once('?').unwrap();
        assert_eq!(q.0, "https://site.example/newsletters/click/9/");
        let pairs: std::collections::HashMap<String, String> =
            url::form_urlencoded::parse(q.1.as_bytes()).into_owned().collect();
        assert_eq!(pairs["u"], "https://example.org/a?x=1&y=2", "the URL as it was in the email");
        assert!(link_token_matches(b"key", 9, &pairs["u"], &pairs["t"]));
    }

    #[test]
    fn opens_are_counted_by_one_image_the_same_for_everyone() {
        let t = tracked(&issue(), "https://site.example", b"key", 9, true, false);
        assert!(t.html.contains("href=\"https://example.org/a?x=1&amp;y=2\""), "links kept");
        assert!(t.html.ends_with(
            "<img src=\"https://site.example/newsletters/open/9/pixel.gif\" width=\"1\" height=\"1\" alt=\"\" style=\"display:block;border:0;width:1px;height:1px\"></body></html>"
        ), "{}", t.html);
    }
}
