//! Access per article, on the content side: where the free preview of an article ends (a
//! `<!--members-only-->` line in its Markdown, else its excerpt), the article as a given
//! reader may have it ([`crate::Article::for_reader`]), the words lists show for gated
//! articles, and the token of a paid member's private feed. Who may read what is decided by
//! [`Reader::may_read`] alone; this module only cuts what that rule refuses.

use crate::members::{Access, Reader};
use crate::{Article, markdown};
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The line in a Markdown body that ends the free preview.
pub const MEMBERS_ONLY_MARKER: &str = "<!--members-only-->";

/// The body before and after the marker line, when it has one (outside code fences). The
/// marker line itself belongs to neither part.
pub fn split_at_marker(body: &str) -> Option<(&str, &str)> {
    let mut fence: Option<&str> = None;
    let mut at = 0;
    for line in body.split_inclusive('\n') {
        let t = line.trim();
        match fence {
            Some(f) if t.starts_with(f) => fence = None,
            Some(_) => {}
            None if t.starts_with("```") => fence = Some("```"),
            None if t.starts_with("~~~") => fence = Some("~~~"),
            None if t.eq_ignore_ascii_case(MEMBERS_ONLY_MARKER) => {
                return Some((&body[..at], &body[at + line.len()..]));
            }
            None => {}
        }
        at += line.len();
    }
    None
}

/// An article's body rendered for storage, with its preview.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedBody {
    /// The whole body as HTML (the marker is not in it).
    pub body_html: String,
    /// Where in `body_html` the members-only part begins: the end of the preview when the
    /// body has a marker, else 0 (the whole body is for members).
    pub members_from: usize,
    /// The Markdown an excerpt may be derived from: the part before the marker, or all.
    pub free_markdown: String,
}

/// Renders a Markdown body, split at the marker when it has one.
pub fn render_body(body: &str) -> RenderedBody {
    match split_at_marker(body) {
        Some((before, after)) => {
            let free = markdown::to_html(before);
            let members_from = free.len();
            RenderedBody {
                body_html: free + &markdown::to_html(after),
                members_from,
                free_markdown: before.to_owned(),
            }
        }
        None => RenderedBody {
            body_html: markdown::to_html(body),
            members_from: 0,
            free_markdown: body.to_owned(),
        },
    }
}

/// The preview readers without access see: the body up to the marker, else the excerpt.
pub fn preview_html(rendered: &RenderedBody, excerpt: &str) -> String {
    if rendered.members_from > 0 {
        rendered.body_html[..rendered.members_from].to_owned()
    } else if excerpt.is_empty() {
        String::new()
    } else {
        format!("<p>{}</p>", escape(excerpt))
    }
}

/// What lists show beside a gated article's title (`None` for public ones).
pub fn badge(access: &Access) -> Option<&'static str> {
    match access {
        Access::Public => None,
        Access::Members => Some("Members"),
        Access::Paid | Access::Tiers(_) => Some("Paid"),
    }
}

impl Article {
    /// Is any of it kept from some readers?
    pub fn is_gated(&self) -> bool {
        !self.access.is_public()
    }

    /// May `reader` read all of it? (The one rule: [`Reader::may_read`].)
    pub fn readable_by(&self, reader: &Reader) -> bool {
        reader.may_read(&self.access)
    }

    /// The article as `reader` may have it: itself, or (when the rule refuses them) with its
    /// body, HTML and Markdown alike, cut to the preview and `preview_only` set. Surfaces
    /// that cannot tell readers apart (feeds, the static export, republishing) pass
    /// [`Reader::Anonymous`].
    pub fn for_reader(mut self, reader: &Reader) -> Article {
        if self.readable_by(reader) {
            return self;
        }
        self.body = match split_at_marker(&self.body) {
            Some((before, _)) => before.trim_end().to_owned(),
            None => self.excerpt.clone(),
        };
        self.body_html = std::mem::take(&mut self.preview_html);
        self.preview_html = self.body_html.clone();
        self.members_from = self.body_html.len();
        self.preview_only = true;
        self
    }

