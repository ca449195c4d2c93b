//! What another site pastes to republish an article: HTML (title, byline, date, cleaned
//! body, attribution, canonical link, tracking image) and the same as plain text. Built
//! here in code, not in a theme, so no template can add scripts or styles to it.

use crate::feeds::escape;
use crate::urls;
use crate::view::shared::display_date;
use byline_core::republish::{body_html, body_text};
use byline_core::{Article, License, Publication};

/// `/r/{article id}.gif`: the tracking image of an article.
pub fn pixel_path(article_id: i64) -> String {
    format!("/r/{article_id}.gif")
}

fn byline(a: &Article) -> Option<String> {
    let names: Vec<&str> = a.authors.iter().map(|x| x.name.as_str()).collect();
    match names.as_slice() {
        [] => None,
        [one] => Some((*one).to_owned()),
        [init @ .., last] => Some(format!("{} and {last}", init.join(", "))),
    }
}

/// The attribution sentence, as (HTML, plain text).
fn attribution(a: &Article, p: &Publication, base: &str) -> (String, String) {
    let url = format!("{base}{}", urls::article(&a.slug));
    let date = a.published_at.map(display_date).unwrap_or_default();
    let license = a.license_or(p.default_license);
    let (first_html, first_text) = match &a.source {
        Some(s) => {
            let named = match &s.url {
                Some(u) => format!("<a href=\"{}\">{}</a>", escape(u), escape(&s.name)),
                None => escape(&s.name),
            };
            (
                format!(
                    "This article was first published by {named} and then by <a href=\"{}\">{}</a> on {date}.",
                    escape(&url),
                    escape(&p.title)
                ),
                format!(
                    "This article was first published by {}{} and then by {} ({url}) on {date}.",
                    s.name,
                    s.url.as_deref().map(|u| format!(" ({u})")).unwrap_or_default(),
                    p.title
                ),
            )
        }
        None => (
            format!(
                "This article was first published by <a href=\"{}\">{}</a> on {date}.",
                escape(&url),
                escape(&p.title)
            ),
            format!("This article was first published by {} ({url}) on {date}.", p.title),
        ),
    };
    let (lic_html, lic_text) = match (license, license.url()) {
        (License::AllRightsReserved, _) | (_, None) => (
            format!(
                "It is republished with permission under {}'s republishing policy.",
                escape(&p.title)
            ),
            format!("It is republished with permission under {}'s republishing policy.", p.title),
        ),
        (l, Some(u)) => (
            format!("It is republished under <a href=\"{u}\">{}</a>.", escape(l.name())),
            format!("It is republished under {} ({u}).", l.name()),
        ),
    };
    (format!("{first_html} {lic_html}"), format!("{first_text} {lic_text}"))
}

/// The HTML to paste: nothing in it carries a class, id, style, script, handler or form.
pub fn snippet_html(a: &Article, p: &Publication, base: &str) -> String {
    let canonical =
        a.canonical_url.clone().unwrap_or_else(|| format!("{base}{}", urls::article(&a.slug)));
    let mut h = String::new();
    h.push_str(&format!("<link rel=\"canonical\" href=\"{}\">\n", escape(&canonical)));
    h.push_str(&format!("<h1>{}</h1>\n", escape(&a.title)));
    if let Some(s) = &a.subtitle {
        h.push_str(&format!("<p><em>{}</em></p>\n", escape(s)));
    }
    let date = a.published_at.map(display_date).unwrap_or_default();
    match byline(a) {
        Some(b) => h.push_str(&format!("<p>By {} · {}</p>\n", escape(&b), escape(&date))),
        None => h.push_str(&format!("<p>{}</p>\n", escape(&date))),
    }
    h.push_str(body_html(&a.body, base).trim());
    h.push('\n');
    let (attr, _) = attribution(a, p, base);
    h.push_str(&format!("<p>{attr}</p>\n"));
    h.push_str(&format!(
        "<img src=\"{}{}\" width=\"1\" height=\"1\" alt=\"\">\n",
        escape(base),
        pixel_path(a.id)
    ));
    h
}

/// The same as plain text (no tracking image: plain text cannot carry one).
pub fn snippet_text(a: &Article, p: &Publication, base: &str) -> String {
    let mut t = String::new();
    t.push_str(&a.title);
    t.push('\n');
    if let Some(s) = &a.subtitle {
        t.push_str(s);
        t.push('\n');
    }
    let date = a.published_at.map(display_date).unwrap_or_default();
    match byline(a) {
        Some(b) => t.push_str(&format!("By {b} · {date}\n\n")),
        None => t.push_str(&format!("{date}\n\n")),
    }
    t.push_str(&body_text(&a.body, base));
    t.push_str("\n\n");
    t.push_str(&attribution(a, p, base).1);
    t.push('\n');
    t
}
