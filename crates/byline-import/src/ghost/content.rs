//! A Ghost post's body as Markdown. A body written in Markdown cards only (Ghost 1's
//! editor, and what `byline export ghost` writes) is taken as it is; anything else is read
//! from the HTML Ghost rendered, turned into Markdown where it converts cleanly, and kept as
//! HTML (cleaned when the article is rendered) where it does not: galleries, bookmarks,
//! embeds, tables, video, audio and other cards. A post without HTML has its Lexical or
//! Mobiledoc document rendered first (see [`super::editors`]).

use scraper::{ElementRef, Html, Node};
use serde_json::Value;

/// A body and how much of it stayed HTML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Body {
    pub markdown: String,
    /// Blocks kept as HTML because they have no Markdown form.
    pub kept_html: usize,
}

/// The body of a post record: its Markdown cards, else its HTML, else its plain text.
pub(crate) fn post_body(post: &serde_json::Map<String, Value>) -> Body {
    let field = |k: &str| post.get(k).and_then(Value::as_str).filter(|s| !s.trim().is_empty());
    if let Some(md) = field("lexical").and_then(lexical_markdown) {
        return Body { markdown: md, kept_html: 0 };
    }
    if let Some(md) = field("mobiledoc").and_then(mobiledoc_markdown) {
        return Body { markdown: md, kept_html: 0 };
    }
    if let Some(html) = field("html") {
        return html_to_markdown(html);
    }
    // No rendered HTML (some drafts, hand-made files): render the editor's document.
    let editor = field("lexical")
        .and_then(super::editors::lexical_html)
        .or_else(|| field("mobiledoc").and_then(super::editors::mobiledoc_html))
        .filter(|h| !h.trim().is_empty());
    if let Some(html) = editor {
        return html_to_markdown(&html);
    }
    if let Some(md) = field("markdown") {
        return Body { markdown: md.trim().to_owned(), kept_html: 0 };
    }
    let text = field("plaintext").unwrap_or_default();
    Body { markdown: escape_text(text.trim(), true), kept_html: 0 }
}

/// A Lexical document made of Markdown cards only, as one Markdown text.
fn lexical_markdown(json: &str) -> Option<String> {
    let doc: Value = serde_json::from_str(json).ok()?;
    let children = doc.get("root")?.get("children")?.as_array()?;
    join_cards(
        children.iter().map(|c| {
            (c.get("type")?.as_str()? == "markdown").then(|| c.get("markdown")?.as_str())?
        }),
    )
}

/// A Mobiledoc document whose sections are all Markdown cards, as one Markdown text.
fn mobiledoc_markdown(json: &str) -> Option<String> {
    let doc: Value = serde_json::from_str(json).ok()?;
    let cards = doc.get("cards")?.as_array()?;
    let sections = doc.get("sections")?.as_array()?;
    join_cards(sections.iter().map(|s| {
        // A card section is [10, card index].
        if s.get(0)?.as_u64()? != 10 {
            return None;
        }
        let card = cards.get(usize::try_from(s.get(1)?.as_u64()?).ok()?)?;
        let name = card.get(0)?.as_str()?;
        if name != "markdown" && name != "card-markdown" {
            return None;
        }
        card.get(1)?.get("markdown")?.as_str()
    }))
}

fn join_cards<'a>(cards: impl Iterator<Item = Option<&'a str>>) -> Option<String> {
    let parts: Vec<&str> = cards.collect::<Option<_>>()?;
    if parts.is_empty() {
        return None;
    }
    Some(parts.iter().map(|p| p.trim()).filter(|p| !p.is_empty()).collect::<Vec<_>>().join("\n\n"))
}

/// HTML as Markdown, block by block.
pub(crate) fn html_to_markdown(html: &str) -> Body {
    let doc = Html::parse_fragment(html);
    let mut w = Writer::default();
    w.blocks(doc.root_element());
    Body { markdown: w.out.join("\n\n"), kept_html: w.kept }
}

#[derive(Default)]
struct Writer {
    out: Vec<String>,
    kept: usize,
}