    /// The part of the body everyone may read, and the members-only rest (empty for public
    /// articles, whose whole body is free).
    pub fn free_and_members_html(&self) -> (&str, &str) {
        if !self.is_gated() || self.preview_only {
            return (&self.body_html, "");
        }
        let at = self.members_from.min(self.body_html.len());
        if self.body_html.is_char_boundary(at) {
            self.body_html.split_at(at)
        } else {
            ("", &self.body_html)
        }
    }
}

/// The token in a paid member's private feed address: an HMAC of their public id under the
/// site key, so it needs no column and changes only with the key.
pub fn feed_token(key: &[u8], member_uuid: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(b"member-feed:");
    mac.update(member_uuid.as_bytes());
    let sum = mac.finalize().into_bytes();
    sum[..16].iter().map(|b| format!("{b:02x}")).collect()
}

/// Does `token` belong to `member_uuid` (compared in constant time)?
pub fn feed_token_matches(key: &[u8], member_uuid: &str, token: &str) -> bool {
    let want = feed_token(key, member_uuid);
    want.len() == token.len()
        && want.bytes().zip(token.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_at_the_marker_line_but_not_inside_code() {
        let body = "Free.\n\n<!--members-only-->\n\nPaid.\n";
        assert_eq!(split_at_marker(body), Some(("Free.\n\n", "\nPaid.\n")));
        assert_eq!(split_at_marker("```\n<!--members-only-->\n```\n"), None);
        let r = render_body(body);
        assert_eq!(&r.body_html[..r.members_from], "<p>Free.</p>\n");
        assert!(!r.body_html.contains("members-only"), "{}", r.body_html);
        assert_eq!(preview_html(&r, "ignored"), "<p>Free.</p>\n");
        assert_eq!(preview_html(&render_body("All <b>"), "A <b>"), "<p>A &lt;b&gt;</p>");
    }

    #[test]
    fn an_article_is_cut_to_its_preview_for_readers_the_rule_refuses() {
        let fields = crate::ArticleInput {
            title: "T".into(),
            body: "Free part.\n\n<!--members-only-->\n\nPAID-PART here.".into(),
            access: Some("paid".into()),
            ..Default::default()
        }
        .validate()
        .unwrap();
        assert_eq!(fields.excerpt, "Free part.");
        let article = Article {
            id: 1,
            slug: "t".into(),
            title: fields.title,
            subtitle: None,
            body: fields.body,
            body_html: fields.body_html,
            excerpt: fields.excerpt,
            status: crate::ArticleStatus::Published,
            published_at: None,
            updated_at: None,
            authors: vec![],
            terms: vec![],
            image: None,
            note_html: None,
            source: None,
            copyright_holder: None,
            copyright_year: None,
            license: None,
            canonical_url: None,
            seo_title: None,
            seo_description: None,
            republish: Some(true),
            comments: None,
            comments_close_after_days: None,
            featured: false,
            access: fields.access,
            preview_html: fields.preview_html,
            members_from: fields.members_from,
            preview_only: false,
        };
        let (free, members) = article.free_and_members_html();
        assert!(free.contains("Free part.") && members.contains("PAID-PART"));
        let paid = Reader::member(vec!["paid".into()], &["paid".into()]);
        assert_eq!(article.clone().for_reader(&paid), article);
        for reader in [Reader::Anonymous, Reader::member(vec![], &["paid".into()])] {
            let cut = article.clone().for_reader(&reader);
            assert!(cut.preview_only);
            assert!(!cut.body.contains("PAID-PART") && !cut.body_html.contains("PAID-PART"));
            assert_eq!(cut.free_and_members_html().1, "");
        }
    }

    #[test]
    fn feed_tokens_are_keyed_and_checked() {
        let t = feed_token(b"k1", "u-1");
        assert!(feed_token_matches(b"k1", "u-1", &t));
        assert!(!feed_token_matches(b"k2", "u-1", &t));
        assert!(!feed_token_matches(b"k1", "u-2", &t));
    }
}
