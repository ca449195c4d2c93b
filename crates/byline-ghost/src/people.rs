//! Authors, tags (every term of every taxonomy) and tiers as Ghost's objects.

use crate::ids::{self, Kind};
use crate::site::Site;
use byline_core::Author;
use byline_core::members::{Tier, TierKind};
use byline_core::taxonomy::Term;
use serde_json::{Map, Value, json};

fn object(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

pub fn author(site: &Site, a: &Author, count: Option<u64>) -> Map<String, Value> {
    let mut m = object(json!({
        "id": ids::object_id(Kind::Author, a.id),
        "name": a.name,
        "slug": a.slug,
        "profile_image": site.opt_url(a.photo.as_deref()),
        "cover_image": null,
        "bio": a.bio,
        "website": a.website,
        "location": null,
        "facebook": null,
        "twitter": null,
        "meta_title": null,
        "meta_description": null,
        "url": site.url(&byline_render::urls::author(&a.slug)),
    }));
    if let Some(n) = count {
        m.insert("count".into(), json!({ "posts": n }));
    }
    m
}

/// A term as a tag; `taxonomy` is its taxonomy's slug (for its URL).
pub fn tag(site: &Site, t: &Term, taxonomy: &str, count: Option<u64>) -> Map<String, Value> {
    let mut m = object(json!({
        "id": ids::object_id(Kind::Tag, t.id),
        "name": t.name,
        "slug": t.slug,
        "description": t.description,
        "feature_image": null,
        "visibility": "public",
        "og_image": null,
        "og_title": null,
        "og_description": null,
        "twitter_image": null,
        "twitter_title": null,
        "twitter_description": null,
        "meta_title": null,
        "meta_description": null,
        "codeinjection_head": null,
        "codeinjection_foot": null,
        "canonical_url": null,
        "accent_color": null,
        "url": site.url(&byline_render::urls::term(taxonomy, &t.slug)),
    }));
    if let Some(n) = count {
        m.insert("count".into(), json!({ "posts": n }));
    }
    m
}

pub fn tier(t: &Tier) -> Map<String, Value> {
    let paid = t.kind == TierKind::Paid;
    object(json!({
        "id": ids::object_id(Kind::Tier, t.id),
        "name": t.name,
        "description": t.description,
        "slug": t.slug,
        "active": t.active,
        "type": t.kind.as_str(),
        "welcome_page_url": null,
        "created_at": null,
        "updated_at": null,
        "visibility": if t.visible { "public" } else { "none" },
        "benefits": t.benefits,
        "currency": if paid { Value::String(t.currency.to_uppercase()) } else { Value::Null },
        "monthly_price": if paid { json!(t.monthly_price) } else { Value::Null },
        "yearly_price": if paid { json!(t.yearly_price) } else { Value::Null },
        "trial_days": 0,
    }))
}
