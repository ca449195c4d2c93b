//! An issue as an email: one HTML body and one plain-text body per variant (the article in
//! full, or its preview with a call to upgrade), rendered once per send and made personal
//! per recipient by filling in their links.

use byline_core::Article;
use byline_core::markdown::escape_html as esc;
use byline_core::newsletters::Newsletter;

/// Where the personal links go in a rendered issue; filled in by [`Issue::personal`].
pub(crate) const UNSUBSCRIBE: &str = "%%byline-unsubscribe%%";
pub(crate) const MANAGE: &str = "%%byline-manage%%";

/// What an issue needs besides its articles.
#[derive(Debug, Clone)]
pub struct IssueContext {
    /// The public address, no trailing slash.
    pub base_url: String,
    pub publication: String,
    /// The postal address the footer carries (anti-spam laws ask for one).
    pub postal_address: Option<String>,
    pub newsletter: Newsletter,
    pub subject: String,
    /// The web page of this issue ("View in browser"), absolute.
    pub web_url: String,
}

/// One recipient's links.
#[derive(Debug, Clone)]
pub struct Personal {
    pub unsubscribe_url: String,
    pub manage_url: String,
}

/// An issue rendered for one variant.
#[derive(Debug, Clone)]
pub struct Issue {
    pub subject: String,
    pub html: String,
    pub text: String,
}

