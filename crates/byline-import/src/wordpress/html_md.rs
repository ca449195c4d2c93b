//! HTML to Markdown an editor can work with, block by block: a paragraph, heading, list,
//! quote, code block or rule made only of what Markdown can say (emphasis, links, images,
//! code, line breaks) becomes Markdown; any other block (a table, a figure, an embed, text
//! with classes Markdown cannot keep) stays as sanitized HTML in the body, which Byline's
//! Markdown passes through its sanitizer on save.

use byline_core::markdown::clean_html;
use ego_tree::NodeRef;
use scraper::{ElementRef, Html, Node};

/// `html` (already paragraphed: see `content::autop`) as a Markdown body.
pub(crate) fn to_markdown(html: &str) -> String {
    let frag = Html::parse_fragment(html);
    let root = frag.root_element();
    let mut blocks: Vec<String> = Vec::new();
    let mut run: Vec<NodeRef<'_, Node>> = Vec::new();
    for child in root.children() {
        if is_block(child) {
            flush(&mut run, &mut blocks);
            let md = block(child).unwrap_or_else(|| raw(child));
            if !md.trim().is_empty() {
                blocks.push(md);
            }
        } else {
            run.push(child);
        }
    }
    flush(&mut run, &mut blocks);
    blocks.join("\n\n")
}

/// Consecutive inline nodes at the top level: one paragraph.
fn flush<'a>(run: &mut Vec<NodeRef<'a, Node>>, blocks: &mut Vec<String>) {
    if run.is_empty() {
        return;
    }
    let md = inlines(run.iter().copied()).unwrap_or_else(|| {
        let html: String = run.iter().map(|n| raw(*n)).collect();
        html.replace("\n\n", "\n")
    });
    let md = md.trim().to_owned();
    if !md.is_empty() {
        blocks.push(md);
    }
    run.clear();
}

const BLOCKS: &[&str] = &[
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "blockquote",
    "pre",
    "hr",
    "div",
    "figure",
    "table",
    "dl",
    "section",
    "article",
    "aside",
    "header",
    "footer",
    "iframe",
    "audio",
    "video",
    "address",
    "details",
    "form",
    "nav",
    "center",
    "object",
    "embed",
];

fn is_block(n: NodeRef<'_, Node>) -> bool {
    match n.value() {
        Node::Element(e) => BLOCKS.contains(&e.name()),
        Node::Comment(_) => true,
        _ => false,
    }
}

/// The node as sanitized HTML, with no blank line inside (so Markdown keeps it one block).
fn raw(n: NodeRef<'_, Node>) -> String {
    let html = match ElementRef::wrap(n) {
        Some(e) => e.html(),
        None => match n.value() {
            Node::Text(t) => escape_text(t),
            _ => String::new(),
        },
    };
    let mut out = clean_html(&html);
    while out.contains("\n\n") {
        out = out.replace("\n\n", "\n");
    }
    out.trim().to_owned()
}

fn block(n: NodeRef<'_, Node>) -> Option<String> {
    let Node::Element(e) = n.value() else { return Some(String::new()) };
    let name = e.name();
    match name {
        "p" => inlines(n.children()).map(|s| s.trim().to_owned()),
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
            let level = name[1..].parse::<usize>().unwrap_or(2);
            let text = inlines(n.children())?;
            let text = text.trim().replace('\n', " ");
            Some(format!("{} {text}", "#".repeat(level)))
        }
        "hr" => Some("---".to_owned()),
        "blockquote" => {
            let inner = blocks_of(n)?;
            Some(
                inner
                    .lines()
                    .map(|l| if l.is_empty() { ">".to_owned() } else { format!("> {l}") })
                    .collect::<Vec<_>>()
                    .join("\n"),
            )
        }
        "ul" | "ol" => list(n, name == "ol"),
        "pre" => {
            let text: String = n
                .descendants()
                .filter_map(|d| d.value().as_text().map(|t| t.to_string()))
                .collect();
            let lang = n
                .children()
                .filter_map(ElementRef::wrap)
                .find(|c| c.value().name() == "code")
                .and_then(|c| c.value().attr("class").map(str::to_owned))
                .and_then(|c| {
                    c.split_whitespace()
                        .find_map(|k| k.strip_prefix("language-").map(str::to_owned))
                })
                .unwrap_or_default();
            let mut fence = "```".to_owned();
            while text.contains(&fence) {
                fence.push('`');
            }
            Some(format!("{fence}{lang}\n{}\n{fence}", text.trim_end_matches('\n')))
        }
        _ => None,
    }
}

