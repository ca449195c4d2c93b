//! HTML as Markdown an editor can work with, for every importer (WordPress bodies, excerpts
//! and comments; Ghost's rendered HTML). Block by block: a paragraph, heading, list, quote,
//! code block, rule or image made only of what Markdown can say (emphasis, links, images,
//! code, line breaks, and the harmless inline tags `<sup>`, `<sub>`, `<mark>`, `<abbr>`,
//! `<kbd>`) becomes Markdown; any other block (a table, a captioned figure, an embed, a Ghost
//! card, a paragraph holding an element Markdown has no form for) is kept as sanitized HTML
//! with no blank line inside, so Markdown reads it as one HTML block. An embedded frame the
//! sanitizer would drop leaves a link to what it showed. Ghost's `<!--members-only-->`
//! marker is kept; other comments, scripts and styles go.

mod inline;

use byline_core::markdown::clean_html;
use ego_tree::NodeRef;
use inline::{Inline, attr, escape_html, image, tidy};
use scraper::{ElementRef, Html, Node};

pub(crate) use inline::escape_text;

/// A body and how much of it stayed HTML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Body {
    pub markdown: String,
    /// Blocks kept as HTML because they have no Markdown form.
    pub kept_html: usize,
}

/// `html` as a Markdown body.
pub(crate) fn to_markdown(html: &str) -> Body {
    let doc = Html::parse_fragment(html);
    let mut w = Writer::default();
    w.blocks(*doc.root_element());
    Body { markdown: w.out.join("\n\n"), kept_html: w.kept }
}

#[derive(Default)]
struct Writer {
    out: Vec<String>,
    kept: usize,
}

/// Blocks with no Markdown form: kept as sanitized HTML.
const RAW_BLOCKS: &[&str] = &[
    "table", "iframe", "video", "audio", "details", "dl", "form", "object", "embed", "canvas",
    "svg", "math", "address", "nav",
];
/// Dropped with what they hold.
pub(crate) const DROPPED: &[&str] =
    &["script", "style", "noscript", "template", "link", "meta", "head", "title"];
/// Containers whose children are read as blocks of their own (unless a Ghost card).
const TRANSPARENT_BLOCKS: &[&str] =
    &["div", "section", "article", "header", "footer", "main", "aside", "body", "html", "center"];
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
    "li",
    "blockquote",
    "pre",
    "hr",
    "figure",
];

impl Writer {
    /// Writes the children of `n` as blocks; text and inline elements between blocks form
    /// paragraphs.
    fn blocks(&mut self, n: NodeRef<'_, Node>) {
        let mut run: Vec<NodeRef<'_, Node>> = Vec::new();
        for child in n.children() {
            match child.value() {
                Node::Comment(c) if c.trim().eq_ignore_ascii_case("members-only") => {
                    self.paragraph(&mut run);
                    self.out.push(byline_core::gating::MEMBERS_ONLY_MARKER.to_owned());
                }
                Node::Element(_) if ElementRef::wrap(child).is_some_and(is_block) => {
                    self.paragraph(&mut run);
                    self.block(ElementRef::wrap(child).expect("an element"));
                }
                _ => run.push(child),
            }
        }
        self.paragraph(&mut run);
    }

    /// A run of inline nodes as one paragraph: Markdown, else sanitized HTML.
    fn paragraph(&mut self, run: &mut Vec<NodeRef<'_, Node>>) {
        if run.is_empty() {
            return;
        }
        match Inline::nodes(run.iter().copied()) {
            Some(text) => self.push(tidy(&text)),
            None => {
                let html: String = run.iter().map(|n| outer_html(*n)).collect();
                self.raw_html(&format!("<p>{html}</p>"));
            }
        }
        run.clear();
    }

    fn push(&mut self, block: String) {
        if !block.is_empty() {
            self.out.push(block);
        }
    }

