//! Inline HTML (text, emphasis, links, images, code) as Markdown, and the escaping that
//! keeps text from being read as Markdown's syntax.

use super::DROPPED;
use ego_tree::NodeRef;
use scraper::{ElementRef, Node};

/// Inline tags written as they are: harmless, kept by the sanitizer, with no Markdown form.
const KEPT_TAGS: &[&str] = &["sup", "sub", "mark", "abbr", "kbd"];
/// Inline tags whose text is kept and whose tag is not.
const PLAIN_TAGS: &[&str] = &[
    "span", "font", "u", "small", "big", "label", "time", "cite", "q", "var", "samp", "ins", "bdi",
];

/// Markdown text being written from inline nodes.
#[derive(Default)]
pub(super) struct Inline {
    out: String,
    /// Inside an element: a space at its start is kept (emphasis moves it outside).
    nested: bool,
}

impl Inline {
    /// Inline nodes as Markdown; `None` when one of them has no Markdown form (the block
    /// holding it then stays HTML).
    pub(super) fn nodes<'a>(nodes: impl IntoIterator<Item = NodeRef<'a, Node>>) -> Option<String> {
        let mut w = Inline::default();
        for n in nodes {
            w.node(n)?;
        }
        Some(w.out)
    }

    fn children(n: NodeRef<'_, Node>) -> Option<String> {
        let mut w = Inline { nested: true, ..Inline::default() };
        for c in n.children() {
            w.node(c)?;
        }
        Some(w.out)
    }

    /// No space at the start of a line, nor two in a row.
    fn spaced(&self, s: &str) -> usize {
        let at_line_start = self.out.is_empty() && !self.nested;
        if at_line_start || self.out.ends_with([' ', '\n', '\u{a0}']) {
            s.len() - s.trim_start_matches(' ').len()
        } else {
            0
        }
    }

    fn node(&mut self, n: NodeRef<'_, Node>) -> Option<()> {
        match n.value() {
            Node::Text(t) => self.text(t),
            Node::Element(_) => {
                let e = ElementRef::wrap(n)?;
                let md = element(e)?;
                let skip = self.spaced(&md);
                self.out.push_str(&md[skip..]);
            }
            _ => {}
        }
        Some(())
    }

    /// HTML text: runs of whitespace become one space (a no-break space stays); Markdown's
    /// characters are escaped.
    fn text(&mut self, text: &str) {
        let mut collapsed = String::with_capacity(text.len());
        let mut space = false;
        for c in text.chars() {
            if c.is_whitespace() && c != '\u{a0}' {
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
        let collapsed = &collapsed[self.spaced(&collapsed)..];
        if collapsed.is_empty() {
            return;
        }
        let at_start = self.out.trim().is_empty() || self.out.ends_with("\\\n");
        self.out.push_str(&escape_text(collapsed, at_start));
    }
}

/// One inline element as Markdown.
fn element(e: ElementRef<'_>) -> Option<String> {
    let name = e.value().name();
    let inner = || Inline::children(*e);
    Some(match name {
        "strong" | "b" => wrap("**", &inner()?),
        "em" | "i" => wrap("*", &inner()?),
        "del" | "s" | "strike" => wrap("~~", &inner()?),
        "code" | "tt" => code_span(&e.text().collect::<String>()),
        "br" => "\\\n".to_owned(),
        "img" => image(e),
        "a" => {
            let text = inner()?;
            match e.value().attr("href").map(str::trim).filter(|h| !h.is_empty()) {
                Some(href) => {
                    let title = e
                        .value()
                        .attr("title")
                        .map(|t| format!(" \"{}\"", t.replace('"', "\\\"")))
                        .unwrap_or_default();
                    format!("[{}]({}{title})", text.trim(), link_target(href))
                }
                None => text,
            }
        }
        n if KEPT_TAGS.contains(&n) => format!("<{n}>{}</{n}>", inner()?),
        n if PLAIN_TAGS.contains(&n) => inner()?,
        n if DROPPED.contains(&n) => String::new(),
        _ => return None,
    })
}

/// `![alt](src)`, or nothing for an image with no source.
pub(super) fn image(e: ElementRef<'_>) -> String {
    let Some(src) = e.value().attr("src").filter(|s| !s.trim().is_empty()) else {
        return String::new();
    };
    let alt = e.value().attr("alt").unwrap_or_default().replace(['[', ']'], "");
    format!("![{}]({})", escape_text(alt.trim(), false), link_target(src))
}

/// A fenced code block, in the language its `language-` (or `lang-`) class names.
pub(super) fn code_block(e: ElementRef<'_>) -> String {
    let code = e.text().collect::<String>();
    let lang = e
        .descendants()
        .filter_map(ElementRef::wrap)
        .flat_map(|c| c.value().classes().collect::<Vec<_>>())
        .find_map(|c| c.strip_prefix("language-").or_else(|| c.strip_prefix("lang-")))
        .unwrap_or_default()
        .to_owned();
    let fence = "`".repeat(longest_run(&code, '`').max(2) + 1);
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
    let lead = &inner[..inner.len() - inner.trim_start().len()];
    let tail = &inner[inner.trim_end().len()..];
    format!("{lead}{mark}{trimmed}{mark}{tail}")
}

/// A link's target, in angle brackets when it holds what would end it.
pub(super) fn link_target(url: &str) -> String {
    let url = url.trim();
    if url.contains([' ', '(', ')', '<', '>']) {
        format!("<{}>", url.replace('<', "%3C").replace('>', "%3E"))
    } else {
        url.to_owned()
    }
}

/// An attribute value, quoted for HTML.
pub(super) fn attr(s: &str) -> String {
    s.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;")
}

/// Text as HTML.
pub(super) fn escape_html(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// Escapes what Markdown would read as syntax; `at_start`: the text begins a line.
pub(crate) fn escape_text(text: &str, at_start: bool) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '~' | '|' => {
                out.push('\\');
                out.push(c);
            }
            '&' if looks_like_entity(&chars[i + 1..]) => out.push_str("\\&"),
            '#' | '>' | '-' | '+' | '=' if i == 0 && at_start => {
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
pub(super) fn tidy(s: &str) -> String {
    s.lines().map(str::trim_end).collect::<Vec<_>>().join("\n").trim().to_owned()
}
