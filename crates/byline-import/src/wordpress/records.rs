//! What each WXR record says, in typed form: authors, terms (categories, tags, custom
//! taxonomies) and items (posts, pages, attachments and the rest).

use super::content::Converted;
use super::wxr::Node;
use chrono::{DateTime, NaiveDateTime, Utc};

#[derive(Debug, Clone, Default)]
pub(crate) struct WpAuthor {
    pub id: Option<i64>,
    pub login: String,
    pub email: String,
    pub display_name: String,
}

impl WpAuthor {
    pub fn from_node(n: &Node) -> Self {
        let first = n.text_of("wp:author_first_name");
        let last = n.text_of("wp:author_last_name");
        let login = n.text_of("wp:author_login");
        let display = match n.text_of("wp:author_display_name") {
            d if !d.is_empty() => d,
            _ if !first.is_empty() || !last.is_empty() => format!("{first} {last}").trim().into(),
            _ => login.clone(),
        };
        Self {
            id: n.text_of("wp:author_id").parse().ok(),
            login,
            email: n.text_of("wp:author_email"),
            display_name: decode_entities(&display),
        }
    }
}

/// A term declared in the channel.
#[derive(Debug, Clone, Default)]
pub(crate) struct WpTerm {
    pub id: Option<i64>,
    /// `category`, `post_tag`, or a custom taxonomy's name.
    pub taxonomy: String,
    pub slug: String,
    pub name: String,
    /// The parent's slug, if any.
    pub parent: Option<String>,
    pub description: String,
}

impl WpTerm {
    pub fn from_node(n: &Node) -> Self {
        let id = n.text_of("wp:term_id").parse().ok();
        let (taxonomy, slug, name, parent, description) = match n.name.as_str() {
            "wp:category" => (
                "category".to_owned(),
                n.text_of("wp:category_nicename"),
                n.text_of("wp:cat_name"),
                n.text_of("wp:category_parent"),
                n.text_of("wp:category_description"),
            ),
            "wp:tag" => (
                "post_tag".to_owned(),
                n.text_of("wp:tag_slug"),
                n.text_of("wp:tag_name"),
                String::new(),
                n.text_of("wp:tag_description"),
            ),
            _ => (
                n.text_of("wp:term_taxonomy"),
                n.text_of("wp:term_slug"),
                n.text_of("wp:term_name"),
                n.text_of("wp:term_parent"),
                n.text_of("wp:term_description"),
            ),
        };
        let slug = decode_slug(&slug);
        let name = if name.is_empty() { slug.clone() } else { decode_entities(&name) };
        let parent = Some(decode_slug(&parent)).filter(|p| !p.is_empty());
        Self { id, taxonomy, slug, name, parent, description }
    }
}

/// A term an item is filed under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ItemTerm {
    pub taxonomy: String,
    pub slug: String,
    pub name: String,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct WpItem {
    pub line: usize,
    pub title: String,
    pub link: String,
    pub guid: String,
    pub creator: String,
    pub content: String,
    pub excerpt: String,
    pub id: Option<i64>,
    pub date: Option<DateTime<Utc>>,
    pub modified: Option<DateTime<Utc>>,
    pub name: String,
    pub status: String,
    pub parent: Option<i64>,
    pub menu_order: i32,
    pub post_type: String,
    pub password: bool,
    pub sticky: bool,
    pub attachment_url: String,
    pub terms: Vec<ItemTerm>,
    pub meta: Vec<(String, String)>,
    pub comments: Vec<WpComment>,
    /// The body (and a post's excerpt) as Markdown, when the reading thread converted them
    /// ahead of the writes (see `read_ahead` in `mod.rs`).
    pub converted: Option<Converted>,
}

/// A comment on an item (`wp:comment`).
#[derive(Debug, Clone, Default)]
pub(crate) struct WpComment {
    pub id: i64,
    /// The comment it replies to (`wp:comment_parent`, 0 for none).
    pub parent: Option<i64>,
    pub author: String,
    /// As WordPress keeps it: text with some HTML and blank lines between paragraphs.
    pub content: String,
    /// `1`, `0`, `spam`, `trash` (or `post-trashed`).
    pub approved: String,
    /// Empty or `comment` for a comment; `pingback`, `trackback` and others are not.
    pub kind: String,
    pub date: Option<DateTime<Utc>>,
}

impl WpComment {
    fn from_node(n: &Node) -> Option<Self> {
        Some(Self {
            id: n.text_of("wp:comment_id").parse().ok()?,
            parent: n.text_of("wp:comment_parent").parse().ok().filter(|&p| p != 0),
            author: decode_entities(&n.text_of("wp:comment_author")),
            content: n.raw_of("wp:comment_content"),
            approved: n.text_of("wp:comment_approved"),
            kind: n.text_of("wp:comment_type"),
            date: wp_date(&n.text_of("wp:comment_date_gmt"))
                .or_else(|| wp_date(&n.text_of("wp:comment_date"))),
        })
    }
}