    fn block(&mut self, e: ElementRef<'_>) {
        let name = e.value().name();
        match name {
            "p" => match Inline::nodes(e.children()) {
                Some(text) => self.push(tidy(&text)),
                None => self.raw(e),
            },
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => match Inline::nodes(e.children()) {
                Some(text) => {
                    let text = tidy(&text.replace("\\\n", " ")).replace('\n', " ");
                    if !text.is_empty() {
                        self.out.push(format!(
                            "{} {text}",
                            "#".repeat(usize::from(name.as_bytes()[1] - b'0'))
                        ));
                    }
                }
                None => self.raw(e),
            },
            "ul" | "ol" => self.list(e, name == "ol"),
            // Ghost's alternative quote style has no Markdown form.
            "blockquote" if !e.value().classes().any(|c| c.starts_with("kg-")) => {
                let inner = self.nested(e, "\n\n");
                let quoted: Vec<String> = inner
                    .lines()
                    .map(|l| if l.is_empty() { ">".to_owned() } else { format!("> {l}") })
                    .collect();
                self.push(quoted.join("\n"));
            }
            "pre" => self.out.push(inline::code_block(e)),
            "hr" => self.out.push("---".to_owned()),
            "img" => self.push(image(e)),
            "figure" => self.figure(e),
            n if DROPPED.contains(&n) => {}
            n if TRANSPARENT_BLOCKS.contains(&n) && !is_card(e) => self.blocks(*e),
            _ => self.raw(e),
        }
    }

    /// The blocks inside `e`, as one Markdown text joined by `sep`.
    fn nested(&mut self, e: ElementRef<'_>, sep: &str) -> String {
        let mut inner = Writer::default();
        inner.blocks(*e);
        self.kept += inner.kept;
        inner.out.join(sep)
    }

