//! Atom 1.0: the article's HTML as `content`, its excerpt as a plain-text `summary`.

use super::entry::{abs, entry_html, last_change, publication_rights, rights, updated, when};
use super::info::{FeedFormat, FeedInfo};
use crate::urls;
use byline_core::members::Reader;
use byline_core::{Article, Publication};

pub fn atom(
    info: &FeedInfo,
    articles: &[Article],
    p: &Publication,
    base: &str,
    reader: &Reader,
) -> String {
    use atom_syndication::{Category, Content, Entry, Feed, Link, Person, Text};
    let self_url = abs(base, &format!("{}{}", info.page, FeedFormat::Atom.file()));
    let publisher =
        Person { name: p.title.clone(), uri: Some(abs(base, "/")), ..Default::default() };
    let entries = articles
        .iter()
        .map(|a| {
            let url = abs(base, &urls::article(&a.slug));
            let mut authors: Vec<Person> = a
                .authors
                .iter()
                .map(|x| Person {
                    name: x.name.clone(),
                    uri: Some(abs(base, &urls::author(&x.slug))),
                    ..Default::default()
                })
                .collect();
            if authors.is_empty() {
                authors.push(publisher.clone());
            }
            Entry {
                title: Text::plain(a.title.clone()),
                id: url.clone(),
                updated: last_change(a).fixed_offset(),
                published: Some(when(a).fixed_offset()),
                authors,
                links: vec![Link {
                    href: url,
                    rel: "alternate".into(),
                    mime_type: Some("text/html".into()),
                    ..Default::default()
                }],
                categories: a
                    .terms
                    .iter()
                    .map(|t| Category {
                        term: t.slug.clone(),
                        scheme: Some(abs(base, &urls::taxonomy(&t.taxonomy_slug))),
                        label: Some(t.name.clone()),
                    })
                    .collect(),
                rights: Some(Text::plain(rights(a, p))),
                summary: Some(Text::plain(a.excerpt.clone())),
                content: Some(Content {
                    value: Some(entry_html(a, p, base, reader)),
                    content_type: Some("html".into()),
                    ..Default::default()
                }),
                ..Default::default()
            }
        })
        .collect();
    let feed = Feed {
        title: Text::plain(info.title.clone()),
        id: self_url.clone(),
        updated: updated(articles).unwrap_or_default().fixed_offset(),
        authors: vec![publisher],
        links: vec![
            Link {
                href: abs(base, &info.page),
                rel: "alternate".into(),
                mime_type: Some("text/html".into()),
                ..Default::default()
            },
            Link {
                href: self_url,
                rel: "self".into(),
                mime_type: Some(FeedFormat::Atom.mime().into()),
                ..Default::default()
            },
        ],
        rights: publication_rights(p).map(Text::plain),
        subtitle: Some(Text::plain(info.description.clone())),
        entries,
        ..Default::default()
    };
    feed.to_string()
}