/// The children of a block container, as Markdown blocks.
fn blocks_of(n: NodeRef<'_, Node>) -> Option<String> {
    let mut out: Vec<String> = Vec::new();
    let mut run: Vec<NodeRef<'_, Node>> = Vec::new();
    for c in n.children() {
        if is_block(c) {
            if !run.is_empty() {
                out.push(inlines(run.drain(..))?.trim().to_owned());
            }
            out.push(block(c)?);
        } else {
            run.push(c);
        }
    }
    if !run.is_empty() {
        out.push(inlines(run.drain(..))?.trim().to_owned());
    }
    Some(out.into_iter().filter(|b| !b.is_empty()).collect::<Vec<_>>().join("\n\n"))
}

fn list(n: NodeRef<'_, Node>, ordered: bool) -> Option<String> {
    let mut items = Vec::new();
    let mut i = 1;
    for c in n.children() {
        match c.value() {
            Node::Text(t) if t.trim().is_empty() => continue,
            Node::Element(e) if e.name() == "li" => {
                let marker = if ordered { format!("{i}. ") } else { "- ".to_owned() };
                i += 1;
                let body = blocks_of(c)?;
                let pad = " ".repeat(marker.len());
                let mut lines = body.lines();
                let first = lines.next().unwrap_or("");
                let mut item = format!("{marker}{first}");
                for l in lines {
                    item.push('\n');
                    if !l.is_empty() {
                        item.push_str(&pad);
                        item.push_str(l);
                    }
                }
                items.push(item);
            }
            _ => return None,
        }
    }
    Some(items.join("\n"))
}

/// Inline nodes as Markdown text; `None` when one of them has no Markdown form.
fn inlines<'a>(nodes: impl IntoIterator<Item = NodeRef<'a, Node>>) -> Option<String> {
    let mut out = String::new();
    for n in nodes {
        let md = inline(n)?;
        // A line break's own line end is not a space at the start of the next line.
        let md = if out.ends_with("\\\n") { md.trim_start_matches(' ').to_owned() } else { md };
        out.push_str(&md);
    }
    Some(out)
}

fn inline(n: NodeRef<'_, Node>) -> Option<String> {
    match n.value() {
        Node::Text(t) => Some(escape_text(&collapse(t))),
        Node::Comment(_) => Some(String::new()),
        Node::Element(e) => {
            let inner = || inlines(n.children());
            let wrap = |mark: &str| -> Option<String> {
                let s = inner()?;
                let t = s.trim();
                if t.is_empty() {
                    return Some(s);
                }
                // Markers must touch the text: spaces move outside them.
                let lead = &s[..s.len() - s.trim_start().len()];
                let trail = &s[s.trim_end().len()..];
                Some(format!("{lead}{mark}{t}{mark}{trail}"))
            };
            match e.name() {
                "strong" | "b" => wrap("**"),
                "em" | "i" => wrap("*"),
                "del" | "s" | "strike" => wrap("~~"),
                "span" | "font" | "abbr" | "small" | "big" | "mark" | "time" | "cite" => inner(),
                "br" => Some("\\\n".to_owned()),
                "code" | "kbd" | "tt" => {
                    let text: String = n
                        .descendants()
                        .filter_map(|d| d.value().as_text().map(|t| t.to_string()))
                        .collect();
                    let tick = if text.contains('`') { "``" } else { "`" };
                    Some(format!("{tick}{text}{tick}"))
                }
                "a" => {
                    let text = inner()?;
                    match e.attr("href") {
                        Some(href) if !href.trim().is_empty() => {
                            Some(format!("[{}]({})", text.trim(), link_target(href.trim())))
                        }
                        _ => Some(text),
                    }
                }
                "img" => {
                    let src = e.attr("src")?.trim();
                    let alt = e.attr("alt").unwrap_or("").replace(['[', ']'], "");
                    Some(format!("![{}]({})", alt.trim(), link_target(src)))
                }
                _ => None,
            }
        }
        _ => Some(String::new()),
    }
}