    /// A list, numbered from its `start`; loose (blank lines between items) when an item
    /// holds paragraphs. A list holding anything but items stays HTML.
    fn list(&mut self, e: ElementRef<'_>, ordered: bool) {
        let stray = e.children().any(|c| match c.value() {
            Node::Text(t) => !t.trim().is_empty(),
            Node::Element(el) => el.name() != "li",
            _ => false,
        });
        if stray {
            return self.raw(e);
        }
        let start = e.value().attr("start").and_then(|s| s.trim().parse::<u64>().ok()).unwrap_or(1);
        let items: Vec<ElementRef<'_>> = e.children().filter_map(ElementRef::wrap).collect();
        let loose = items
            .iter()
            .any(|li| li.children().filter_map(ElementRef::wrap).any(|c| c.value().name() == "p"));
        let sep = if loose { "\n\n" } else { "\n" };
        let mut out = Vec::new();
        for (i, li) in items.into_iter().enumerate() {
            let marker = if ordered { format!("{}. ", start + i as u64) } else { "- ".to_owned() };
            let body = self.nested(li, sep);
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
        self.push(out.join(sep));
    }

    /// One image, maybe linked, maybe captioned: Markdown when it has no caption, else a
    /// plain `<figure>` (Markdown has no caption). Anything else in a figure stays HTML.
    fn figure(&mut self, e: ElementRef<'_>) {
        let elements: Vec<ElementRef<'_>> =
            e.descendants().skip(1).filter_map(ElementRef::wrap).collect();
        let imgs: Vec<_> = elements.iter().filter(|c| c.value().name() == "img").collect();
        let caption = elements.iter().find(|c| c.value().name() == "figcaption");
        let links = elements.iter().filter(|c| c.value().name() == "a").count();
        let others = elements.iter().any(|c| {
            !matches!(c.value().name(), "img" | "figcaption" | "a" | "div" | "picture" | "source")
                && !caption.is_some_and(|f| f.descendants().any(|d| d.id() == c.id()))
        });
        let pres: Vec<_> = elements.iter().filter(|c| c.value().name() == "pre").collect();
        if let ([], [pre]) = (&imgs[..], &pres[..]) {
            return self.code_figure(e, **pre, caption.copied());
        }
        let [img] = imgs[..] else { return self.raw(e) };
        let link = img
            .parent()
            .and_then(ElementRef::wrap)
            .filter(|p| p.value().name() == "a")
            .and_then(|a| a.value().attr("href"));
        let caption_links = caption.map_or(0, |c| {
            c.descendants().filter_map(ElementRef::wrap).filter(|a| a.value().name() == "a").count()
        });
        if others || links > usize::from(link.is_some()) + caption_links {
            return self.raw(e);
        }
        match (caption, link) {
            (None, None) => self.push(image(*img)),
            (None, Some(href)) => {
                let md = Inline::nodes([**img]).unwrap_or_default();
                self.push(format!("[{md}]({})", inline::link_target(href)));
            }
            (Some(cap), _) => {
                let src = img.value().attr("src").unwrap_or_default();
                let alt = img.value().attr("alt").unwrap_or_default();
                let cap_html = single_lines(&clean_html(cap.inner_html().trim()));
                let img = format!("<img src=\"{}\" alt=\"{}\">", attr(src), attr(alt));
                let img = match link {
                    Some(href) => format!("<a href=\"{}\">{img}</a>", attr(href)),
                    None => img,
                };
                self.out.push(format!(
                    "<figure>\n{img}\n<figcaption>{cap_html}</figcaption>\n</figure>"
                ));
                self.kept += 1;
            }
        }
    }

    /// A code card (Ghost's `kg-code-card`): the code fenced, its caption a paragraph.
    fn code_figure(&mut self, e: ElementRef<'_>, pre: ElementRef<'_>, cap: Option<ElementRef<'_>>) {
        let inside_pre = |c: &ElementRef<'_>| pre.descendants().any(|d| d.id() == c.id());
        let inside_cap =
            |c: &ElementRef<'_>| cap.is_some_and(|f| f.descendants().any(|d| d.id() == c.id()));
        let stray = e.descendants().skip(1).filter_map(ElementRef::wrap).any(|c| {
            !matches!(c.value().name(), "pre" | "figcaption" | "div")
                && !inside_pre(&c)
                && !inside_cap(&c)
        });
        if stray {
            return self.raw(e);
        }
        self.out.push(inline::code_block(pre));
        if let Some(cap) = cap {
            match Inline::nodes(cap.children()) {
                Some(text) => self.push(tidy(&text)),
                None => self.raw(cap),
            }
        }
    }

    /// An element kept as sanitized HTML.
    fn raw(&mut self, e: ElementRef<'_>) {
        self.raw_html(&outer_html(*e));
    }

    fn raw_html(&mut self, html: &str) {
        let clean = single_lines(&clean_html(&frames_as_links(html)));
        if !clean.is_empty() {
            self.out.push(clean);
            self.kept += 1;
        }
    }
}

fn is_block(e: ElementRef<'_>) -> bool {
    let n = e.value().name();
    BLOCKS.contains(&n)
        || TRANSPARENT_BLOCKS.contains(&n)
        || RAW_BLOCKS.contains(&n)
        || DROPPED.contains(&n)
        // An image on its own (not in a paragraph or a link) is a block.
        || (n == "img"
            && e.parent()
                .and_then(ElementRef::wrap)
                .is_none_or(|p| TRANSPARENT_BLOCKS.contains(&p.value().name())))
}

/// A Ghost card (`kg-…-card`): kept whole, not read as loose blocks.
fn is_card(e: ElementRef<'_>) -> bool {
    e.value().classes().any(|c| c.starts_with("kg-") && c.ends_with("-card"))
}

/// A node as HTML (text escaped).
fn outer_html(n: NodeRef<'_, Node>) -> String {
    match ElementRef::wrap(n) {
        Some(e) => e.html(),
        None => match n.value() {
            Node::Text(t) => escape_html(t),
            _ => String::new(),
        },
    }
}

/// HTML without blank lines (a blank line would end Markdown's HTML block).
fn single_lines(html: &str) -> String {
    html.lines().filter(|l| !l.trim().is_empty()).collect::<Vec<_>>().join("\n").trim().to_owned()
}

/// Frames and embeds (which the sanitizer drops) replaced by a link to what they showed.
fn frames_as_links(html: &str) -> String {
    if !html.contains("<iframe") && !html.contains("<embed") && !html.contains("<object") {
        return html.to_owned();
    }
    let frag = Html::parse_fragment(html);
    let mut out = html.to_owned();
    for e in frag.root_element().descendants().filter_map(ElementRef::wrap) {
        let src = match e.value().name() {
            "iframe" | "embed" => e.value().attr("src"),
            "object" => e.value().attr("data"),
            _ => continue,
        };
        let link = src
            .map(str::trim)
            .filter(|s| {
                s.starts_with("https://") || s.starts_with("http://") || s.starts_with("//")
            })
            .map(|s| {
                let s = if s.starts_with("//") { format!("https:{s}") } else { s.to_owned() };
                format!("<a href=\"{0}\">{0}</a>", attr(&s))
            })
            .unwrap_or_default();
        out = out.replacen(&e.html(), &link, 1);
    }
    out
}

#[cfg(test)]
mod tests;
