//! The text other sites paste when they republish an article: the body as clean HTML (no
//! classes, ids, styles, scripts, forms, or images the publication does not host) and as
//! plain text. Both come from the Markdown source, never from the page's HTML.

use crate::markdown::options;
use comrak::nodes::{AstNode, NodeValue};
use comrak::{Arena, parse_document};

/// Is `url` an image this publication hosts (site-relative or under `base_url`)?
/// Whether `url`, read on the publication's pages, points at the publication itself.
fn own(url: &str, base_url: &str) -> bool {
    let Ok(base) = url::Url::parse(&format!("{base_url}/")) else {
        return url.starts_with('/') && !url.starts_with("//");
    };
    base.join(url.trim()).is_ok_and(|u| u.origin() == base.origin())
}

/// The body as HTML for another site: links and own images made absolute, third-party
/// images dropped (they are not the publication's to clear), nothing but plain markup left.
pub fn body_html(markdown: &str, base_url: &str) -> String {
    let arena = Arena::new();
    let root = parse_document(&arena, markdown, &options());
    let foreign: Vec<_> = root
        .descendants()
        .filter(|n| matches!(&n.data.borrow().value, NodeValue::Image(l) if !own(&l.url, base_url)))
        .collect();
    for n in foreign {
        n.detach();
    }
    let mut html = String::new();
    comrak::format_html(root, &options(), &mut html).expect("writing to a String cannot fail");
    let base = url::Url::parse(&format!("{base_url}/")).ok();
    let mut cleaner = ammonia::Builder::default();
    cleaner.rm_tags(&["img"]);
    cleaner.add_tags(&["img"]).add_tag_attributes("img", &["src", "alt", "title"]);
    // Raw-HTML images too: only those the publication hosts keep their source.
    let home = base_url.to_owned();
    cleaner.attribute_filter(move |element, attribute, value| {
        if element == "img" && attribute == "src" && !own(value, &home) {
            None
        } else {
            Some(value.into())
        }
    });
    if let Some(base) = base {
        cleaner.url_relative(ammonia::UrlRelative::RewriteWithBase(base));
    }
    cleaner.clean(&html).to_string()
}

/// The body as plain text: paragraphs apart by blank lines, links as `text (url)`, list
/// items with `-` or numbers, quotes with `> `, images by their alt text.
pub fn body_text(markdown: &str, base_url: &str) -> String {
    let arena = Arena::new();
    let root = parse_document(&arena, markdown, &options());
    let mut out = String::new();
    blocks(root, base_url, "", &mut out);
    out.trim().to_owned()
}

fn blocks<'a>(node: &'a AstNode<'a>, base: &str, prefix: &str, out: &mut String) {
    for child in node.children() {
        let value = child.data.borrow().value.clone();
        match value {
            NodeValue::Paragraph | NodeValue::Heading(_) => {
                let mut line = String::new();
                inline(child, base, &mut line);
                push_block(out, prefix, line.trim());
            }
            NodeValue::CodeBlock(c) => push_block(out, prefix, c.literal.trim_end()),
            NodeValue::BlockQuote => blocks(child, base, &format!("{prefix}> "), out),
            NodeValue::List(list) => {
                let items: Vec<String> = child
                    .children()
                    .enumerate()
                    .map(|(i, item)| {
                        let marker = match list.list_type {
                            comrak::nodes::ListType::Bullet => "- ".to_owned(),
                            comrak::nodes::ListType::Ordered => format!("{}. ", list.start + i),
                        };
                        let mut text = String::new();
                        blocks(item, base, "", &mut text);
                        let text = text.trim().replace("\n\n", "\n").replace('\n', "\n  ");
                        format!("{marker}{text}")
                    })
                    .collect();
                push_block(out, prefix, &items.join("\n"));
            }
            NodeValue::Table(_) => {
                let rows: Vec<String> = child
                    .children()
                    .map(|row| {
                        row.children()
                            .map(|cell| {
                                let mut t = String::new();
                                inline(cell, base, &mut t);
                                t.trim().to_owned()
                            })
                            .collect::<Vec<_>>()
                            .join(" | ")
                    })
                    .collect();
                push_block(out, prefix, &rows.join("\n"));
            }
            NodeValue::ThematicBreak => push_block(out, prefix, "* * *"),
            NodeValue::HtmlBlock(h) => push_block(out, prefix, strip_tags(&h.literal).trim()),
            NodeValue::FootnoteDefinition(f) => {
                let mut text = String::new();
                blocks(child, base, "", &mut text);
                push_block(out, prefix, &format!("[{}] {}", f.name, text.trim()));
            }
            _ => blocks(child, base, prefix, out),
        }
    }
}

