//! Byline's articles and static pages as Ghost's posts and pages: every key of Ghost's post
//! object (see the mapping table in the README), `html` only for readers the article's
//! access admits (the Content API reads as an anonymous visitor).

use crate::ids::{self, Kind};
use crate::site::{Site, date, opt_date};
use byline_core::members::{Access, Reader};
use byline_core::{Article, Page, republish};
use byline_store::ArticleFacts;
use serde_json::{Map, Value, json};

/// Ghost's reading speed, in words a minute.
const WORDS_PER_MINUTE: usize = 275;

fn reading_time(text: &str) -> u64 {
    let words = text.split_whitespace().count();
    Ord::max(1, (words + WORDS_PER_MINUTE / 2) / WORDS_PER_MINUTE) as u64
}

/// May an anonymous reader see an article with this `access` word?
pub fn readable(access: &str) -> bool {
    Access::parse("access", Some(access), &[]).is_ok_and(|a| Reader::Anonymous.may_read(&a))
}

/// How the post or page object is asked for.
#[derive(Debug, Clone, Copy, Default)]
pub struct Shape {
    pub html: bool,
    pub plaintext: bool,
}

/// A post. `facts` carries what the article type does not: its access and dates.
pub fn post(site: &Site, a: &Article, facts: &ArticleFacts, shape: Shape) -> Map<String, Value> {
    let open = readable(&facts.access);
    let text = republish::body_text(&a.body, &site.base_url);
    let id = ids::object_id(Kind::Post, a.id);
    let image = a.image.as_ref();
    let mut m = json!({
        "id": id,
        "uuid": ids::uuid(Kind::Post, a.id),
        "title": a.title,
        "slug": a.slug,
        "comment_id": id,
        "feature_image": site.opt_url(image.map(|i| i.url.as_str())),
        "feature_image_alt": image.map(|i| i.alt.clone()).filter(|a| !a.is_empty()),
        "feature_image_caption": image.and_then(|i| i.caption.clone()),
        "featured": a.featured,
        "visibility": facts.access,
        "created_at": date(facts.created_at),
        "updated_at": date(facts.modified_at),
        "published_at": opt_date(a.published_at),
        "custom_excerpt": a.subtitle,
        "codeinjection_head": null,
        "codeinjection_foot": null,
        "custom_template": null,
        "canonical_url": a.canonical_url,
        "url": site.url(&byline_render::urls::article(&a.slug)),
        "excerpt": a.excerpt,
        "reading_time": reading_time(&text),
        "access": open,
        "comments": false,
        "og_image": null,
        "og_title": null,
        "og_description": null,
        "twitter_image": null,
        "twitter_title": null,
        "twitter_description": null,
        "meta_title": a.seo_title,
        "meta_description": a.seo_description,
        "email_subject": null,
        "frontmatter": null,
    });
    let m = m.as_object_mut().map(std::mem::take).unwrap_or_default();
    bodies(m, shape, open, &a.body_html, text)
}

/// A static page: the post object's keys, with what pages lack left empty.
pub fn page(site: &Site, p: &Page, shape: Shape) -> Map<String, Value> {
    let text = republish::body_text(&p.body, &site.base_url);
    let id = ids::object_id(Kind::Page, p.id);
    let excerpt = byline_core::markdown::excerpt(&p.body, byline_core::article::EXCERPT_CHARS);
    let mut m = json!({
        "id": id,
        "uuid": ids::uuid(Kind::Page, p.id),
        "title": p.title,
        "slug": p.slug,
        "comment_id": id,
        "feature_image": null,
        "feature_image_alt": null,
        "feature_image_caption": null,
        "featured": false,
        "visibility": "public",
        "created_at": date(p.updated_at),
        "updated_at": date(p.updated_at),
        "published_at": date(p.updated_at),
        "custom_excerpt": null,
        "codeinjection_head": null,
        "codeinjection_foot": null,
        "custom_template": null,
        "canonical_url": null,
        "url": site.url(&byline_render::urls::page(&p.slug)),
        "excerpt": excerpt,
        "reading_time": reading_time(&text),
        "access": true,
        "comments": false,
        "og_image": null,
        "og_title": null,
        "og_description": null,
        "twitter_image": null,
        "twitter_title": null,
        "twitter_description": null,
        "meta_title": null,
        "meta_description": null,
        "frontmatter": null,
        "show_title_and_feature_image": true,
    });
    let m = m.as_object_mut().map(std::mem::take).unwrap_or_default();
    bodies(m, shape, true, &p.body_html, text)
}

fn bodies(
    mut m: Map<String, Value>,
    shape: Shape,
    open: bool,
    html: &str,
    text: String,
) -> Map<String, Value> {
    if shape.html {
        m.insert("html".into(), Value::String(if open { html.to_owned() } else { String::new() }));
    }
    if shape.plaintext {
        m.insert("plaintext".into(), Value::String(if open { text } else { String::new() }));
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_articles_are_readable_through_the_content_api() {
        assert!(readable("public"));
        for gated in ["members", "paid", "tiers", "nonsense"] {
            assert!(!readable(gated), "{gated}");
        }
        let m = bodies(
            Map::new(),
            Shape { html: true, plaintext: true },
            false,
            "<p>x</p>",
            "x".into(),
        );
        assert_eq!((m["html"].as_str(), m["plaintext"].as_str()), (Some(""), Some("")));
        let m = bodies(
            Map::new(),
            Shape { html: true, plaintext: false },
            true,
            "<p>x</p>",
            "x".into(),
        );
        assert_eq!(m["html"], "<p>x</p>");
        assert!(m.get("plaintext").is_none());
        assert_eq!(reading_time("word "), 1);
        assert_eq!(reading_time(&"word ".repeat(275 * 4)), 4);
    }
}
