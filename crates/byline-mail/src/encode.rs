//! An issue's bodies encoded for the wire once per send, quoted-printable (RFC 2045 6.7), with
//! the personal links left as slots: a recipient's message is then a copy of the encoded text
//! with their links encoded into the slots, not an encoding of the whole body each time.
//!
//! Each piece ends in a soft line break (`=` at the end of a line, which decoding removes), so
//! the next piece starts a fresh line and the pieces encode on their own: the body decodes to
//! exactly the issue with the recipient's links in place.

use crate::render::{Issue, MANAGE, Personal, UNSUBSCRIBE};
use byline_core::markdown::escape_html as esc;
use lettre::message::Body;
use lettre::message::header::ContentTransferEncoding;

/// The longest encoded line, the `=` of a soft line break included (RFC 2045: 76).
const LINE: usize = 76;

/// One piece of a body: encoded text, or where a personal link goes.
#[derive(Debug, Clone)]
enum Piece {
    Fixed(Vec<u8>),
    Unsubscribe,
    Manage,
}

/// A body encoded but for its personal links.
#[derive(Debug, Clone)]
struct Template {
    pieces: Vec<Piece>,
    /// The links go in HTML-escaped (in the HTML body).
    html: bool,
    /// The encoded length without the links, to allocate a message's body at once.
    len: usize,
}

/// An issue ready to be made personal: its HTML and plain-text bodies, encoded.
#[derive(Debug, Clone)]
pub struct EncodedIssue {
    pub subject: String,
    html: Template,
    text: Template,
}

impl EncodedIssue {
    pub fn new(issue: &Issue) -> EncodedIssue {
        EncodedIssue {
            subject: issue.subject.clone(),
            html: Template::new(&issue.html, true),
            text: Template::new(&issue.text, false),
        }
    }

    /// One recipient's bodies, (HTML, plain text), encoded.
    pub fn personal(&self, p: &Personal) -> (Body, Body) {
        (self.html.fill(p), self.text.fill(p))
    }
}

impl Template {
    fn new(body: &str, html: bool) -> Template {
        let mut pieces = Vec::new();
        let mut rest = body;
        loop {
            let next = [(UNSUBSCRIBE, Piece::Unsubscribe), (MANAGE, Piece::Manage)]
                .into_iter()
                .filter_map(|(mark, piece)| rest.find(mark).map(|at| (at, mark.len(), piece)))
                .min_by_key(|(at, _, _)| *at);
            let Some((at, len, slot)) = next else { break };
            pieces.push(Piece::Fixed(encoded(&rest[..at], true)));
            pieces.push(slot);
            rest = &rest[at + len..];
        }
        pieces.push(Piece::Fixed(encoded(rest, false)));
        let len = pieces.iter().map(|p| if let Piece::Fixed(b) = p { b.len() } else { 0 }).sum();
        Template { pieces, html, len }
    }

    fn fill(&self, p: &Personal) -> Body {
        let link = |url: &str| match self.html {
            true => encoded(&esc(url), true),
            false => encoded(url, true),
        };
        let (unsubscribe, manage) = (link(&p.unsubscribe_url), link(&p.manage_url));
        let mut out = Vec::with_capacity(self.len + unsubscribe.len() + manage.len());
        for piece in &self.pieces {
            out.extend_from_slice(match piece {
                Piece::Fixed(b) => b,
                Piece::Unsubscribe => &unsubscribe,
                Piece::Manage => &manage,
            });
        }
        Body::dangerous_pre_encoded(out, ContentTransferEncoding::QuotedPrintable)
    }
}

/// `text` as quoted-printable: line ends become CRLF, printable ASCII but `=` stays as it is,
/// anything else (UTF-8 bytes, `=`, a space or tab at the end of a line) is `=XX`, and lines
/// are broken softly before they grow past [`LINE`]. With `open`, it ends in a soft line
/// break, so that what follows starts a line of its own.
fn encoded(text: &str, open: bool) -> Vec<u8> {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len() + bytes.len() / 8 + 8);
    let mut column = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let next = bytes.get(i + 1).copied();
        match b {
            b'\n' => {
                out.extend_from_slice(b"\r\n");
                column = 0;
                continue;
            }
            b'\r' if next == Some(b'\n') => continue,
            _ => {}
        }
        let at_line_end = matches!(next, None | Some(b'\n') | Some(b'\r'));
        let plain = match b {
            b' ' | b'\t' => !at_line_end,
            b'=' => false,
            33..=126 => true,
            _ => false,
        };
        let width = if plain { 1 } else { 3 };
        // Room is kept for the `=` of a soft line break.
        if column + width > LINE - 1 {
            out.extend_from_slice(b"=\r\n");
            column = 0;
        }
        if plain {
            out.push(b);
        } else {
            out.extend_from_slice(&[b'=', HEX[(b >> 4) as usize], HEX[(b & 15) as usize]]);
        }
        column += width;
    }
    if open {
        out.extend_from_slice(b"=\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Quoted-printable decoded, as a mail client does, checking every line on the way.
    fn decoded(body: &[u8]) -> String {
        let text = std::str::from_utf8(body).unwrap();
        let lines: Vec<&str> = text.split("\r\n").collect();
        let mut out = Vec::new();
        for (n, line) in lines.iter().enumerate() {
            assert!(line.len() <= LINE, "line {n} has {} characters: {line:?}", line.len());
            assert!(!line.ends_with([' ', '\t']), "whitespace ends line {n}: {line:?}");
            let (line, soft) = match line.strip_suffix('=') {
                Some(l) => (l, true),
                None => (*line, false),
            };
            let mut rest = line;
            while let Some(at) = rest.find('=') {
                out.extend_from_slice(&rest.as_bytes()[..at]);
                out.push(u8::from_str_radix(&rest[at + 1..at + 3], 16).unwrap());
                rest = &rest[at + 3..];
            }
            out.extend_from_slice(rest.as_bytes());
            if !soft && n + 1 < lines.len() {
                out.extend_from_slice(b"\r\n");
            }
        }
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn a_personal_body_decodes_to_the_issue_with_the_links_in_place() {
        let long = "word ".repeat(40);
        let issue = Issue {
            subject: "S".into(),
            html: format!(
                "<p>Café = {long}</p>\n<a href=\"{UNSUBSCRIBE}\">Unsubscribe</a> \n\
                 <a href=\"{MANAGE}\">Manage</a> trailing \t\n.{UNSUBSCRIBE}"
            ),
            text: format!("Unsubscribe: {UNSUBSCRIBE}\nManage: {MANAGE}\n"),
        };
        let p = Personal {
            unsubscribe_url: format!("https://example.org/u/?m={}&t=abc", "x".repeat(90)),
            manage_url: "https://example.org/members/account/".into(),
        };
        let encoded = EncodedIssue::new(&issue);
        let (html, text) = encoded.personal(&p);
        assert_eq!(html.encoding(), ContentTransferEncoding::QuotedPrintable);
        let (want_html, want_text) = issue.personal(&p);
        assert_eq!(decoded(&html.into_vec()), want_html.replace('\n', "\r\n"));
        assert_eq!(decoded(&text.into_vec()), want_text.replace('\n', "\r\n"));
    }
}
