//! Search-engine and social metadata: OpenGraph and Twitter card tags, and JSON-LD
//! `NewsArticle` for articles.

use crate::feeds::absolutize_url;
use crate::urls;
use byline_core::{Article, Publication};
use serde::Serialize;
use serde_json::{Value, json};

/// One `<meta>` tag: `property` for OpenGraph, `name` for Twitter.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct MetaTag {
    pub key: String,
    pub value: String,
}

fn tag(key: &str, value: impl Into<String>) -> MetaTag {
    MetaTag { key: key.to_owned(), value: value.into() }
}

/// The social tags of a page that is not an article.
pub fn website_tags(
    site_name: &str,
    title: &str,
    description: Option<&str>,
    url: &str,
) -> (Vec<MetaTag>, Vec<MetaTag>) {
    let mut og = vec![
        tag("og:type", "website"),
        tag("og:site_name", site_name),
        tag("og:title", title),
        tag("og:url", url),
    ];
    let mut tw = vec![tag("twitter:card", "summary"), tag("twitter:title", title)];
    if let Some(d) = description {
        og.push(tag("og:description", d));
        tw.push(tag("twitter:description", d));
    }
    (og, tw)
}

/// The social tags of an article.
pub fn article_tags(
    a: &Article,
    p: &Publication,
    base: &str,
    title: &str,
    description: &str,
    canonical: &str,
) -> (Vec<MetaTag>, Vec<MetaTag>) {
    let iso =
        |d: chrono::DateTime<chrono::Utc>| d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let mut og = vec![
        tag("og:type", "article"),
        tag("og:site_name", &p.title),
        tag("og:title", title),
        tag("og:description", description),
        tag("og:url", canonical),
        tag("og:locale", p.language.replace('-', "_")),
    ];
    let mut tw = vec![tag("twitter:title", title), tag("twitter:description", description)];
    match &a.image {
        Some(i) => {
            let src = absolutize_url(&i.url, base);
            og.push(tag("og:image", &src));
            if !i.alt.is_empty() {
                og.push(tag("og:image:alt", &i.alt));
                tw.push(tag("twitter:image:alt", &i.alt));
            }
            tw.insert(0, tag("twitter:card", "summary_large_image"));
            tw.push(tag("twitter:image", src));
        }
        None => tw.insert(0, tag("twitter:card", "summary")),
    }
    if let Some(d) = a.published_at {
        og.push(tag("article:published_time", iso(d)));
    }
    if let Some(d) = a.updated_at {
        og.push(tag("article:modified_time", iso(d)));
    }
    for author in &a.authors {
        og.push(tag("article:author", format!("{base}{}", urls::author(&author.slug))));
    }
    let mut sections = a.terms.iter().filter(|t| t.taxonomy_slug != "tags");
    if let Some(s) = sections.next() {
        og.push(tag("article:section", &s.name));
    }
    for t in a.terms.iter().filter(|t| t.taxonomy_slug == "tags") {
        og.push(tag("article:tag", &t.name));
    }
    (og, tw)
}

/// JSON-LD `NewsArticle`, ready to put in `<script type="application/ld+json">`.
pub fn news_article(a: &Article, p: &Publication, base: &str, canonical: &str) -> String {
    script_safe(&news_article_value(a, p, base, canonical))
}

/// [`news_article`] with the article's corrections as schema.org `correction`: one
/// `CorrectionComment` (text and `datePublished`) each.
pub fn corrected_news_article(
    a: &Article,
    p: &Publication,
    base: &str,
    canonical: &str,
    corrections: &[byline_core::correction::Correction],
) -> String {
    let mut ld = news_article_value(a, p, base, canonical);
    if !corrections.is_empty() {
        ld["correction"] = corrections
            .iter()
            .map(|c| {
                json!({
                    "@type": "CorrectionComment",
                    "text": c.text,
                    "datePublished": c.date.format("%Y-%m-%d").to_string(),
                })
            })
            .collect();
    }
    script_safe(&ld)
}

fn news_article_value(a: &Article, p: &Publication, base: &str, canonical: &str) -> Value {
    let iso =
        |d: chrono::DateTime<chrono::Utc>| d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let license = a.license_or(p.default_license);
    let publisher = {
        let mut o = json!({"@type": "Organization", "name": p.title, "url": format!("{base}/")});
        if let Some(logo) = &p.logo {
            o["logo"] = json!({"@type": "ImageObject", "url": absolutize_url(logo, base)});
        }
        o
    };
    let mut ld = json!({
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": a.title,
        "description": a.excerpt,
        "url": format!("{base}{}", urls::article(&a.slug)),
        "mainEntityOfPage": canonical,
        "inLanguage": p.language,
        "author": a.authors.iter().map(|x| json!({
            "@type": "Person",
            "name": x.name,
            "url": format!("{base}{}", urls::author(&x.slug)),
        })).collect::<Vec<_>>(),
        "publisher": publisher,
        "copyrightHolder": match &a.copyright_holder {
            Some(h) => json!({"@type": "Organization", "name": h}),
            None => publisher.clone(),
        },
        "copyrightYear": a.copyright_year_or(a.published_at.unwrap_or_default()),
        "articleSection": a.terms.iter().filter(|t| t.taxonomy_slug != "tags").map(|t| t.name.clone()).collect::<Vec<_>>(),
        "keywords": a.terms.iter().filter(|t| t.taxonomy_slug == "tags").map(|t| t.name.clone()).collect::<Vec<_>>(),
    });
    if let Some(d) = a.published_at {
        ld["datePublished"] = Value::from(iso(d));
        ld["dateModified"] = Value::from(iso(a.updated_at.unwrap_or(d)));
    }
    if let Some(i) = &a.image {
        ld["image"] = Value::from(absolutize_url(&i.url, base));
    }
    if let Some(u) = license.url() {
        ld["license"] = Value::from(u);
    }
    if a.is_gated() {
        // What search engines ask of paywalled pages: the gated part is `.members-only`.
        ld["isAccessibleForFree"] = Value::from(false);
        ld["hasPart"] = json!({
            "@type": "WebPageElement",
            "isAccessibleForFree": false,
            "cssSelector": ".members-only",
        });
    }
    if let Some(s) = &a.source {
        let mut based = json!({"@type": "CreativeWork", "name": s.name});
        if let Some(u) = &s.url {
            based["url"] = Value::from(u.clone());
        }
        ld["isBasedOn"] = based;
    }
    ld
}

/// JSON that cannot end its `<script>` element early and stays valid JSON: `<`, `>` and `&`
/// only occur inside strings, where JSON's own `\u003c`-style escapes stand for them.
fn script_safe(v: &Value) -> String {
    serde_json::to_string(v)
        .expect("JSON serializes")
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}