const RAW_BLOCKS: &[&str] = &[
    "table", "iframe", "video", "audio", "details", "dl", "form", "object", "embed", "canvas",
    "svg", "math",
];
const DROPPED: &[&str] = &["script", "style", "noscript", "template", "link", "meta"];
const TRANSPARENT_BLOCKS: &[&str] =
    &["div", "section", "article", "header", "footer", "main", "aside", "body", "html", "center"];

impl Writer {
    /// Writes the children of `el` as blocks; text and inline elements between blocks form
    /// paragraphs.
    fn blocks(&mut self, el: ElementRef<'_>) {
        let mut inline = String::new();
        for child in el.children() {
            match child.value() {
                Node::Text(t) => push_text(&mut inline, t),
                Node::Comment(c) if c.trim().eq_ignore_ascii_case("members-only") => {
                    self.paragraph(&mut inline);
                    self.out.push(byline_core::gating::MEMBERS_ONLY_MARKER.to_owned());
                }
                Node::Element(_) => {
                    let Some(e) = ElementRef::wrap(child) else { continue };
                    if is_block(e) {
                        self.paragraph(&mut inline);
                        self.block(e);
                    } else {
                        inline.push_str(&self.inline(e));
                    }
                }
                _ => {}
            }
        }
        self.paragraph(&mut inline);
    }

    fn paragraph(&mut self, inline: &mut String) {
        let text = tidy(inline);
        if !text.is_empty() {
            self.out.push(text);
        }
        inline.clear();
    }

