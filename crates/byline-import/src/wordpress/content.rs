//! A WordPress body as a Byline Markdown body: Gutenberg's block comments removed, links
//! to uploaded files pointed at the media library, the `[caption]`, `[gallery]`, `[embed]`,
//! `[audio]` and `[video]` shortcodes turned into HTML, paragraphs made as WordPress's
//! `wpautop` makes them, then Markdown where it converts cleanly (see [`crate::html_md`]).

use super::paragraphs::autop;
use super::records::WpItem;
use crate::html_md::to_markdown;
use std::collections::HashMap;

/// An attachment as bodies refer to it.
#[derive(Debug, Clone, Default)]
pub(crate) struct Attachment {
    /// Where it is now: the media library's URL, or its old URL when it could not be kept.
    pub url: String,
    pub alt: String,
    pub caption: String,
    pub parent: Option<i64>,
}

/// The attachments of the whole file: by id, by the post they belong to, and by their path
/// under `wp-content/uploads/` (for links in bodies).
#[derive(Debug, Default)]
pub(crate) struct Library {
    pub by_id: HashMap<i64, Attachment>,
    pub by_upload: HashMap<String, String>,
}

impl Library {
    fn children(&self, parent: i64) -> Vec<(&i64, &Attachment)> {
        let mut v: Vec<_> = self.by_id.iter().filter(|(_, a)| a.parent == Some(parent)).collect();
        v.sort_by_key(|(id, _)| **id);
        v
    }

    /// `url` pointed at the media library, when it names an uploaded file kept there (any of
    /// WordPress's resized copies, `photo-300x200.jpg`, leads to the kept original).
    pub fn rewrite_url(&self, url: &str) -> Option<&str> {
        let rel = upload_path(url)?;
        self.by_upload.get(&rel).map(String::as_str)
    }
}

/// Where uploaded files live: a self-hosted site's folder, or WordPress.com's file host.
const UPLOAD_MARKERS: &[&str] = &["wp-content/uploads/", ".files.wordpress.com/"];

/// The path of an uploaded file under `wp-content/uploads/` (or on WordPress.com's file
/// host), without WordPress's size suffix.
pub(crate) fn upload_path(url: &str) -> Option<String> {
    let (i, marker) = UPLOAD_MARKERS.iter().find_map(|m| url.find(m).map(|i| (i, *m)))?;
    let rel = &url[i + marker.len()..];
    let rel = rel.split(['?', '#']).next().unwrap_or(rel).trim();
    (!rel.is_empty()).then(|| without_size(rel))
}

fn without_size(rel: &str) -> String {
    let Some((stem, ext)) = rel.rsplit_once('.') else { return rel.to_owned() };
    if let Some((base, size)) = stem.rsplit_once('-')
        && let Some((w, h)) = size.split_once('x')
        && !w.is_empty()
        && !h.is_empty()
        && w.chars().chain(h.chars()).all(|c| c.is_ascii_digit())
    {
        return format!("{base}.{ext}");
    }
    rel.to_owned()
}

/// A post's or page's text as Markdown: what costs most of an item's import besides the
/// writes, so it is done ahead, on the thread that reads the file.
#[derive(Debug, Clone, Default)]
pub(crate) struct Converted {
    pub body: String,
    /// Empty for a page (pages have no excerpt).
    pub excerpt: String,
}

impl Converted {
    pub fn of(it: &WpItem, lib: &Library) -> Converted {
        let excerpt = match it.post_type.as_str() {
            "post" => to_markdown(&autop(&it.excerpt)).markdown,
            _ => String::new(),
        };
        Converted { body: convert(&it.content, it.id, lib), excerpt }
    }

    /// The item's text as the reading thread converted it, or converted now.
    pub fn take(it: &mut WpItem, lib: &Library) -> Converted {
        it.converted.take().unwrap_or_else(|| Converted::of(it, lib))
    }
}

/// The body of post `post_id` as Markdown.
pub(crate) fn convert(html: &str, post_id: Option<i64>, lib: &Library) -> String {
    let html = strip_block_comments(html);
    let html = rewrite_uploads(&html, lib);
    let html = shortcodes(&html, post_id, lib);
    to_markdown(&autop(&html)).markdown
}

