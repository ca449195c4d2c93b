//! Ghost's editor documents (Lexical since Ghost 5, Mobiledoc before) as plain HTML, for a
//! post whose export carries no rendered HTML; [`super::content`] then makes Markdown of
//! it. Cards with no plain form (bookmarks, galleries, buttons) keep whatever HTML they
//! hold, else their link, else nothing.

use serde_json::Value;

/// HTML escaping for text and attribute values.
fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn s<'a>(v: &'a Value, k: &str) -> &'a str {
    v.get(k).and_then(Value::as_str).unwrap_or_default()
}

/// A Lexical document as HTML.
pub(crate) fn lexical_html(json: &str) -> Option<String> {
    let doc: Value = serde_json::from_str(json).ok()?;
    let root = doc.get("root")?;
    let mut out = String::new();
    lexical_children(root, &mut out);
    Some(out)
}

fn lexical_children(node: &Value, out: &mut String) {
    for c in node.get("children").and_then(Value::as_array).into_iter().flatten() {
        lexical_node(c, out);
    }
}

fn lexical_node(n: &Value, out: &mut String) {
    let wrap = |tag: &str, out: &mut String| {
        out.push_str(&format!("<{tag}>"));
        lexical_children(n, out);
        out.push_str(&format!("</{tag}>"));
    };
    match s(n, "type") {
        "paragraph" | "extended-text" => wrap("p", out),
        "heading" | "extended-heading" => {
            let tag = match s(n, "tag") {
                t @ ("h1" | "h2" | "h3" | "h4" | "h5" | "h6") => t,
                _ => "h2",
            };
            wrap(tag, out);
        }
        "quote" | "extended-quote" | "aside" => wrap("blockquote", out),
        "list" => {
            let tag = if s(n, "listType") == "number" { "ol" } else { "ul" };
            match n.get("start").and_then(Value::as_u64).filter(|s| *s > 1) {
                Some(start) if tag == "ol" => {
                    out.push_str(&format!("<ol start=\"{start}\">"));
                    lexical_children(n, out);
                    out.push_str("</ol>");
                }
                _ => wrap(tag, out),
            }
        }
        "listitem" => wrap("li", out),
        "link" | "autolink" => {
            out.push_str(&format!("<a href=\"{}\">", esc(s(n, "url"))));
            lexical_children(n, out);
            out.push_str("</a>");
        }
        "text" | "extended-text-node" => {
            let format = n.get("format").and_then(Value::as_u64).unwrap_or(0);
            let tags: Vec<&str> =
                [(1, "strong"), (2, "em"), (4, "s"), (16, "code"), (32, "sub"), (64, "sup")]
                    .iter()
                    .filter(|(bit, _)| format & bit != 0)
                    .map(|(_, t)| *t)
                    .collect();
            for t in &tags {
                out.push_str(&format!("<{t}>"));
            }
            out.push_str(&esc(s(n, "text")));
            for t in tags.iter().rev() {
                out.push_str(&format!("</{t}>"));
            }
        }
        "linebreak" => out.push_str("<br>"),
        "tab" => out.push(' '),
        "horizontalrule" => out.push_str("<hr>"),
        "paywall" => out.push_str("<!--members-only-->"),
        "image" => image(s(n, "src"), s(n, "alt"), s(n, "caption"), out),
        "codeblock" => out.push_str(&format!(
            "<pre><code class=\"language-{}\">{}</code></pre>",
            esc(s(n, "language")),
            esc(s(n, "code"))
        )),
        "markdown" => out.push_str(&byline_core::markdown::to_html(s(n, "markdown"))),
        "html" | "embed" => out.push_str(s(n, "html")),
        _ => card_fallback(n, out),
    }
}

fn image(src: &str, alt: &str, caption: &str, out: &mut String) {
    if src.is_empty() {
        return;
    }
    out.push_str(&format!("<figure><img src=\"{}\" alt=\"{}\">", esc(src), esc(alt)));
    if !caption.is_empty() {
        // Ghost stores captions as HTML.
        out.push_str(&format!("<figcaption>{caption}</figcaption>"));
    }
    out.push_str("</figure>");
}

/// A card with no plain form: its HTML, else a link to its URL, else its children.
fn card_fallback(n: &Value, out: &mut String) {
    if !s(n, "html").is_empty() {
        out.push_str(s(n, "html"));
    } else if !s(n, "url").is_empty() {
        let title = n
            .get("metadata")
            .map(|m| s(m, "title"))
            .filter(|t| !t.is_empty())
            .unwrap_or(s(n, "url"));
        out.push_str(&format!("<p><a href=\"{}\">{}</a></p>", esc(s(n, "url")), esc(title)));
    } else {
        lexical_children(n, out);
    }
}