    fn block(&mut self, e: ElementRef<'_>) {
        let name = e.value().name();
        match name {
            "p" => {
                let text = tidy(&self.inline_children(e));
                if !text.is_empty() {
                    self.out.push(text);
                }
            }
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                let level = usize::from(name.as_bytes()[1] - b'0');
                let text = tidy(&self.inline_children(e)).replace('\n', " ");
                if !text.is_empty() {
                    self.out.push(format!("{} {text}", "#".repeat(level)));
                }
            }
            "ul" | "ol" => {
                let list = self.list(e, name == "ol");
                if !list.is_empty() {
                    self.out.push(list);
                }
            }
            "blockquote" if e.value().classes().count() == 0 => {
                let inner = self.nested(e);
                if !inner.is_empty() {
                    let quoted: Vec<String> = inner
                        .lines()
                        .map(|l| if l.is_empty() { ">".to_owned() } else { format!("> {l}") })
                        .collect();
                    self.out.push(quoted.join("\n"));
                }
            }
            "pre" => self.out.push(code_block(e)),
            "hr" => self.out.push("---".to_owned()),
            "img" => {
                let image = image(e);
                if !image.is_empty() {
                    self.out.push(image);
                }
            }
            "figure" => self.figure(e),
            n if DROPPED.contains(&n) => {}
            n if TRANSPARENT_BLOCKS.contains(&n) && !is_card(e) => self.blocks(e),
            _ => self.raw(e),
        }
    }

    /// The blocks inside `e`, as one Markdown text.
    fn nested(&mut self, e: ElementRef<'_>) -> String {
        let mut inner = Writer::default();
        inner.blocks(e);
        self.kept += inner.kept;
        inner.out.join("\n\n")
    }

    fn list(&mut self, e: ElementRef<'_>, ordered: bool) -> String {
        let start = e.value().attr("start").and_then(|s| s.parse::<u64>().ok()).unwrap_or(1);
        let items: Vec<ElementRef<'_>> = e
            .children()
            .filter_map(ElementRef::wrap)
            .filter(|c| c.value().name() == "li")
            .collect();
        let loose = items
            .iter()
            .any(|li| li.children().filter_map(ElementRef::wrap).any(|c| c.value().name() == "p"));
        let mut out = Vec::new();
        for (i, li) in items.into_iter().enumerate() {
            let marker = if ordered { format!("{}. ", start + i as u64) } else { "- ".to_owned() };
            let mut inner = Writer::default();
            inner.blocks(li);
            self.kept += inner.kept;
            let body = inner.out.join(if loose { "\n\n" } else { "\n" });
            let pad = " ".repeat(marker.len());
            let mut lines = body.lines();
            let mut item = format!("{marker}{}", lines.next().unwrap_or(""));
            for l in lines {
                item.push('\n');
                if !l.is_empty() {
                    item.push_str(&pad);
                    item.push_str(l);
                }
            }
            out.push(item);
        }
        out.join(if loose { "\n\n" } else { "\n" })
    }

    /// An image with an optional caption: Markdown when it has none, else a plain
    /// `<figure>` (Markdown has no caption).
    fn figure(&mut self, e: ElementRef<'_>) {
        let elements: Vec<ElementRef<'_>> =
            e.descendants().skip(1).filter_map(ElementRef::wrap).collect();
        let imgs: Vec<_> = elements.iter().filter(|c| c.value().name() == "img").collect();
        let caption = elements.iter().find(|c| c.value().name() == "figcaption");
        let others = elements.iter().any(|c| {
            !matches!(c.value().name(), "img" | "figcaption" | "a" | "div" | "picture" | "source")
                && !caption.is_some_and(|f| f.descendants().any(|d| d.id() == c.id()))
        });
        if imgs.len() != 1 || others {
            return self.raw(e);
        }
        let img = imgs[0];
        match caption {
            None => self.out.push(image(*img)),
            Some(cap) => {
                let src = img.value().attr("src").unwrap_or_default();
                let alt = img.value().attr("alt").unwrap_or_default();
                let cap_html = tidy(&cap.inner_html());
                self.out.push(format!(
                    "<figure>\n<img src=\"{}\" alt=\"{}\">\n<figcaption>{}</figcaption>\n</figure>",
                    attr(src),
                    attr(alt),
                    cap_html.replace("\n\n", "\n")
                ));
                self.kept += 1;
            }
        }
    }

    /// An element kept as HTML, without blank lines (which would end an HTML block).
    fn raw(&mut self, e: ElementRef<'_>) {
        let html = e.html();
        let compact: Vec<&str> = html.lines().filter(|l| !l.trim().is_empty()).collect();
        if !compact.is_empty() {
            self.out.push(compact.join("\n"));
            self.kept += 1;
        }
    }

    fn inline_children(&mut self, e: ElementRef<'_>) -> String {
        let mut s = String::new();
        for child in e.children() {
            match child.value() {
                Node::Text(t) => push_text(&mut s, t),
                Node::Element(_) => {
                    if let Some(c) = ElementRef::wrap(child) {
                        s.push_str(&self.inline(c));
                    }
                }
                _ => {}
            }
        }
        s
    }

    fn inline(&mut self, e: ElementRef<'_>) -> String {
        let name = e.value().name();
        match name {
            "strong" | "b" => wrap("**", &self.inline_children(e)),
            "em" | "i" => wrap("*", &self.inline_children(e)),
            "del" | "s" | "strike" => wrap("~~", &self.inline_children(e)),
            "code" => code_span(&e.text().collect::<String>()),
            "br" => "\\\n".to_owned(),
            "img" => image(e),
            "a" => {
                let text = self.inline_children(e);
                match e.value().attr("href") {
                    Some(href) if !href.trim().is_empty() => {
                        let title = e
                            .value()
                            .attr("title")
                            .map(|t| format!(" \"{}\"", t.replace('"', "\\\"")));
                        format!(
                            "[{}]({}{})",
                            text.trim(),
                            link_target(href),
                            title.unwrap_or_default()
                        )
                    }
                    _ => text,
                }
            }
            "span" | "font" | "u" | "small" | "big" | "label" | "time" | "cite" | "q" | "abbr"
            | "mark" | "sup" | "sub" | "kbd" | "var" | "samp" | "ins" => {
                if matches!(name, "sup" | "sub" | "mark" | "abbr" | "kbd") {
                    let inner = self.inline_children(e);
                    format!("<{name}>{inner}</{name}>")
                } else {
                    self.inline_children(e)
                }
            }
            n if DROPPED.contains(&n) => String::new(),
            _ => {
                self.kept += 1;
                e.html()
            }
        }
    }
}

fn is_block(e: ElementRef<'_>) -> bool {
    let n = e.value().name();
    matches!(
        n,
        "p" | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "ul"
            | "ol"
            | "blockquote"
            | "pre"
            | "hr"
            | "figure"
            | "li"
    ) || TRANSPARENT_BLOCKS.contains(&n)
        || RAW_BLOCKS.contains(&n)
        || (n == "img" && e.parent().and_then(ElementRef::wrap).is_none_or(|p| is_container(p)))
}

