//! Markdown to sanitized HTML, done once when content is saved, and plain-text excerpts.

use comrak::nodes::NodeValue;
use comrak::{Arena, Options, parse_document};
use std::sync::OnceLock;

/// The Markdown flavour of every article: CommonMark with GitHub's tables, strikethrough,
/// autolinks and footnotes, superscript, and typographic quotes.
pub(crate) fn options() -> Options<'static> {
    let mut o = Options::default();
    o.extension.strikethrough = true;
    o.extension.table = true;
    o.extension.autolink = true;
    o.extension.footnotes = true;
    o.extension.superscript = true;
    o.parse.smart = true;
    // Raw HTML is let through here and cleaned by ammonia below, so that authors can use
    // harmless tags (<sup>, <abbr>, <figure>) while scripts, styles and handlers are dropped.
    o.render.r#unsafe = true;
    o
}

fn sanitizer() -> &'static ammonia::Builder<'static> {
    static CLEANER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    CLEANER.get_or_init(|| {
        let mut b = ammonia::Builder::default();
        // Footnotes link to each other by id.
        b.add_tag_attributes("a", &["id", "aria-label"])
            .add_tag_attributes("li", &["id"])
            .add_tag_attributes("sup", &["id"])
            .add_tags(&["section", "figure", "figcaption"])
            .add_allowed_classes("section", &["footnotes"])
            .add_allowed_classes("sup", &["footnote-ref"])
            .add_allowed_classes("a", &["footnote-backref"])
            .add_tag_attributes("td", &["align"])
            .add_tag_attributes("th", &["align"])
            // Audio and video players (imported `[audio]`/`[video]` shortcodes, say).
            .add_tags(&["audio", "video", "source"])
            .add_tag_attributes("audio", &["src", "controls", "preload"])
            .add_tag_attributes("video", &["src", "controls", "preload", "poster"])
            .add_tag_attributes("source", &["src", "type"]);
        b
    })
}

/// Renders Markdown to HTML that is safe to embed in a page: no scripts, no event handlers,
/// no styles, links marked `rel="noopener noreferrer"`.
pub fn to_html(markdown: &str) -> String {
    let raw = comrak::markdown_to_html(markdown, &options());
    sanitizer().clean(&raw).to_string()
}

/// Cleans HTML that came from elsewhere (an importer, an API) with the same rules as [`to_html`].
pub fn clean_html(html: &str) -> String {
    sanitizer().clean(html).to_string()
}

/// The plain text of the first paragraphs of a Markdown body, cut at a word boundary to at most
/// `max_chars` characters (an ellipsis marks a cut). Headings, code blocks, tables and images
/// are skipped.
pub fn excerpt(markdown: &str, max_chars: usize) -> String {
    let arena = Arena::new();
    let root = parse_document(&arena, markdown, &options());
    let mut text = String::new();
    for para in root.descendants() {
        if !matches!(para.data.borrow().value, NodeValue::Paragraph) {
            continue;
        }
        // Paragraphs inside table cells or footnotes don't summarise the piece.
        if para.ancestors().skip(1).any(|a| {
            matches!(a.data.borrow().value, NodeValue::FootnoteDefinition(_) | NodeValue::Table(_))
        }) {
            continue;
        }
        if !text.is_empty() {
            text.push(' ');
        }
        for node in para.descendants() {
            match &node.data.borrow().value {
                NodeValue::Text(t) => text.push_str(t),
                NodeValue::Code(c) => text.push_str(&c.literal),
                NodeValue::SoftBreak | NodeValue::LineBreak => text.push(' '),
                _ => {}
            }
        }
        if text.chars().count() > max_chars {
            break;
        }
    }
    truncate_words(text.trim(), max_chars)
}

/// Cuts text at a word boundary to at most `max_chars` characters, adding `…` when cut.
pub fn truncate_words(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_owned();
    }
    let cut: String = text.chars().take(max_chars.saturating_sub(1)).collect();
    let cut = match cut.rfind(char::is_whitespace) {
        Some(i) if i > cut.len() / 2 => &cut[..i],
        _ => &cut[..],
    };
    format!("{}…", cut.trim_end_matches(|c: char| c.is_whitespace() || c.is_ascii_punctuation()))
}

/// Escapes text for HTML content and quoted attributes (`&`, `<`, `>`, `"` and `'`).
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_gfm_and_strips_dangerous_html() {
        let html = to_html(
            "# Title\n\nHello *world* <script>alert(1)</script> <a href=\"x\" onclick=\"y\">l</a>\n\n| a | b |\n|---|---|\n| 1 | 2 |\n",
        );
        assert!(html.contains("<em>world</em>"), "{html}");
        assert!(html.contains("<table>"), "{html}");
        assert!(!html.contains("script"), "{html}");
        assert!(!html.contains("onclick"), "{html}");
    }

    #[test]
    fn keeps_footnote_links_working() {
        let html = to_html("Claim.[^1]\n\n[^1]: Source.\n");
        assert!(html.contains("id=\"fn-1\""), "{html}");
        assert!(html.contains("href=\"#fn-1\""), "{html}");
    }

    #[test]
    fn excerpts_skip_headings_and_cut_at_words() {
        let md = "## Heading\n\nThe *first* paragraph has `code` and words.\n\nThe second one goes on and on.";
        assert_eq!(
            excerpt(md, 200),
            "The first paragraph has code and words. The second one goes on and on."
        );
        let short = excerpt(md, 30);
        assert!(short.ends_with('…') && short.chars().count() <= 30, "{short}");
        assert!(short.starts_with("The first paragraph"), "{short}");
    }
}