fn push_block(out: &mut String, prefix: &str, text: &str) {
    if text.is_empty() {
        return;
    }
    if !out.is_empty() {
        out.push('\n');
    }
    for (i, line) in text.lines().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(prefix);
        out.push_str(line);
    }
    out.push('\n');
}

fn absolute(url: &str, base: &str) -> String {
    if url.starts_with('/') && !url.starts_with("//") {
        format!("{base}{url}")
    } else {
        url.to_owned()
    }
}

fn inline<'a>(node: &'a AstNode<'a>, base: &str, out: &mut String) {
    for child in node.children() {
        let value = child.data.borrow().value.clone();
        match value {
            NodeValue::Text(t) => out.push_str(&t),
            NodeValue::Code(c) => out.push_str(&c.literal),
            NodeValue::SoftBreak => out.push(' '),
            NodeValue::LineBreak => out.push('\n'),
            NodeValue::Link(l) => {
                let mut text = String::new();
                inline(child, base, &mut text);
                let url = absolute(&l.url, base);
                if text == url || text == l.url {
                    out.push_str(&url);
                } else {
                    out.push_str(&format!("{text} ({url})"));
                }
            }
            NodeValue::Image(_) => {
                let mut alt = String::new();
                inline(child, base, &mut alt);
                if !alt.is_empty() {
                    out.push_str(&format!("[{alt}]"));
                }
            }
            NodeValue::FootnoteReference(f) => out.push_str(&format!("[{}]", f.name)),
            NodeValue::HtmlInline(h) => out.push_str(&strip_tags(&h)),
            _ => inline(child, base, out),
        }
    }
}