fn is_container(e: ElementRef<'_>) -> bool {
    TRANSPARENT_BLOCKS.contains(&e.value().name())
}

/// A Ghost card (`kg-card`) that is not a plain image: kept whole.
fn is_card(e: ElementRef<'_>) -> bool {
    e.value().classes().any(|c| c.starts_with("kg-") && c.ends_with("-card"))
}

fn image(e: ElementRef<'_>) -> String {
    let Some(src) = e.value().attr("src").filter(|s| !s.trim().is_empty()) else {
        return String::new();
    };
    let alt = e.value().attr("alt").unwrap_or_default();
    format!("![{}]({})", escape_text(alt, false), link_target(src))
}

fn code_block(e: ElementRef<'_>) -> String {
    let code = e.text().collect::<String>();
    let lang = e
        .descendants()
        .filter_map(ElementRef::wrap)
        .flat_map(|c| c.value().classes().collect::<Vec<_>>())
        .find_map(|c| c.strip_prefix("language-").or_else(|| c.strip_prefix("lang-")))
        .unwrap_or_default()
        .to_owned();
    let longest = longest_run(&code, '`');
    let fence = "`".repeat(longest.max(2) + 1);
    format!("{fence}{lang}\n{}\n{fence}", code.trim_end_matches('\n'))
}

fn code_span(code: &str) -> String {
    let ticks = "`".repeat(longest_run(code, '`') + 1);
    let pad = if code.starts_with('`') || code.ends_with('`') { " " } else { "" };
    format!("{ticks}{pad}{code}{pad}{ticks}")
}

fn longest_run(s: &str, ch: char) -> usize {
    let (mut best, mut run) = (0, 0);
    for c in s.chars() {
        run = if c == ch { run + 1 } else { 0 };
        best = best.max(run);
    }
    best
}

/// `**text**` with the spaces at its ends moved outside (`** a**` is not emphasis).
fn wrap(mark: &str, inner: &str) -> String {
    let trimmed = inner.trim();
    if trimmed.is_empty() {
        return inner.to_owned();
    }
    let lead = if inner.starts_with(char::is_whitespace) { " " } else { "" };
    let tail = if inner.ends_with(char::is_whitespace) { " " } else { "" };
    format!("{lead}{mark}{trimmed}{mark}{tail}")
}

fn link_target(url: &str) -> String {
    let url = url.trim();
    if url.contains([' ', '(', ')', '<', '>']) {
        format!("<{}>", url.replace('<', "%3C").replace('>', "%3E"))
    } else {
        url.to_owned()
    }
}

fn attr(s: &str) -> String {
    s.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;")
}

/// Adds HTML text to a paragraph: runs of whitespace become one space; Markdown's
/// characters are escaped.
fn push_text(out: &mut String, text: &str) {
    let mut collapsed = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        if c.is_whitespace() {
            space = true;
            continue;
        }
        if space {
            collapsed.push(' ');
            space = false;
        }
        collapsed.push(c);
    }
    if space {
        collapsed.push(' ');
    }
    let collapsed = if out.is_empty() || out.ends_with([' ', '\n']) {
        collapsed.trim_start()
    } else {
        &collapsed
    };
    if collapsed.is_empty() {
        return;
    }
    let at_start = out.trim().is_empty() || out.ends_with("\\\n");
    out.push_str(&escape_text(collapsed, at_start));
}