impl WpItem {
    pub fn from_node(n: &Node, line: usize) -> Self {
        let terms = n
            .all("category")
            .filter_map(|c| {
                let name = decode_entities(c.text.trim());
                let taxonomy = c.attr("domain").unwrap_or("category").to_owned();
                let slug = match c.attr("nicename") {
                    Some(s) => decode_slug(s),
                    None => byline_core::slugify(&name),
                };
                // WXR 1.0 lists each category twice: with and without its nicename.
                (!slug.is_empty()).then_some(ItemTerm { taxonomy, slug, name })
            })
            .fold(Vec::new(), |mut acc: Vec<ItemTerm>, t| {
                if !acc.iter().any(|a| a.taxonomy == t.taxonomy && a.slug == t.slug) {
                    acc.push(t);
                }
                acc
            });
        let meta = n
            .all("wp:postmeta")
            .map(|m| (m.text_of("wp:meta_key"), m.raw_of("wp:meta_value")))
            .collect();
        let creator = match n.text_of("dc:creator") {
            c if !c.is_empty() => c,
            _ => n.text_of("wp:author"),
        };
        let date = wp_date(&n.text_of("wp:post_date_gmt"))
            .or_else(|| wp_date(&n.text_of("wp:post_date")))
            .or_else(|| rss_date(&n.text_of("pubDate")));
        Self {
            line,
            title: decode_entities(&n.text_of("title")),
            link: n.text_of("link"),
            guid: n.text_of("guid"),
            creator,
            content: n.raw_of("content:encoded"),
            excerpt: n.raw_of("excerpt:encoded").trim().to_owned(),
            id: n.text_of("wp:post_id").parse().ok(),
            date,
            modified: wp_date(&n.text_of("wp:post_modified_gmt")),
            name: decode_slug(&n.text_of("wp:post_name")),
            status: n.text_of("wp:status"),
            parent: n.text_of("wp:post_parent").parse().ok().filter(|&p| p != 0),
            menu_order: n.text_of("wp:menu_order").parse().unwrap_or(0),
            post_type: match n.text_of("wp:post_type") {
                t if t.is_empty() => "post".to_owned(),
                t => t,
            },
            password: !n.text_of("wp:post_password").is_empty(),
            sticky: n.text_of("wp:is_sticky") == "1",
            attachment_url: n.text_of("wp:attachment_url"),
            terms,
            meta,
            comments: n.all("wp:comment").filter_map(WpComment::from_node).collect(),
            converted: None,
        }
    }

    /// The first value of a post meta key, trimmed; `None` when absent or blank.
    pub fn meta(&self, key: &str) -> Option<String> {
        self.meta
            .iter()
            .find(|(k, v)| k == key && !v.trim().is_empty())
            .map(|(_, v)| v.trim().to_owned())
    }

    /// How the report names this item: `post 12 “Hello”`.
    pub fn label(&self) -> String {
        let id = self.id.map(|i| format!(" {i}")).unwrap_or_default();
        format!("{}{id} “{}”", self.post_type, self.title)
    }
}

/// Text as WordPress stores titles and names: with HTML entities (`&#8217;`, `&amp;`) that
/// mean characters. Unknown entities stay as written.
pub(crate) fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let end = tail.find(';').filter(|&e| e <= 10);
        let decoded = end.and_then(|e| {
            let name = &tail[1..e];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some('\u{a0}'),
                n if n.starts_with("#x") || n.starts_with("#X") => {
                    u32::from_str_radix(&n[2..], 16).ok().and_then(char::from_u32)
                }
                n if n.starts_with('#') => n[1..].parse().ok().and_then(char::from_u32),
                _ => None,
            };
            c.map(|c| (c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &tail[e + 1..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// `2019-03-01 10:00:00` (WordPress's own format, UTC for the `_gmt` fields); the zero date
/// WordPress writes for drafts is no date.
pub(crate) fn wp_date(s: &str) -> Option<DateTime<Utc>> {
    if s.is_empty() || s.starts_with("0000") {
        return None;
    }
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").ok().map(|d| d.and_utc())
}

fn rss_date(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc2822(s).ok().map(|d| d.with_timezone(&Utc))
}

/// WordPress keeps non-ASCII slugs percent-encoded (`%d0%bf%d1%80`): decoded to text.
pub(crate) fn decode_slug(s: &str) -> String {
    let s = s.trim();
    if !s.contains('%') {
        return s.to_owned();
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