/// The text of raw HTML: tags removed, scripts and styles dropped whole, the common
/// entities decoded.
fn strip_tags(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        let after = &rest[lt..];
        let lower = after.get(..7).unwrap_or(after).to_ascii_lowercase();
        let skip_to = if lower.starts_with("<script") {
            after.to_ascii_lowercase().find("</script>").map(|i| i + 9)
        } else if lower.starts_with("<style") {
            after.to_ascii_lowercase().find("</style>").map(|i| i + 8)
        } else {
            after.find('>').map(|i| i + 1)
        };
        match skip_to {
            Some(n) => rest = &after[n..],
            None => {
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
}

/// What a republisher may do with one article, in one set of words. The article's licence
/// governs: an open licence's terms are the licence's own (the publication's general policy
/// is not shown beside them, so the page cannot say two things), and only an article with
/// all rights reserved is republished under the publication's policy, as it is.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Terms {
    /// The terms, one sentence each, in the order a republisher needs them.
    pub items: Vec<String>,
    /// Whether the publication's republishing policy is what grants permission (all rights
    /// reserved), and so belongs on the page.
    pub policy_applies: bool,
    /// The text must stay as it is.
    pub no_derivatives: bool,
}

impl Terms {
    pub fn of(license: crate::License, publication: &str) -> Self {
        use crate::License as L;
        let mut items = Vec::new();
        let open = license.url().is_some();
        items.push(match license {
            L::AllRightsReserved => format!(
                "{publication} keeps all rights. You may republish this article under \
                 {publication}'s republishing policy below, as it is."
            ),
            L::Cc0 => format!(
                "The article is dedicated to the public domain ({}): you may use it for any \
                 purpose. Where anything else says otherwise, the licence governs.",
                license.name()
            ),
            l => format!(
                "The article is licensed under {}. These terms are that licence's; where anything \
                 else says otherwise, the licence governs.",
                l.name()
            ),
        });
        items.push(match license {
            L::Cc0 => format!(
                "Credit is not required, but please credit the author(s) and {publication} and \
                 keep the attribution line at the end."
            ),
            _ => format!(
                "Credit the author(s) and {publication}, and keep the attribution line at the end."
            ),
        });
        let no_derivatives = license.no_derivatives();
        items.push(if no_derivatives {
            "Do not change the text. You may change the headline's style, but not its meaning."
                .to_owned()
        } else {
            "You may edit, shorten, translate or adapt the text; say that you changed it."
                .to_owned()
        });
        if matches!(license, L::CcBySa | L::CcByNcSa) {
            items.push("Share what you make from it under the same licence.".to_owned());
        }
        if matches!(license, L::CcByNc | L::CcByNcSa | L::CcByNcNd) {
            items.push("Republish it only for non-commercial purposes.".to_owned());
        }
        items.push(if open {
            "Please keep the canonical link and the tracking image: they tell us, without \
             cookies, how many people read your copy."
                .to_owned()
        } else {
            "Keep the canonical link and the tracking image: they tell us, without cookies, how \
             many people read your copy."
                .to_owned()
        });
        Self { items, policy_applies: !open, no_derivatives }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_html_keeps_its_words_but_not_its_code() {
        let md =
            "<p onclick=\"x()\">Kept <b>words</b> &amp; more.</p><script>alert('no')</script>\n";
        assert_eq!(body_text(md, BASE), "Kept words & more.");
    }

    const BASE: &str = "https://pub.example";

    #[test]
    fn html_keeps_plain_markup_and_own_images_only() {
        let md = "Text with [a link](/articles/x/) and <span class=\"c\" style=\"color:red\" onclick=\"x()\">span</span>.\n\n\
                  ![own](/media/a.jpg) ![theirs](https://cdn.other.example/b.jpg)\n\n\
                  <form><input name=q></form><script>alert(1)</script><iframe src=x></iframe>\n";
        let html = body_html(md, BASE);
        for bad in
            ["class=", "style=", "onclick", "<script", "<form", "<input", "<iframe", "cdn.other"]
        {
            assert!(!html.contains(bad), "{bad} in {html}");
        }
        assert!(html.contains("href=\"https://pub.example/articles/x/\""), "{html}");
        assert!(html.contains("src=\"https://pub.example/media/a.jpg\""), "{html}");
    }

    #[test]
    fn raw_html_images_from_other_hosts_are_dropped() {
        let md = "<img src=\"http://other-host.example/x.jpg\" alt=\"a\"> \
                  <img src=\"//other-host.example/y.jpg\"> <img src=\"https://pub.example.evil/z.jpg\"> \
                  <img src=\"/media/own.jpg\" alt=\"own\"> <img src=\"https://pub.example/media/two.jpg\">\n";
        let html = body_html(md, BASE);
        assert!(!html.contains("other-host") && !html.contains("evil"), "{html}");
        assert!(html.contains("src=\"https://pub.example/media/own.jpg\""), "{html}");
        assert!(html.contains("src=\"https://pub.example/media/two.jpg\""), "{html}");
    }

    #[test]
    fn text_is_readable_without_markup() {
        let md =
            "## Title\n\nA [link](/x/) and **bold**.\n\n- one\n- two\n\n> quoted\n\n1. first\n";
        assert_eq!(
            body_text(md, BASE),
            "Title\n\nA link (https://pub.example/x/) and bold.\n\n- one\n- two\n\n> quoted\n\n1. first"
        );
    }

    #[test]
    fn the_licence_governs_the_terms_and_they_never_contradict_each_other() {
        use crate::License;
        for l in License::ALL {
            let t = Terms::of(l, "The Post");
            let all = t.items.join(" ");
            let forbids = all.contains("Do not change the text");
            let allows = all.contains("You may edit");
            assert!(forbids != allows, "{l}: exactly one rule on changes: {all}");
            assert_eq!(forbids, l.no_derivatives(), "{l}");
            assert_eq!(t.no_derivatives, l.no_derivatives(), "{l}");
            assert_eq!(t.policy_applies, l == License::AllRightsReserved, "{l}");
            if l != License::AllRightsReserved {
                assert!(all.contains(l.name()) && all.contains("the licence governs"), "{l}");
            }
            assert_eq!(all.contains("non-commercial"), l.code().contains("-nc"), "{l}");
            assert_eq!(all.contains("same licence"), l.code().contains("-sa"), "{l}");
        }
    }
}

/// What an editor has said about a copy found on another site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CopyStatus {
    New,
    Verified,
    Ignored,
}

impl CopyStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CopyStatus::New => "new",
            CopyStatus::Verified => "verified",
            CopyStatus::Ignored => "ignored",
        }
    }
}

impl std::str::FromStr for CopyStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "new" => Ok(Self::New),
            "verified" => Ok(Self::Verified),
            "ignored" => Ok(Self::Ignored),
            other => Err(format!("unknown status {other:?}; expected new, verified or ignored")),
        }
    }
}

/// A copy of an article on another site, as the tracking image saw it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Republication {
    pub id: i64,
    pub article_id: i64,
    pub article_slug: String,
    pub article_title: String,
    /// The page that showed the copy, or its origin when the browser said only that.
    pub url: String,
    pub host: String,
    pub views: i64,
    pub status: CopyStatus,
    pub first_seen: chrono::DateTime<chrono::Utc>,
    pub last_seen: chrono::DateTime<chrono::Utc>,
}
