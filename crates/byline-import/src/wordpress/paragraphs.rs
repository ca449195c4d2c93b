//! WordPress's paragraphs: a classic-editor body keeps its paragraphs as blank lines, which
//! WordPress turns into `<p>` when it shows the post (`wpautop`); the importer does the same
//! before the body becomes Markdown.

/// Elements whose inside must not be cut at a blank line.
const CONTAINERS: &[&str] =
    &["pre", "blockquote", "ul", "ol", "table", "div", "figure", "audio", "video", "dl"];

/// Blank-line separated text as paragraphs (single line ends as `<br>`), as WordPress
/// shows a classic-editor body; chunks that are already blocks are left alone.
pub(crate) fn autop(html: &str) -> String {
    let html = html.replace("\r\n", "\n");
    let mut chunks: Vec<String> = Vec::new();
    let mut open = 0i64;
    for chunk in html.split("\n\n") {
        let depth_change = container_depth(chunk);
        match chunks.last_mut() {
            Some(last) if open > 0 => {
                last.push_str("\n\n");
                last.push_str(chunk);
            }
            _ => chunks.push(chunk.to_owned()),
        }
        open = (open + depth_change).max(0);
    }
    let mut out = String::with_capacity(html.len() + 64);
    for c in chunks {
        let t = c.trim();
        if t.is_empty() {
            continue;
        }
        if starts_block(t) {
            out.push_str(t);
        } else {
            out.push_str("<p>");
            out.push_str(&t.replace('\n', "<br>\n"));
            out.push_str("</p>");
        }
        out.push('\n');
    }
    out
}

/// How many containers a chunk opens (less those it closes): `<pre>` and `<pre class=…>`
/// count, `<prefix>` does not. One pass over the chunk, any case.
fn container_depth(chunk: &str) -> i64 {
    let bytes = chunk.as_bytes();
    let mut depth = 0;
    let mut from = 0;
    while let Some(at) = chunk[from..].find('<').map(|i| from + i) {
        let closing = bytes.get(at + 1) == Some(&b'/');
        let start = at + 1 + usize::from(closing);
        let end = chunk[start..]
            .find(|c: char| !c.is_ascii_alphanumeric())
            .map_or(chunk.len(), |i| start + i);
        let name = &chunk[start..end];
        let whole = chunk[end..].chars().next().is_none_or(|c| c == '>' || c.is_whitespace());
        if whole && CONTAINERS.iter().any(|t| t.eq_ignore_ascii_case(name)) {
            depth += if closing { -1 } else { 1 };
        }
        from = end.max(at + 1);
    }
    depth
}

const BLOCK_STARTS: &[&str] = &[
    "<p",
    "<h1",
    "<h2",
    "<h3",
    "<h4",
    "<h5",
    "<h6",
    "<ul",
    "<ol",
    "<li",
    "<blockquote",
    "<pre",
    "<table",
    "<div",
    "<figure",
    "<hr",
    "<dl",
    "<iframe",
    "<audio",
    "<video",
    "<section",
    "<address",
    "<form",
    "<!--",
    "<style",
    "<script",
];

fn starts_block(t: &str) -> bool {
    let lower = t.get(..12).unwrap_or(t).to_ascii_lowercase();
    BLOCK_STARTS.iter().any(|b| {
        lower.starts_with(b)
            && (*b == "<!--"
                || lower[b.len()..].chars().next().is_none_or(|c| !c.is_ascii_alphanumeric()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn containers_are_counted_by_whole_tag_name_in_any_case() {
        assert_eq!(container_depth("<PRE class=x>a</pre><prefix><Div>"), 1);
        assert_eq!(container_depth("<ul>\n<li>x</li>"), 1);
        assert_eq!(container_depth("</blockquote></DL><pre/><div"), -1);
        assert_eq!(container_depth("a < b and <ulx> and < pre>"), 0);
    }
}