/// A Mobiledoc document (0.3) as HTML.
pub(crate) fn mobiledoc_html(json: &str) -> Option<String> {
    let doc: Value = serde_json::from_str(json).ok()?;
    let markups = doc.get("markups").and_then(Value::as_array).cloned().unwrap_or_default();
    let cards = doc.get("cards").and_then(Value::as_array).cloned().unwrap_or_default();
    let mut out = String::new();
    for section in doc.get("sections")?.as_array()? {
        match section.get(0).and_then(Value::as_u64) {
            // [1, tag, markers]: a paragraph, heading or quote.
            Some(1) => {
                let tag = match section
                    .get(1)
                    .and_then(Value::as_str)
                    .unwrap_or("p")
                    .to_ascii_lowercase()
                {
                    t if matches!(
                        t.as_str(),
                        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "blockquote"
                    ) =>
                    {
                        t
                    }
                    t if t == "aside" || t == "pull-quote" => "blockquote".to_owned(),
                    _ => "p".to_owned(),
                };
                out.push_str(&format!("<{tag}>{}</{tag}>", markers(section.get(2), &markups)));
            }
            // [3, "ul" | "ol", [markers per item]].
            Some(3) => {
                let tag =
                    if section.get(1).and_then(Value::as_str) == Some("ol") { "ol" } else { "ul" };
                out.push_str(&format!("<{tag}>"));
                for item in section.get(2).and_then(Value::as_array).into_iter().flatten() {
                    out.push_str(&format!("<li>{}</li>", markers(Some(item), &markups)));
                }
                out.push_str(&format!("</{tag}>"));
            }
            // [2, src]: an image section.
            Some(2) => {
                image(section.get(1).and_then(Value::as_str).unwrap_or_default(), "", "", &mut out)
            }
            // [10, card index].
            Some(10) => {
                let i = section.get(1).and_then(Value::as_u64).unwrap_or(u64::MAX);
                if let Some(card) = usize::try_from(i).ok().and_then(|i| cards.get(i)) {
                    mobiledoc_card(card, &mut out);
                }
            }
            _ => {}
        }
    }
    Some(out)
}

fn mobiledoc_card(card: &Value, out: &mut String) {
    let name = card.get(0).and_then(Value::as_str).unwrap_or_default();
    let empty = Value::Null;
    let p = card.get(1).unwrap_or(&empty);
    match name {
        "markdown" | "card-markdown" => {
            out.push_str(&byline_core::markdown::to_html(s(p, "markdown")))
        }
        "html" | "embed" => out.push_str(s(p, "html")),
        "hr" => out.push_str("<hr>"),
        "paywall" => out.push_str("<!--members-only-->"),
        "image" => image(s(p, "src"), s(p, "alt"), s(p, "caption"), out),
        "code" => out.push_str(&format!(
            "<pre><code class=\"language-{}\">{}</code></pre>",
            esc(s(p, "language")),
            esc(s(p, "code"))
        )),
        _ => card_fallback(p, out),
    }
}

/// Mobiledoc markers: [kind, opened markup indexes, how many close, text].
fn markers(list: Option<&Value>, markups: &[Value]) -> String {
    let mut out = String::new();
    let mut open: Vec<String> = Vec::new();
    for m in list.and_then(Value::as_array).into_iter().flatten() {
        for i in m.get(1).and_then(Value::as_array).into_iter().flatten() {
            let Some(markup) = i.as_u64().and_then(|i| markups.get(usize::try_from(i).ok()?))
            else {
                continue;
            };
            let tag = markup.get(0).and_then(Value::as_str).unwrap_or("span").to_ascii_lowercase();
            let tag = match tag.as_str() {
                "b" | "strong" | "i" | "em" | "s" | "code" | "sub" | "sup" | "a" | "u" => tag,
                _ => "span".to_owned(),
            };
            let attrs = markup.get(1).and_then(Value::as_array).cloned().unwrap_or_default();
            let href = attrs
                .chunks(2)
                .find(|kv| kv[0] == "href")
                .and_then(|kv| kv.get(1)?.as_str().map(str::to_owned));
            match href {
                Some(h) if tag == "a" => out.push_str(&format!("<a href=\"{}\">", esc(&h))),
                _ => out.push_str(&format!("<{tag}>")),
            }
            open.push(tag);
        }
        if m.get(0).and_then(Value::as_u64) == Some(0) {
            out.push_str(&esc(m.get(3).and_then(Value::as_str).unwrap_or_default()));
        } else if let Some(text) = m.get(3).and_then(Value::as_str) {
            out.push_str(&esc(text));
        }
        let close = m.get(2).and_then(Value::as_u64).unwrap_or(0);
        for _ in 0..close {
            if let Some(t) = open.pop() {
                out.push_str(&format!("</{t}>"));
            }
        }
    }
    while let Some(t) = open.pop() {
        out.push_str(&format!("</{t}>"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexical_paragraphs_formats_links_lists_and_cards() {
        let doc = serde_json::json!({"root": {"type": "root", "children": [
            {"type": "heading", "tag": "h3", "children": [{"type": "text", "text": "Hi", "format": 0}]},
            {"type": "paragraph", "children": [
                {"type": "text", "text": "bold", "format": 1}, {"type": "text", "text": " & ", "format": 0},
                {"type": "link", "url": "https://x.org", "children": [{"type": "text", "text": "x", "format": 2}]}
            ]},
            {"type": "list", "listType": "number", "children": [{"type": "listitem", "children": [{"type": "text", "text": "one"}]}]},
            {"type": "paywall"},
            {"type": "image", "src": "/a.jpg", "alt": "A", "caption": ""}
        ]}});
        let html = lexical_html(&doc.to_string()).unwrap();
        assert_eq!(
            html,
            "<h3>Hi</h3><p><strong>bold</strong> &amp; <a href=\"https://x.org\"><em>x</em></a></p><ol><li>one</li></ol><!--members-only--><figure><img src=\"/a.jpg\" alt=\"A\"></figure>"
        );
    }

    #[test]
    fn mobiledoc_sections_markers_and_cards() {
        let doc = r#"{"version":"0.3.1","atoms":[],"markups":[["a",["href","https://g.org"]],["strong"]],
            "cards":[["hr",{}],["code",{"code":"x < 1","language":"js"}]],
            "sections":[[1,"p",[[0,[],0,"Go "],[0,[0,1],2,"here"]]],[10,0],[3,"ul",[[[0,[],0,"a"]]]],[10,1]]}"#;
        let html = mobiledoc_html(doc).unwrap();
        assert_eq!(
            html,
            "<p>Go <a href=\"https://g.org\"><strong>here</strong></a></p><hr><ul><li>a</li></ul><pre><code class=\"language-js\">x &lt; 1</code></pre>"
        );
    }
}