fn link_target(url: &str) -> String {
    if url.contains([' ', '(', ')', '<', '>']) {
        format!("<{}>", url.replace(['<', '>'], ""))
    } else {
        url.to_owned()
    }
}

/// HTML's whitespace rule: each run of spaces and line ends is one space.
fn collapse(t: &str) -> String {
    let mut out = String::with_capacity(t.len());
    let mut space = false;
    for c in t.chars() {
        if c.is_whitespace() && c != '\u{a0}' {
            if !space {
                out.push(' ');
            }
            space = true;
        } else {
            out.push(c);
            space = false;
        }
    }
    out
}

/// Text that Markdown must not read as markup.
fn escape_text(t: &str) -> String {
    let mut out = String::with_capacity(t.len() + 8);
    for c in t.chars() {
        if matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '~') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::to_markdown as md;

    #[test]
    fn clean_html_becomes_markdown() {
        assert_eq!(
            md("<p>Hello <strong>bold</strong> and <em>it</em>.</p>"),
            "Hello **bold** and *it*."
        );
        assert_eq!(md("<h2>Title</h2><p>a<br>b</p>"), "## Title\n\na\\\nb");
        assert_eq!(
            md("<ul><li>one</li><li>two <a href=\"https://x.example/\">link</a></li></ul>"),
            "- one\n- two [link](https://x.example/)"
        );
        assert_eq!(md("<ol><li>a</li><li>b<ul><li>c</li></ul></li></ol>"), "1. a\n2. b\n\n   - c");
        assert_eq!(md("<blockquote><p>q</p></blockquote>"), "> q");
        assert_eq!(
            md("<pre><code class=\"language-rust\">fn a() {}\n</code></pre>"),
            "```rust\nfn a() {}\n```"
        );
        assert_eq!(md("<p><img src=\"/m/a.jpg\" alt=\"A [x]\"></p>"), "![A x](/m/a.jpg)");
        assert_eq!(md("<p>1 * 2 = <code>2</code> _x_</p>"), "1 \\* 2 = `2` \\_x\\_");
        assert_eq!(md("<hr>"), "---");
        assert_eq!(md("<p>&nbsp;</p><p>x</p>"), "x");
    }

    #[test]
    fn what_markdown_cannot_say_stays_sanitized_html() {
        let out =
            md("<p>a</p><table><tr><td onclick=\"x()\">1</td></tr></table><p>b<sup>2</sup></p>");
        assert!(out.starts_with("a\n\n<table>"), "{out}");
        assert!(!out.contains("onclick"), "{out}");
        assert!(out.contains("<td>1</td>"), "{out}");
        assert!(out.ends_with("<p>b<sup>2</sup></p>"), "{out}");
        let out =
            md("<figure><img src=\"a.jpg\" alt=\"\">\n\n<figcaption>Cap</figcaption></figure>");
        assert!(!out.contains("\n\n"), "{out}");
        assert!(md("<script>alert(1)</script><p>ok</p>").ends_with("ok"));
        assert!(!md("<script>alert(1)</script><p>ok</p>").contains("alert"));
    }
}
