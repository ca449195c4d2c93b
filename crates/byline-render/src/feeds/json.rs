//! JSON Feed 1.1, with the article's rights and licence as the `_rights` extension.

use super::entry::{abs, absolutize_url, entry_html, last_change, rights, when};
use super::info::{FeedFormat, FeedInfo};
use crate::urls;
use byline_core::members::Reader;
use byline_core::{Article, Publication};
use chrono::{DateTime, Utc};
use serde::Serialize;

#[derive(Serialize)]
struct JsonFeed<'a> {
    version: &'static str,
    title: &'a str,
    home_page_url: String,
    feed_url: String,
    description: &'a str,
    language: &'a str,
    authors: Vec<JsonAuthor>,
    items: Vec<JsonItem>,
}

#[derive(Serialize)]
struct JsonAuthor {
    name: String,
    url: String,
}

#[derive(Serialize)]
struct JsonItem {
    id: String,
    url: String,
    title: String,
    content_html: String,
    summary: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    image: Option<String>,
    date_published: String,
    date_modified: String,
    authors: Vec<JsonAuthor>,
    tags: Vec<String>,
    /// JSON Feed extensions start with an underscore.
    _rights: JsonRights,
}

#[derive(Serialize)]
struct JsonRights {
    rights: String,
    license: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    license_url: Option<&'static str>,
}

pub fn json(
    info: &FeedInfo,
    articles: &[Article],
    p: &Publication,
    base: &str,
    reader: &Reader,
) -> String {
    let iso = |d: DateTime<Utc>| d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let items = articles
        .iter()
        .map(|a| {
            let url = abs(base, &urls::article(&a.slug));
            let license = a.license_or(p.default_license);
            JsonItem {
                id: url.clone(),
                url,
                title: a.title.clone(),
                content_html: entry_html(a, p, base, reader),
                summary: a.excerpt.clone(),
                image: a.image.as_ref().map(|i| absolutize_url(&i.url, base)),
                date_published: iso(when(a)),
                date_modified: iso(last_change(a)),
                authors: a
                    .authors
                    .iter()
                    .map(|x| JsonAuthor {
                        name: x.name.clone(),
                        url: abs(base, &urls::author(&x.slug)),
                    })
                    .collect(),
                tags: a.terms.iter().map(|t| t.name.clone()).collect(),
                _rights: JsonRights {
                    rights: rights(a, p),
                    license: license.code(),
                    license_url: license.url(),
                },
            }
        })
        .collect();
    let feed = JsonFeed {
        version: "https://jsonfeed.org/version/1.1",
        title: &info.title,
        home_page_url: abs(base, &info.page),
        feed_url: abs(base, &format!("{}{}", info.page, FeedFormat::Json.file())),
        description: &info.description,
        language: &p.language,
        authors: vec![JsonAuthor { name: p.title.clone(), url: abs(base, "/") }],
        items,
    };
    serde_json::to_string_pretty(&feed).expect("feeds serialize")
}