/// Removes `<!-- wp:… -->` and `<!-- /wp:… -->`; other comments stay (the sanitizer drops them).
pub(crate) fn strip_block_comments(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find("<!--") {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let inner = tail[4..].trim_start();
        match tail.find("-->") {
            Some(end) if inner.starts_with("wp:") || inner.starts_with("/wp:") => {
                rest = &tail[end + 3..];
                // The line a block comment stood on goes with it.
                if let Some(r) = rest.strip_prefix('\n') {
                    rest = r;
                }
            }
            Some(end) => {
                out.push_str(&tail[..end + 3]);
                rest = &tail[end + 3..];
            }
            None => {
                out.push_str(tail);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// Every link to an uploaded file the library kept, pointed at its new URL.
fn rewrite_uploads(html: &str, lib: &Library) -> String {
    if lib.by_upload.is_empty() || !UPLOAD_MARKERS.iter().any(|m| html.contains(m)) {
        return html.to_owned();
    }
    let is_end = |c: char| c.is_whitespace() || "\"'()<>[]".contains(c);
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = UPLOAD_MARKERS.iter().filter_map(|m| rest.find(m)).min() {
        let start = rest[..i].rfind(is_end).map_or(0, |s| s + 1);
        let end = rest[i..].find(is_end).map_or(rest.len(), |e| i + e);
        let url = &rest[start..end];
        out.push_str(&rest[..start]);
        match lib.rewrite_url(url) {
            Some(new) => out.push_str(new),
            None => out.push_str(url),
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

const SHORTCODES: &[&str] = &["caption", "wp_caption", "gallery", "embed", "audio", "video"];
const ENCLOSING: &[&str] = &["caption", "wp_caption", "embed", "audio", "video"];

fn shortcodes(html: &str, post_id: Option<i64>, lib: &Library) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find('[') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let Some((name, attrs, after)) = open_tag(tail) else {
            out.push('[');
            rest = &tail[1..];
            continue;
        };
        let close = format!("[/{name}]");
        let (inner, after) = match after.find(&close) {
            Some(j) if ENCLOSING.contains(&name.as_str()) => {
                (&after[..j], &after[j + close.len()..])
            }
            _ => ("", after),
        };
        out.push_str(&render(&name, &attrs, inner, post_id, lib));
        rest = after;
    }
    out.push_str(rest);
    out
}

/// `[name a="1" b=2 c]…` at the start of `s`: its name, attributes and what follows it.
/// A shortcode's attributes, in order.
type Attrs = Vec<(String, String)>;

fn open_tag(s: &str) -> Option<(String, Attrs, &str)> {
    let body = s.strip_prefix('[')?;
    let name_len = body.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(0);
    let name = &body[..name_len];
    if !SHORTCODES.contains(&name) {
        return None;
    }
    let mut attrs = Vec::new();
    let mut rest = &body[name_len..];
    loop {
        rest = rest.trim_start();
        if let Some(r) = rest.strip_prefix("/]") {
            return Some((name.to_owned(), attrs, r));
        }
        if let Some(r) = rest.strip_prefix(']') {
            return Some((name.to_owned(), attrs, r));
        }
        if rest.is_empty() || rest.starts_with('[') {
            return None;
        }
        let key_len =
            rest.find(|c: char| c == '=' || c == ']' || c.is_whitespace()).unwrap_or(rest.len());
        let key = rest[..key_len].to_ascii_lowercase();
        rest = &rest[key_len..];
        let value = if let Some(r) = rest.strip_prefix('=') {
            let (v, r) = quoted(r)?;
            rest = r;
            v
        } else {
            String::new()
        };
        attrs.push((key, value));
    }
}

fn quoted(s: &str) -> Option<(String, &str)> {
    for q in ['"', '\'', '\u{201d}', '\u{2033}'] {
        if let Some(r) = s.strip_prefix(q) {
            let close = if q == '\u{201d}' || q == '\u{2033}' { [q, '\u{201c}'] } else { [q, q] };
            let end = r.find(close)?;
            let len = r[end..].chars().next().map_or(1, char::len_utf8);
            return Some((r[..end].to_owned(), &r[end + len..]));
        }
    }
    let end = s.find(|c: char| c.is_whitespace() || c == ']').unwrap_or(s.len());
    Some((s[..end].to_owned(), &s[end..]))
}

fn attr<'a>(attrs: &'a [(String, String)], keys: &[&str]) -> Option<&'a str> {
    keys.iter()
        .find_map(|k| attrs.iter().find(|(n, v)| n == k && !v.trim().is_empty()))
        .map(|(_, v)| v.trim())
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;").replace('>', "&gt;")
}

fn render(
    name: &str,
    attrs: &[(String, String)],
    inner: &str,
    post_id: Option<i64>,
    lib: &Library,
) -> String {
    let media = |u: &str| lib.rewrite_url(u).unwrap_or(u).to_owned();
    match name {
        "caption" | "wp_caption" => {
            let inner = inner.trim();
            // The image (maybe in a link) comes first; the caption text follows it.
            let split = if inner.starts_with("<a") {
                inner.find("</a>").map(|e| e + 4)
            } else if inner.starts_with("<img") {
                inner.find('>').map(|e| e + 1)
            } else {
                None
            };
            let (image, text) = match split {
                Some(e) => (&inner[..e], inner[e..].trim()),
                None => (inner, ""),
            };
            let text = match attr(attrs, &["caption"]) {
                Some(c) if text.is_empty() => esc(c),
                _ => text.to_owned(),
            };
            if text.is_empty() {
                return format!("\n\n<figure>{image}</figure>\n\n");
            }
            format!("\n\n<figure>{image}<figcaption>{text}</figcaption></figure>\n\n")
        }
        "gallery" => {
            let ids: Vec<i64> = match attr(attrs, &["ids", "include"]) {
                Some(list) => list.split(',').filter_map(|i| i.trim().parse().ok()).collect(),
                None => match post_id {
                    Some(p) => lib.children(p).into_iter().map(|(id, _)| *id).collect(),
                    None => Vec::new(),
                },
            };
            let images: Vec<String> = ids
                .iter()
                .filter_map(|id| lib.by_id.get(id))
                .map(|a| format!("<p><img src=\"{}\" alt=\"{}\"></p>", esc(&a.url), esc(&a.alt)))
                .collect();
            format!("\n\n{}\n\n", images.join("\n\n"))
        }
        "embed" => {
            let url = inner.trim();
            if url.is_empty() {
                return String::new();
            }
            format!("\n\n<p><a href=\"{0}\">{0}</a></p>\n\n", esc(url))
        }
        "audio" | "video" => {
            let keys: &[&str] = if name == "audio" {
                &["src", "mp3", "m4a", "ogg", "wav", "wma"]
            } else {
                &["src", "mp4", "m4v", "webm", "ogv", "wmv", "flv"]
            };
            let Some(src) = attr(attrs, keys).map(media) else {
                return inner.to_owned();
            };
            let poster = attr(attrs, &["poster"])
                .map(|p| format!(" poster=\"{}\"", esc(&media(p))))
                .unwrap_or_default();
            let src = esc(&src);
            format!(
                "\n\n<{name} controls src=\"{src}\"{poster}><a href=\"{src}\">{src}</a></{name}>\n\n"
            )
        }
        _ => inner.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lib() -> Library {
        let mut l = Library::default();
        l.by_id.insert(
            5,
            Attachment {
                url: "/media/a/photo.jpg".into(),
                alt: "A photo".into(),
                caption: String::new(),
                parent: Some(1),
            },
        );
        l.by_id.insert(
            6,
            Attachment {
                url: "/media/b/two.jpg".into(),
                alt: "Two".into(),
                caption: String::new(),
                parent: Some(1),
            },
        );
        l.by_upload.insert("2019/03/photo.jpg".into(), "/media/a/photo.jpg".into());
        l
    }

    #[test]
    fn block_comments_go_and_paragraphs_come() {
        let html = "<!-- wp:paragraph -->\n<p>One</p>\n<!-- /wp:paragraph -->\n\n<!-- note -->";
        assert_eq!(strip_block_comments(html), "<p>One</p>\n\n<!-- note -->");
        assert_eq!(
            convert("Line one\nline two\n\nSecond", None, &lib()),
            "Line one\\\nline two\n\nSecond"
        );
        assert_eq!(
            convert("<pre>a\n\nb</pre>\n\nafter", None, &lib()),
            "```\na\n\nb\n```\n\nafter"
        );
    }

    #[test]
    fn shortcodes_become_html_and_markdown() {
        let l = lib();
        let cap = "[caption id=\"attachment_5\" align=\"alignleft\" width=\"300\"]<img src=\"http://old.example/wp-content/uploads/2019/03/photo-300x200.jpg\" alt=\"A photo\"> The caption[/caption]";
        let out = convert(cap, Some(1), &l);
        assert_eq!(
            out,
            "<figure>\n<img src=\"/media/a/photo.jpg\" alt=\"A photo\">\n<figcaption>The caption</figcaption>\n</figure>"
        );
        assert_eq!(
            convert("[gallery]", Some(1), &l),
            "![A photo](/media/a/photo.jpg)\n\n![Two](/media/b/two.jpg)"
        );
        assert_eq!(convert("[gallery ids=\"6\"]", Some(9), &l), "![Two](/media/b/two.jpg)");
        assert_eq!(
            convert("[embed]https://www.youtube.com/watch?v=x[/embed]", None, &l),
            "[https://www.youtube.com/watch?v=x](https://www.youtube.com/watch?v=x)"
        );
        let audio = convert("[audio mp3=\"http://old.example/a.mp3\"][/audio]", None, &l);
        assert!(
            audio.starts_with("<audio controls")
                && audio.contains("src=\"http://old.example/a.mp3\""),
            "{audio}"
        );
        let video = convert("[video width=\"640\" mp4=\"/v.mp4\" poster=\"/p.jpg\"]", None, &l);
        assert!(video.contains("<video") && video.contains("poster=\"/p.jpg\""), "{video}");
        // Other shortcodes and plain brackets are left as written.
        assert_eq!(convert("[contact-form] [1]", None, &l), "\\[contact-form\\] \\[1\\]");
        assert_eq!(
            upload_path("https://x/wp-content/uploads/2019/03/a-1024x768.png?v=1").unwrap(),
            "2019/03/a.png"
        );
        assert_eq!(
            upload_path("/wp-content/uploads/2019/03/800x600.png").unwrap(),
            "2019/03/800x600.png"
        );
        assert_eq!(
            upload_path("https://x.files.wordpress.com/2008/06/a.jpg").unwrap(),
            "2008/06/a.jpg"
        );
    }
}