/// Escapes what Markdown would read as syntax; `at_start`: the text begins a line.
fn escape_text(text: &str, at_start: bool) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' => {
                out.push('\\');
                out.push(c);
            }
            '&' if looks_like_entity(&chars[i + 1..]) => out.push_str("\\&"),
            '#' | '>' | '-' | '+' | '=' | '|' if i == 0 && at_start => {
                out.push('\\');
                out.push(c);
            }
            '.' | ')'
                if at_start
                    && i > 0
                    && i < 10
                    && chars[..i].iter().all(char::is_ascii_digit)
                    && chars.get(i + 1).is_none_or(|n| n.is_whitespace()) =>
            {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

fn looks_like_entity(rest: &[char]) -> bool {
    let name: Vec<&char> =
        rest.iter().take_while(|c| c.is_ascii_alphanumeric() || **c == '#').collect();
    !name.is_empty() && rest.get(name.len()) == Some(&';')
}

/// Trims a paragraph and its lines.
fn tidy(s: &str) -> String {
    s.lines().map(str::trim_end).collect::<Vec<_>>().join("\n").trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body_of(post: Value) -> String {
        post_body(post.as_object().unwrap()).markdown
    }

    fn md(html: &str) -> String {
        html_to_markdown(html).markdown
    }

    #[test]
    fn paragraphs_headings_emphasis_and_links() {
        assert_eq!(
            md(
                "<h2>Title</h2><p>Some <strong>bold</strong> and <em>soft</em> text with a <a href=\"https://x.org/a\">link</a>.</p>"
            ),
            "## Title\n\nSome **bold** and *soft* text with a [link](https://x.org/a)."
        );
    }

    #[test]
    fn lists_nest_and_number_from_their_start() {
        assert_eq!(
            md(
                "<ul><li>one</li><li>two<ul><li>inner</li></ul></li></ul><ol start=\"3\"><li>c</li><li>d</li></ol>"
            ),
            "- one\n- two\n  - inner\n\n3. c\n4. d"
        );
    }

    #[test]
    fn code_quotes_rules_and_markers() {
        let out = md(
            "<pre><code class=\"language-rust\">fn main() {}\n</code></pre><blockquote><p>Said.</p></blockquote><hr><!--members-only--><p>After</p>",
        );
        assert_eq!(
            out,
            "```rust\nfn main() {}\n```\n\n> Said.\n\n---\n\n<!--members-only-->\n\nAfter"
        );
    }

    #[test]
    fn markdown_characters_in_text_are_escaped() {
        assert_eq!(
            md("<p>1. not a list *or* [link] &amp;copy; a_b</p>"),
            "1\\. not a list \\*or\\* \\[link\\] \\&copy; a\\_b"
        );
    }

    #[test]
    fn cards_stay_html_and_captions_stay_figures() {
        let b = html_to_markdown(
            "<figure class=\"kg-card kg-image-card kg-card-hascaption\"><img src=\"/a.jpg\" alt=\"A\"><figcaption>By <em>me</em></figcaption></figure><div class=\"kg-card kg-bookmark-card\"><a href=\"https://x\">x</a>\n\n</div><figure class=\"kg-card kg-image-card\"><img src=\"/b.jpg\" alt=\"B\"></figure>",
        );
        assert_eq!(b.kept_html, 2);
        assert!(b.markdown.starts_with("<figure>\n<img src=\"/a.jpg\" alt=\"A\">\n<figcaption>By <em>me</em></figcaption>\n</figure>"), "{}", b.markdown);
        assert!(
            b.markdown.contains(
                "<div class=\"kg-card kg-bookmark-card\"><a href=\"https://x\">x</a>\n</div>"
            ),
            "{}",
            b.markdown
        );
        assert!(b.markdown.ends_with("![B](/b.jpg)"));
        assert_eq!(md("<p>a<script>alert(1)</script>b</p>"), "ab");
    }

    #[test]
    fn markdown_cards_are_taken_as_written() {
        let mobiledoc = r##"{"version":"0.3.1","markups":[],"atoms":[],"cards":[["markdown",{"markdown":"# Hi\n\n*there*"}]],"sections":[[10,0]]}"##;
        let post = serde_json::json!({"mobiledoc": mobiledoc, "html": "<h1>ignored</h1>"});
        assert_eq!(body_of(post), "# Hi\n\n*there*");
        let lexical =
            r#"{"root":{"children":[{"type":"markdown","markdown":"A **b**"}],"type":"root"}}"#;
        assert_eq!(body_of(serde_json::json!({"lexical": lexical})), "A **b**");
        // A paragraph section is not a card: the HTML is read instead.
        let mixed = r#"{"version":"0.3.1","markups":[],"atoms":[],"cards":[],"sections":[[1,"p",[[0,[],0,"x"]]]]}"#;
        assert_eq!(body_of(serde_json::json!({"mobiledoc": mixed, "html": "<p>x</p>"})), "x");
    }
}
