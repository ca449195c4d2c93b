//! The corrections page's Atom feed: one entry per correction (its text as plain text, the
//! article as its link), newest first.

use crate::urls;
use byline_core::Publication;
use byline_core::correction::ListedCorrection;
use chrono::{DateTime, NaiveTime, Utc};

/// Atom 1.0 for `items` (newest first) of the publication `p` served at `base`.
pub fn corrections_atom(p: &Publication, base: &str, items: &[ListedCorrection]) -> String {
    use atom_syndication::{Entry, Feed, Link, Person, Text};
    let page = format!("{base}/corrections/");
    let self_url = format!("{base}/corrections/feed.xml");
    let day = |c: &ListedCorrection| -> DateTime<Utc> {
        c.correction.date.and_time(NaiveTime::MIN).and_utc().max(c.correction.created_at)
    };
    let link = |href: String, rel: &str, mime: &str| Link {
        href,
        rel: rel.into(),
        mime_type: Some(mime.into()),
        ..Default::default()
    };
    let entries = items
        .iter()
        .map(|c| {
            let url = format!("{base}{}", urls::article(&c.article_slug));
            Entry {
                title: Text::plain(format!("Correction: {}", c.article_title)),
                id: format!("{url}#correction-{}", c.correction.id),
                updated: day(c).fixed_offset(),
                published: Some(day(c).fixed_offset()),
                links: vec![link(url, "alternate", "text/html")],
                summary: Some(Text::plain(c.correction.text.clone())),
                ..Default::default()
            }
        })
        .collect();
    Feed {
        title: Text::plain(format!("{}: corrections", p.title)),
        id: self_url.clone(),
        updated: items.first().map(day).unwrap_or_default().fixed_offset(),
        authors: vec![Person {
            name: p.title.clone(),
            uri: Some(format!("{base}/")),
            ..Default::default()
        }],
        links: vec![
            link(page, "alternate", "text/html"),
            link(self_url, "self", "application/atom+xml"),
        ],
        entries,
        ..Default::default()
    }
    .to_string()
}
