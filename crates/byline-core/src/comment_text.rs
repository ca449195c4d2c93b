//! A comment's text: a small Markdown subset (paragraphs, emphasis, links, quotes, code,
//! lists) rendered once when it is saved and sanitized with an allow-list, so that nothing a
//! reader writes can run in another reader's browser. Raw HTML is shown as text; headings
//! and images lose their markup (their words stay); links are marked `rel="nofollow ugc"`
//! and may only go to web and mail addresses.

use std::collections::HashSet;
use std::sync::OnceLock;

fn options() -> comrak::Options<'static> {
    let mut o = comrak::Options::default();
    o.extension.strikethrough = true;
    o.extension.autolink = true;
    o.render.escape = true;
    o.render.hardbreaks = true;
    o
}

fn sanitizer() -> &'static ammonia::Builder<'static> {
    static CLEANER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    CLEANER.get_or_init(|| {
        let tags: HashSet<&str> =
            ["p", "br", "em", "strong", "del", "a", "blockquote", "code", "pre", "ul", "ol", "li"]
                .into_iter()
                .collect();
        let mut b = ammonia::Builder::empty();
        b.tags(tags)
            .add_tag_attributes("a", &["href"])
            .url_schemes(["http", "https", "mailto"].into_iter().collect())
            .link_rel(Some("nofollow ugc"))
            .strip_comments(true);
        b
    })
}

/// The HTML of a comment written in the Markdown subset: safe to put in any page.
pub fn to_html(body: &str) -> String {
    let raw = comrak::markdown_to_html(body, &options());
    sanitizer().clean(&raw).to_string()
}

#[cfg(test)]
mod tests {
    use super::to_html;

    #[test]
    fn the_subset_renders() {
        let h = to_html("*a* **b** `c`\n\n> quoted\n\n[link](https://example.org/x)");
        assert!(h.contains("<em>a</em>") && h.contains("<strong>b</strong>"), "{h}");
        assert!(h.contains("<code>c</code>") && h.contains("<blockquote>"), "{h}");
        assert!(
            h.contains(r#"<a href="https://example.org/x" rel="nofollow ugc">link</a>"#),
            "{h}"
        );
        let auto = to_html("see https://example.org");
        assert!(auto.contains(r#"rel="nofollow ugc""#), "{auto}");
    }

    #[test]
    fn nothing_runs() {
        for evil in [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "[x](javascript:alert(1))",
            "<a href=\"javascript:alert(1)\">x</a>",
            "![x](https://example.org/i.png)",
            "<svg onload=alert(1)>",
            "\"><iframe src=//evil>",
            "[x](data:text/html;base64,PHNjcmlwdD4=)",
        ] {
            let h = to_html(evil);
            // Raw HTML stays as text; no tag or link that runs anything gets through.
            for bad in
                ["<script", "<img", "<svg", "<iframe", "<a href=\"javascript", "<a href=\"data"]
            {
                assert!(!h.to_lowercase().contains(bad), "{evil} gave {h}");
            }
        }
        // Raw HTML is shown as the text it is.
        assert!(to_html("<b>x</b>").contains("&lt;b&gt;"));
        assert!(!to_html("# Big").contains("<h1"));
    }
}
