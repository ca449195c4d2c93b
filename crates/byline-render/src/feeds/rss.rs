//! RSS 2.0, with Dublin Core creators and rights and an Atom `self` link.

use super::entry::{abs, entry_html, escape, publication_rights, rights, updated, when};
use super::info::{FeedFormat, FeedInfo};
use crate::urls;
use byline_core::members::Reader;
use byline_core::{Article, Publication};

pub fn rss(
    info: &FeedInfo,
    articles: &[Article],
    p: &Publication,
    base: &str,
    reader: &Reader,
) -> String {
    let self_url = abs(base, &format!("{}{}", info.page, FeedFormat::Rss.file()));
    let items = articles
        .iter()
        .map(|a| {
            let url = abs(base, &urls::article(&a.slug));
            ::rss::Item {
                title: Some(a.title.clone()),
                link: Some(url.clone()),
                // Readers render `description` as HTML: the plain-text excerpt is escaped as text.
                description: Some(escape(&a.excerpt)),
                guid: Some(::rss::Guid { value: url, permalink: true }),
                pub_date: Some(when(a).to_rfc2822()),
                categories: a
                    .terms
                    .iter()
                    .map(|t| ::rss::Category {
                        name: t.name.clone(),
                        domain: Some(abs(base, &urls::taxonomy(&t.taxonomy_slug))),
                    })
                    .collect(),
                content: Some(entry_html(a, p, base, reader)),
                dublin_core_ext: Some(::rss::extension::dublincore::DublinCoreExtension {
                    creators: a.authors.iter().map(|x| x.name.clone()).collect(),
                    rights: vec![rights(a, p)],
                    ..Default::default()
                }),
                ..Default::default()
            }
        })
        .collect();
    let channel = ::rss::Channel {
        title: info.title.clone(),
        link: abs(base, &info.page),
        description: info.description.clone(),
        language: Some(p.language.clone()),
        copyright: publication_rights(p),
        last_build_date: updated(articles).map(|d| d.to_rfc2822()),
        generator: Some("Byline".into()),
        items,
        atom_ext: Some(::rss::extension::atom::AtomExtension {
            links: vec![atom_syndication::Link {
                href: self_url,
                rel: "self".into(),
                mime_type: Some(FeedFormat::Rss.mime().into()),
                ..Default::default()
            }],
        }),
        ..Default::default()
    };
    channel.to_string()
}
