use super::to_markdown;

fn md(html: &str) -> String {
    to_markdown(html).markdown
}

#[test]
fn paragraphs_headings_emphasis_and_links() {
    assert_eq!(
        md(
            "<h2>Title</h2><p>Some <strong>bold</strong> and <em>soft</em> text with a <a href=\"https://x.org/a\">link</a>.</p>"
        ),
        "## Title\n\nSome **bold** and *soft* text with a [link](https://x.org/a)."
    );
    assert_eq!(md("<h2>Title</h2><p>a<br>b</p>"), "## Title\n\na\\\nb");
    assert_eq!(md("<h3>One<br>two</h3>"), "### One two");
    assert_eq!(md("<p><img src=\"/m/a.jpg\" alt=\"A [x]\"></p>"), "![A x](/m/a.jpg)");
    assert_eq!(md("<p><a href=\"/a b\" title=\"T\">x</a></p>"), "[x](</a b> \"T\")");
    assert_eq!(md("<hr>"), "---");
}

#[test]
fn lists_nest_and_number_from_their_start() {
    assert_eq!(
        md(
            "<ul><li>one</li><li>two<ul><li>inner</li></ul></li></ul><ol start=\"3\"><li>c</li><li>d</li></ol>"
        ),
        "- one\n- two\n  - inner\n\n3. c\n4. d"
    );
    assert_eq!(md("<ol><li>a</li><li>b<ul><li>c</li></ul></li></ol>"), "1. a\n2. b\n   - c");
    assert_eq!(md("<ul><li><p>a</p></li><li><p>b</p></li></ul>"), "- a\n\n- b");
    // A list holding something other than items is kept as it is.
    let out = md("<ul>stray<li>a</li></ul>");
    assert!(out.starts_with("<ul>") && out.contains("stray"), "{out}");
}

#[test]
fn code_quotes_rules_and_markers() {
    let out = md(
        "<pre><code class=\"language-rust\">fn main() {}\n</code></pre><blockquote><p>Said.</p></blockquote><hr><!--members-only--><p>After</p>",
    );
    assert_eq!(out, "```rust\nfn main() {}\n```\n\n> Said.\n\n---\n\n<!--members-only-->\n\nAfter");
    assert_eq!(md("<pre>a ``` b</pre>"), "````\na ``` b\n````");
    assert_eq!(md("<p>x <code>a`b</code></p>"), "x ``a`b``");
    // WordPress's quote block is a quote; Ghost's alternative style has no Markdown form.
    assert_eq!(md("<blockquote class=\"wp-block-quote\"><p>q</p></blockquote>"), "> q");
    let alt = to_markdown("<blockquote class=\"kg-blockquote-alt\">q</blockquote>");
    assert_eq!((alt.markdown.as_str(), alt.kept_html), ("<blockquote>q</blockquote>", 1));
    // Other comments go.
    assert_eq!(md("<p>a</p><!--more--><p>b</p>"), "a\n\nb");
}

#[test]
fn markdown_characters_in_text_are_escaped() {
    assert_eq!(
        md("<p>1. not a list *or* [link] &amp;copy; a_b</p>"),
        "1\\. not a list \\*or\\* \\[link\\] \\&copy; a\\_b"
    );
    assert_eq!(md("<p>1 * 2 = <code>2</code> _x_</p>"), "1 \\* 2 = `2` \\_x\\_");
    assert_eq!(
        md("<p># not a heading, a ~~b~~ | c</p>"),
        "\\# not a heading, a \\~\\~b\\~\\~ \\| c"
    );
    assert_eq!(md("<p>a<br>- b</p>"), "a\\\n\\- b");
}

#[test]
fn spaces_collapse_but_no_break_spaces_stay() {
    assert_eq!(md("<p>&nbsp;</p><p>x</p>"), "x");
    assert_eq!(md("<p>10&nbsp;km\n  and   more</p>"), "10\u{a0}km and more");
    assert_eq!(md("<p>a <strong> b </strong>c</p>"), "a **b** c");
    // A space inside an element's start stays a space between words.
    assert_eq!(
        md("<p>insert<strong> images</strong>, or<em> text </em>.</p>"),
        "insert **images**, or *text* ."
    );
    assert_eq!(md("<p> <em> lead</em></p>"), "*lead*");
}