const CSS: &str = r#"
body { margin: 0; padding: 0; background: #f4f4f1; color: #1d1d1b; }
.wrap { max-width: 640px; margin: 0 auto; padding: 24px 16px; font-family: Georgia, 'Times New Roman', serif; font-size: 18px; line-height: 1.6; background: #ffffff; }
.top { font-family: Helvetica, Arial, sans-serif; font-size: 13px; color: #5c5c57; text-align: center; }
.top a, .foot a { color: #5c5c57; }
h1 { font-size: 30px; line-height: 1.2; margin: 24px 0 8px; }
h2 { font-size: 24px; line-height: 1.25; }
.subtitle { font-size: 20px; color: #4a4a46; margin: 0 0 12px; }
.byline { font-family: Helvetica, Arial, sans-serif; font-size: 14px; color: #5c5c57; }
.note { border-left: 4px solid #c8a800; padding: 8px 12px; background: #fbf8e8; }
.article { border-top: 1px solid #e2e2dc; margin-top: 24px; }
a { color: #1a5fb4; }
img { max-width: 100%; height: auto; border: 0; }
blockquote { margin: 0 0 0 12px; padding-left: 12px; border-left: 3px solid #d0d0c8; color: #4a4a46; }
pre { white-space: pre-wrap; font-size: 14px; }
.credits { font-family: Helvetica, Arial, sans-serif; font-size: 13px; color: #5c5c57; }
.upgrade { text-align: center; padding: 16px; border: 1px solid #e2e2dc; font-family: Helvetica, Arial, sans-serif; }
.button { display: inline-block; padding: 10px 18px; background: #1a5fb4; color: #ffffff; text-decoration: none; border-radius: 4px; }
.foot { font-family: Helvetica, Arial, sans-serif; font-size: 12px; color: #5c5c57; text-align: center; padding-top: 24px; }
@media (max-width: 480px) { .wrap { padding: 16px 10px; font-size: 17px; } h1 { font-size: 25px; } }
@media (prefers-color-scheme: dark) {
  body, .wrap { background: #161614 !important; color: #e8e8e3 !important; }
  a { color: #8ab4f8 !important; }
  .note { background: #2a2714 !important; }
  .top, .byline, .credits, .foot, .subtitle, .top a, .foot a { color: #b5b5ae !important; }
}
"#;

/// Makes `href="/…"` and `src="/…"` absolute under `base`.
fn absolute(html: &str, base: &str) -> String {
    html.replace("href=\"//", "href=\"https://")
        .replace("src=\"//", "src=\"https://")
        .replace("href=\"/", &format!("href=\"{base}/"))
        .replace("src=\"/", &format!("src=\"{base}/"))
}

/// Gives images without a width one that fits the column, so clients lay them out before
/// they load (and none overflows on a phone).
fn sized_images(html: &str) -> String {
    let mut out = String::with_capacity(html.len() + 64);
    let mut rest = html;
    while let Some(at) = rest.find("<img") {
        out.push_str(&rest[..at]);
        let end = rest[at..].find('>').map_or(rest.len(), |e| at + e + 1);
        let tag = &rest[at..end];
        if tag.contains(" width=") {
            out.push_str(tag);
        } else {
            out.push_str("<img width=\"600\" style=\"max-width:100%;height:auto\"");
            out.push_str(&tag[4..]);
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

fn byline(a: &Article) -> String {
    a.authors.iter().map(|x| x.name.as_str()).collect::<Vec<_>>().join(", ")
}

fn credits(a: &Article) -> Vec<(String, Option<String>)> {
    let mut lines = Vec::new();
    if let Some(s) = &a.source {
        lines.push((format!("Originally published by {}", s.name), s.url.clone()));
    }
    if let Some(holder) = &a.copyright_holder {
        let year = a.copyright_year.map(|y| format!("{y} ")).unwrap_or_default();
        lines.push((format!("© {year}{holder}"), None));
    }
    if let Some(l) = a.license {
        lines.push((format!("Licence: {}", l.name()), l.url().map(str::to_owned)));
    }
    lines
}

impl IssueContext {
    fn url(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path)
    }

    /// The issue for readers who may have the articles in `articles` as given (the caller
    /// cuts gated ones to their previews for readers without access).
    pub fn render(&self, articles: &[Article]) -> Issue {
        let base = &self.base_url;
        let mut html = String::with_capacity(16 * 1024);
        let mut text = String::with_capacity(8 * 1024);
        let from = self.newsletter.name.as_str();
        html.push_str(&format!(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
             <meta name=\"color-scheme\" content=\"light dark\">\
             <meta name=\"supported-color-schemes\" content=\"light dark\">\
             <title>{}</title><style>{CSS}</style></head><body><div class=\"wrap\">\
             <p class=\"top\">{} · {} · <a href=\"{}\">View in browser</a></p>",
            esc(&self.subject),
            esc(&self.publication),
            esc(from),
            esc(&self.web_url)
        ));
        text.push_str(&format!(
            "{} · {}\nView in browser: {}\n\n",
            self.publication, from, self.web_url
        ));
        for a in articles {
            let link = self.url(&byline_render::urls::article(&a.slug));
            html.push_str("<div class=\"article\">");
            if let Some(img) = &a.image {
                let src =
                    if img.url.starts_with('/') { self.url(&img.url) } else { img.url.clone() };
                html.push_str(&format!(
                    "<p><img src=\"{}\" alt=\"{}\" width=\"600\" style=\"max-width:100%;height:auto\"></p>",
                    esc(&src),
                    esc(&img.alt)
                ));
            }
            html.push_str(&format!(
                "<h1><a href=\"{}\" style=\"color:inherit;text-decoration:none\">{}</a></h1>",
                esc(&link),
                esc(&a.title)
            ));
            text.push_str(&format!(
                "{}\n{}\n",
                a.title,
                "=".repeat(a.title.chars().count().min(72))
            ));
            if let Some(sub) = &a.subtitle {
                html.push_str(&format!("<p class=\"subtitle\">{}</p>", esc(sub)));
                text.push_str(&format!("{sub}\n"));
            }
            let by = byline(a);
            if !by.is_empty() {
                html.push_str(&format!("<p class=\"byline\">By {}</p>", esc(&by)));
                text.push_str(&format!("By {by}\n"));
            }
            text.push('\n');
            if let Some(note) = &a.note_html {
                html.push_str(&format!("<div class=\"note\">{}</div>", absolute(note, base)));
                text.push_str(&format!("Note: {}\n\n", strip_tags(note)));
            }
            html.push_str(&sized_images(&absolute(&a.body_html, base)));
            text.push_str(a.body.trim());
            text.push_str("\n\n");
            if a.preview_only {
                // Every reader of a newsletter is a member: they upgrade on their account page.
                let join = self.url(byline_render::urls::MEMBERS_UPGRADE);
                html.push_str(&format!(
                    "<div class=\"upgrade\"><p>The rest of this article is for {}.</p>\
                     <p><a class=\"button\" href=\"{}\">Upgrade to read it all</a></p>\
                     <p><a href=\"{}\">Read the beginning on the site</a></p></div>",
                    if matches!(a.access, byline_core::members::Access::Members) {
                        "members"
                    } else {
                        "paying members"
                    },
                    esc(&join),
                    esc(&link)
                ));
                text.push_str(&format!(
                    "The rest of this article is for paying members. Upgrade to read it all:\n{join}\n\n"
                ));
            } else {
                text.push_str(&format!("Read it on the site: {link}\n\n"));
            }
            let lines = credits(a);
            if !lines.is_empty() {
                html.push_str("<p class=\"credits\">");
                for (i, (line, url)) in lines.iter().enumerate() {
                    if i > 0 {
                        html.push_str("<br>");
                    }
                    match url {
                        Some(u) => html.push_str(&format!(
                            "<a href=\"{}\">{}</a>",
                            esc(&absolute(u, base)),
                            esc(line)
                        )),
                        None => html.push_str(&esc(line)),
                    }
                    text.push_str(line);
                    if let Some(u) = url {
                        text.push_str(&format!(" ({u})"));
                    }
                    text.push('\n');
                }
                html.push_str("</p>");
                text.push('\n');
            }
            html.push_str("</div>");
        }
        let forward = self.url("/members/join/");
        html.push_str(&format!(
            "<div class=\"foot\"><p>You receive {} from {} as a member.</p>\
             <p><a href=\"{}\">Forward to a friend</a> (they can subscribe at {}) · \
             <a href=\"{MANAGE}\">Manage subscription</a> · \
             <a href=\"{UNSUBSCRIBE}\">Unsubscribe</a></p>",
            esc(from),
            esc(&self.publication),
            esc(&format!(
                "mailto:?subject={}&body={}",
                url_encode(&self.subject),
                url_encode(&self.web_url)
            )),
            esc(&forward),
        ));
        text.push_str(&format!(
            "--\nYou receive {from} from {} as a member.\nForward to a friend: they can subscribe at {forward}\nManage subscription: {MANAGE}\nUnsubscribe: {UNSUBSCRIBE}\n",
            self.publication
        ));
        if let Some(addr) = &self.postal_address {
            html.push_str(&format!("<p>{}</p>", esc(addr)));
            text.push_str(&format!("{addr}\n"));
        }
        html.push_str("</div></div></body></html>");
        Issue { subject: self.subject.clone(), html: inline_css(&html), text }
    }
}

/// Inlines the stylesheet into `style` attributes (what most mail clients read), keeping the
/// media queries (phones, dark mode) in a style element for the clients that honour them.
fn inline_css(html: &str) -> String {
    let inliner = css_inline::CSSInliner::options()
        .load_remote_stylesheets(false)
        .keep_at_rules(true)
        .build();
    match inliner.inline(html) {
        Ok(out) => out,
        Err(e) => {
            tracing::warn!(error = %e, "could not inline the newsletter's CSS; sent with a style element");
            html.to_owned()
        }
    }
}

fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .trim()
        .to_owned()
}

fn url_encode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>().replace('+', "%20")
}

impl Issue {
    /// This issue with one recipient's links filled in: (HTML, text).
    pub fn personal(&self, p: &Personal) -> (String, String) {
        let html = self
            .html
            .replace(UNSUBSCRIBE, &esc(&p.unsubscribe_url))
            .replace(MANAGE, &esc(&p.manage_url));
        let text =
            self.text.replace(UNSUBSCRIBE, &p.unsubscribe_url).replace(MANAGE, &p.manage_url);
        (html, text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use byline_core::members::Access;
    use byline_core::newsletters::{Audience, Newsletter};

    fn ctx() -> IssueContext {
        IssueContext {
            base_url: "https://example.org".into(),
            publication: "The <Review>".into(),
            postal_address: Some("1 Print Street".into()),
            newsletter: Newsletter {
                id: 1,
                slug: "newsletter".into(),
                name: "Newsletter".into(),
                description: None,
                sender_name: None,
                sender_email: None,
                reply_to: None,
                audience: Audience::Members,
                subscribe_by_default: true,
                digest: None,
                archived: false,
                created_at: chrono::Utc::now(),
            },
            subject: "Gas & grids".into(),
            web_url: "https://example.org/newsletters/issues/7/".into(),
        }
    }

    fn article(preview_only: bool) -> Article {
        Article {
            id: 1,
            slug: "gas".into(),
            title: "Gas & grids".into(),
            subtitle: None,
            body: "The body.".into(),
            body_html: "<p>See <a href=\"/articles/other/\">this</a>.</p><img src=\"/media/a.jpg\" alt=\"A\">".into(),
            excerpt: String::new(),
            status: byline_core::ArticleStatus::Published,
            published_at: None,
            updated_at: None,
            authors: Vec::new(),
            terms: Vec::new(),
            image: None,
            note_html: Some("<p>Corrected.</p>".into()),
            source: Some(byline_core::Source { name: "The Wire".into(), url: None }),
            copyright_holder: Some("Ann".into()),
            copyright_year: Some(2026),
            license: None,
            canonical_url: None,
            seo_title: None,
            seo_description: None,
            republish: None,
            comments: None,
            comments_close_after_days: None,
            featured: false,
            access: Access::Paid,
            preview_html: String::new(),
            members_from: 0,
            preview_only,
        }
    }

    #[test]
    fn an_issue_is_inlined_absolute_and_personal() {
        let issue = ctx().render(&[article(false)]);
        let p = Personal {
            unsubscribe_url: "https://example.org/newsletters/unsubscribe/?m=u&t=t".into(),
            manage_url: "https://example.org/members/account/".into(),
        };
        let (html, text) = issue.personal(&p);
        assert!(html.contains("href=\"https://example.org/articles/other/\""), "{html}");
        assert!(html.contains("src=\"https://example.org/media/a.jpg\""));
        assert!(html.contains("width=\"600\""), "images have sizes");
        assert!(html.contains("<p class=\"top\" style=\"font-family"), "CSS inlined: {html}");
        assert!(html.contains("prefers-color-scheme: dark"), "dark mode kept");
        assert!(html.contains("?m=u&amp;t=t"), "the personal link, escaped");
        assert!(html.contains("The &lt;Review&gt;"));
        assert!(html.contains("Originally published by The Wire"));
        assert!(html.contains("© 2026 Ann"));
        assert!(html.contains("1 Print Street"));
        assert!(html.contains("Corrected."));
        assert!(!html.contains("%%byline"));
        assert!(text.contains("Unsubscribe: https://example.org/newsletters/unsubscribe/?m=u&t=t"));
        assert!(text.contains("View in browser: https://example.org/newsletters/issues/7/"));
        assert!(!html.contains("Upgrade to read it all"));
        let preview = ctx().render(&[article(true)]);
        assert!(preview.html.contains("Upgrade to read it all"));
        assert!(preview.text.contains("https://example.org/members/account/#upgrade"));
    }
}
