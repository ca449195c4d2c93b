//! What an article gives to a feed, decided in one place ([`entry_html`]), and the small
//! helpers every format shares: absolute links, the rights lines, HTML escaping, dates.

use byline_core::members::Reader;
use byline_core::{Article, License, Publication};
use chrono::{DateTime, Utc};

/// Makes `href="/…"` and `src="/…"` absolute, for HTML read away from the site.
pub fn absolutize(html: &str, base_url: &str) -> String {
    let mut out = String::with_capacity(html.len() + 64);
    let mut rest = html;
    while let Some(i) = rest.find("=\"/") {
        let (head, tail) = rest.split_at(i + 2);
        out.push_str(head);
        let attr_ok = head.ends_with("href=\"") || head.ends_with("src=\"");
        if attr_ok && !tail.starts_with("//") {
            out.push_str(&escape(base_url));
        }
        rest = tail;
    }
    out.push_str(rest);
    out
}

/// The rights line an article carries: `© 2026 Holder. Licence name.`
pub fn rights(a: &Article, p: &Publication) -> String {
    let license = a.license_or(p.default_license);
    let year = a.copyright_year_or(a.published_at.unwrap_or_default());
    format!("© {year} {}. {}.", a.copyright_holder_or(&p.title), license.name())
}

/// The HTML a feed may carry for an article: its body with absolute links (for a gated
/// article that `reader` may not read, only its preview and a link to read on), then the
/// original-source and rights lines. The single gate for feed content: public feeds pass
/// `Reader::Anonymous`, a paid member's private feed their reader.
pub fn entry_html(a: &Article, p: &Publication, base_url: &str, reader: &Reader) -> String {
    let full = a.readable_by(reader) && !a.preview_only;
    let mut html = absolutize(if full { &a.body_html } else { &a.preview_html }, base_url);
    if !full {
        let url = escape(&format!("{base_url}{}", crate::urls::article(&a.slug)));
        let who = match byline_core::gating::badge(&a.access) {
            Some("Paid") => "paying members",
            _ => "members",
        };
        html.push_str(&format!(
            "<p class=\"members-only\">The rest of this article is for {who}: \
             <a href=\"{url}\">read it on the site</a>.</p>"
        ));
    }
    if let Some(s) = &a.source {
        let name = escape(&s.name);
        match &s.url {
            Some(u) => html.push_str(&format!(
                "<p>The original source of this article is <a href=\"{}\">{name}</a>.</p>",
                escape(u)
            )),
            None => {
                html.push_str(&format!("<p>The original source of this article is {name}.</p>"))
            }
        }
    }
    let license = a.license_or(p.default_license);
    let rights = escape(&rights(a, p));
    match license.url() {
        Some(u) => html.push_str(&format!("<p><a href=\"{u}\" rel=\"license\">{rights}</a></p>")),
        None => html.push_str(&format!("<p>{rights}</p>")),
    }
    html
}

/// Escapes text for HTML content and double-quoted attributes (the only kind written here).
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}
/// A URL made absolute when it is site-relative.
pub fn absolutize_url(url: &str, base: &str) -> String {
    if url.starts_with('/') && !url.starts_with("//") {
        format!("{base}{url}")
    } else {
        url.to_owned()
    }
}

pub(super) fn when(a: &Article) -> DateTime<Utc> {
    a.published_at.unwrap_or_default()
}

pub(super) fn last_change(a: &Article) -> DateTime<Utc> {
    a.updated_at.unwrap_or_else(|| when(a))
}

/// The newest change among the articles (the feed's own "updated").
pub fn updated(articles: &[Article]) -> Option<DateTime<Utc>> {
    articles.iter().map(last_change).max()
}

pub(super) fn abs(base: &str, path: &str) -> String {
    format!("{base}{path}")
}

pub(super) fn publication_rights(p: &Publication) -> Option<String> {
    p.copyright.clone().or_else(|| match p.default_license {
        License::AllRightsReserved => Some(format!("© {}", p.title)),
        l => Some(format!("{} {}", p.title, l.name())),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn makes_site_links_absolute_and_leaves_others() {
        let html = r#"<a href="/a/">x</a><img src="/m.jpg"><a href="//cdn.x/y">z</a><a href="https://o/">o</a><p title="/t">"#;
        assert_eq!(
            absolutize(html, "https://s.example"),
            r#"<a href="https://s.example/a/">x</a><img src="https://s.example/m.jpg"><a href="//cdn.x/y">z</a><a href="https://o/">o</a><p title="/t">"#
        );
    }
}