#[test]
fn cards_stay_sanitized_html_and_captions_stay_figures() {
    let b = to_markdown(
        "<figure class=\"kg-card kg-image-card kg-card-hascaption\"><img src=\"/a.jpg\" alt=\"A\"><figcaption>By <em>me</em></figcaption></figure><div class=\"kg-card kg-bookmark-card\"><a href=\"https://x\">x</a>\n\n</div><figure class=\"kg-card kg-image-card\"><img src=\"/b.jpg\" alt=\"B\"></figure>",
    );
    assert_eq!(b.kept_html, 2);
    assert!(
        b.markdown.starts_with(
            "<figure>\n<img src=\"/a.jpg\" alt=\"A\">\n<figcaption>By <em>me</em></figcaption>\n</figure>"
        ),
        "{}",
        b.markdown
    );
    assert!(b.markdown.contains("<div><a href=\"https://x\""), "{}", b.markdown);
    assert!(!b.markdown.contains("\n\n</div>"), "{}", b.markdown);
    assert!(b.markdown.ends_with("![B](/b.jpg)"));
    assert_eq!(md("<p>a<script>alert(1)</script>b</p>"), "ab");
    let out = md("<script>alert(1)</script><p>ok</p>");
    assert_eq!(out, "ok");
}

#[test]
fn what_markdown_cannot_say_stays_sanitized_html() {
    let b = to_markdown(
        "<p>a</p><table><tr><td onclick=\"x()\">1</td></tr></table><p>b<sup>2</sup></p>",
    );
    assert!(b.markdown.starts_with("a\n\n<table>"), "{}", b.markdown);
    assert!(!b.markdown.contains("onclick"), "{}", b.markdown);
    assert!(b.markdown.contains("<td>1</td>"), "{}", b.markdown);
    // Harmless inline tags stay inline in a Markdown paragraph.
    assert!(b.markdown.ends_with("\n\nb<sup>2</sup>"), "{}", b.markdown);
    assert_eq!(b.kept_html, 1);
    // A paragraph holding an element with no Markdown form stays HTML, cleaned.
    let out = md("<p>Press <button onclick=\"x()\">here</button> *now*</p>");
    assert!(out.starts_with("<p>Press ") && out.contains("*now*"), "{out}");
    assert!(!out.contains("onclick") && !out.contains("<button"), "{out}");
    // Inline nodes outside any paragraph, likewise.
    let out = md("loose <input value=\"v\"> text<p>next</p>");
    assert!(out.starts_with("<p>loose") && out.ends_with("</p>\n\nnext"), "{out}");
}

#[test]
fn figures_with_links_and_embeds() {
    assert_eq!(
        md("<figure><a href=\"https://x.example/\"><img src=\"/a.jpg\" alt=\"A\"></a></figure>"),
        "[![A](/a.jpg)](https://x.example/)"
    );
    let out = md(
        "<figure><a href=\"https://x.example/\"><img src=\"/a.jpg\" alt=\"A\"></a><figcaption>Cap</figcaption></figure>",
    );
    assert_eq!(
        out,
        "<figure>\n<a href=\"https://x.example/\"><img src=\"/a.jpg\" alt=\"A\"></a>\n<figcaption>Cap</figcaption>\n</figure>"
    );
    // The sanitizer drops frames: a link to what the frame showed is left in its place.
    let out = md(
        "<figure class=\"kg-card kg-embed-card\"><iframe src=\"https://www.youtube.com/embed/x\" onload=\"y()\"></iframe><figcaption>Film</figcaption></figure>",
    );
    assert!(out.contains("<a href=\"https://www.youtube.com/embed/x\""), "{out}");
    assert!(out.contains("Film") && !out.contains("iframe") && !out.contains("onload"), "{out}");
    let out = md("<iframe src=\"//player.example/v/1\"></iframe>");
    assert!(out.contains("href=\"https://player.example/v/1\""), "{out}");
    assert_eq!(md("<iframe src=\"javascript:alert(1)\"></iframe><p>x</p>"), "x");
    // Ghost's code card: fenced code in its language, the caption under it.
    assert_eq!(
        md(
            "<figure class=\"kg-card kg-code-card\"><pre><code class=\"language-js\">a &lt; b</code></pre><figcaption>The <em>test</em></figcaption></figure>"
        ),
        "```js\na < b\n```\n\nThe *test*"
    );
}
