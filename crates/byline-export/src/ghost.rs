//! `byline export ghost FILE.json`: the publication as a file Ghost's "Import content"
//! takes (`{"db": [{"meta", "data": {posts, tags, users, …}}]}`, as Ghost 5 exports).
//!
//! Every article that is not in the trash becomes a post (published, scheduled or draft;
//! in review is a draft to Ghost), every page a page, every author a staff user (Ghost
//! needs an email: authors without one get `SLUG@authors.invalid`, which no mail reaches),
//! the terms of every taxonomy tags (Ghost's tags are flat: a term whose slug another
//! taxonomy already took is prefixed with its taxonomy's), hidden labels internal `#tags`,
//! paid tiers products. Bodies travel as Markdown in one Markdown card, so Ghost shows what
//! Byline wrote and `byline import ghost` gets the very same Markdown back.

use byline_core::audit::Actor;
use byline_core::editorial::ArticleQuery;
use byline_core::members::TierKind;
use byline_core::{ArticleInput, ArticleStatus};
use byline_store::{Store, StoreError};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use std::collections::HashMap;

/// What went into the file.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct GhostExport {
    pub posts: usize,
    pub pages: usize,
    pub tags: usize,
    pub users: usize,
    pub products: usize,
    /// Values shortened to the lengths Ghost's importer accepts, one line each
    /// (e.g. "author anna-kowalska: bio shortened from 412 to 250 characters").
    pub shortened: Vec<String>,
    /// The JSON, ready to write.
    pub json: String,
}

/// The Ghost version the file says it comes from: the format of Ghost 5's exports.
const FORMAT_VERSION: &str = "5.0.0";

/// A 24-hex-digit id like Ghost's own: a kind and Byline's id.
fn ghost_id(kind: u8, id: i64) -> String {
    format!("{kind:08x}{:016x}", id.max(0))
}

fn time(t: Option<DateTime<Utc>>) -> Value {
    t.map_or(Value::Null, |t| Value::String(t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()))
}

/// A Mobiledoc document holding `markdown` in one Markdown card.
fn mobiledoc(markdown: &str) -> String {
    json!({
        "version": "0.3.1", "atoms": [], "markups": [],
        "cards": [["markdown", {"markdown": markdown}]],
        "sections": [[10, 0]],
    })
    .to_string()
}

/// Builds the export; `progress` is told (done, total) as articles are read.
pub async fn ghost_export(
    store: &Store,
    now: DateTime<Utc>,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<GhostExport, StoreError> {
    let actor = Actor::command_line();
    let publication = store.publication().await?;
    let authors = store.authors().await?;
    let taxonomies = store.taxonomies().await?;
    let labels = store.article_labels().await?;
    let tiers = store.tiers().await?;

    let mut fit = Fit::default();
    let mut users = Vec::new();
    let mut user_ids: HashMap<String, String> = HashMap::new();
    for a in &authors {
        let id = ghost_id(4, a.id);
        user_ids.insert(a.slug.clone(), id.clone());
        let email = a.email.clone().unwrap_or_else(|| format!("{}@authors.invalid", a.slug));
        users.push(json!({
            "id": id, "name": fit.text(&a.name, 191, "author", &a.slug, "name"),
            "slug": a.slug, "email": email,
            "bio": fit.opt(a.bio.as_deref(), 250, "author", &a.slug, "bio"),
            "website": a.website, "profile_image": a.photo,
            "status": "active", "visibility": "public",
            "created_at": time(Some(now)), "updated_at": time(Some(now)),
        }));
    }

    // Terms of every taxonomy as flat tags; `(taxonomy, term slug)` → tag id.
    let mut tags = Vec::new();
    let mut tag_ids: HashMap<(String, String), String> = HashMap::new();
    let mut used_slugs: HashMap<String, ()> = HashMap::new();
    for t in &taxonomies {
        for term in store.terms(t.id).await? {
            let mut slug = term.slug.clone();
            if used_slugs.contains_key(&slug) {
                slug = format!("{}-{}", t.slug, term.slug);
            }
            used_slugs.insert(slug.clone(), ());
            let id = ghost_id(3, term.id);
            tag_ids.insert((t.slug.clone(), term.slug.clone()), id.clone());
            tags.push(json!({
                "id": id, "name": fit.text(&term.name, 191, "tag", &slug, "name"), "slug": slug,
                "description": fit.opt(term.description.as_deref(), 500, "tag", &slug, "description"),
                "visibility": "public",
                "created_at": time(Some(now)), "updated_at": time(Some(now)),
            }));
        }
    }
    let mut label_ids: HashMap<String, String> = HashMap::new();
    let mut all_labels: Vec<&String> = labels.values().flatten().collect();
    all_labels.sort();
    all_labels.dedup();
    for (i, name) in all_labels.into_iter().enumerate() {
        let id = ghost_id(5, i as i64 + 1);
        label_ids.insert(name.clone(), id.clone());
        let slug = format!("hash-{}", byline_core::slugify(name));
        tags.push(json!({
            "id": id, "name": format!("#{name}"), "slug": slug, "visibility": "internal",
            "created_at": time(Some(now)), "updated_at": time(Some(now)),
        }));
    }

    let mut products = Vec::new();
    let mut product_ids: HashMap<String, String> = HashMap::new();
    for t in tiers.iter().filter(|t| t.kind == TierKind::Paid) {
        let id = ghost_id(6, t.id);
        product_ids.insert(t.slug.clone(), id.clone());
        products.push(json!({
            "id": id, "name": fit.text(&t.name, 191, "tier", &t.slug, "name"), "slug": t.slug,
            "description": fit.opt(t.description.as_deref(), 191, "tier", &t.slug, "description"),
            "type": "paid", "active": t.active,
            "visibility": if t.visible { "public" } else { "none" },
            "monthly_price": t.monthly_price, "yearly_price": t.yearly_price,
            "currency": t.currency.to_ascii_uppercase(),
            "created_at": time(Some(now)), "updated_at": time(Some(now)),
        }));
    }

    let mut posts = Vec::new();
    let mut posts_meta = Vec::new();
    let mut posts_tags = Vec::new();
    let mut posts_authors = Vec::new();
    let mut posts_products = Vec::new();
    let ids = all_article_ids(store, &actor).await?;
    for (n, article_id) in ids.iter().enumerate() {
        progress(n + 1, ids.len());
        let a = store
            .editable_article(&actor, *article_id)
            .await
            .map_err(|e| StoreError::Conflict(e.to_string()))?;
        let post_id = ghost_id(1, a.id);
        let input: &ArticleInput = &a.input;
        let status = match a.status {
            ArticleStatus::Published => "published",
            ArticleStatus::Scheduled => "scheduled",
            _ => "draft",
        };
        let (visibility, tier_slugs) = match input.access.as_deref() {
            Some("members") => ("members", Vec::new()),
            Some("paid") => ("paid", Vec::new()),
            Some("tiers") => ("tiers", input.tiers.clone()),
            _ => ("public", Vec::new()),
        };
        let name = input.slug.clone().unwrap_or_else(|| post_id.clone());
        posts.push(json!({
            "id": post_id, "title": fit.text(&input.title, 255, "post", &name, "title"),
            "slug": input.slug,
            "mobiledoc": mobiledoc(&input.body), "lexical": null,
            "html": byline_core::markdown::to_html(&input.body),
            "feature_image": input.image, "featured": input.featured, "type": "post",
            "status": status, "visibility": visibility,
            "custom_excerpt": fit.opt(input.excerpt.as_deref(), 300, "post", &name, "excerpt"),
            "canonical_url": input.canonical_url,
            "created_at": time(Some(a.created_at)), "updated_at": time(Some(a.modified_at)),
            "published_at": time(input.published_at),
        }));
        posts_meta.push(json!({
            "id": ghost_id(7, a.id), "post_id": post_id,
            "meta_title": fit.opt(input.seo_title.as_deref(), 300, "post", &name, "SEO title"),
            "meta_description": fit.opt(input.seo_description.as_deref(), 500, "post", &name, "SEO description"),
            "feature_image_alt": fit.opt(input.image_alt.as_deref(), 191, "post", &name, "image alt text"),
            "feature_image_caption": input.image_caption,
        }));
        for (order, slug) in input.authors.iter().enumerate() {
            if let Some(user) = user_ids.get(slug) {
                posts_authors.push(json!({
                    "post_id": post_id,
                    "author_id": user, "sort_order": order,
                }));
            }
        }
        let filed =
            input.terms.iter().filter_map(|(tax, term)| tag_ids.get(&(tax.clone(), term.clone())));
        let hidden = labels.get(&a.id).into_iter().flatten().filter_map(|l| label_ids.get(l));
        for (order, tag) in filed.chain(hidden).enumerate() {
            posts_tags.push(json!({
                "post_id": post_id,
                "tag_id": tag, "sort_order": order,
            }));
        }
        for (order, tier) in tier_slugs.iter().enumerate() {
            if let Some(product) = product_ids.get(tier) {
                posts_products.push(json!({
                    "post_id": post_id,
                    "product_id": product, "sort_order": order,
                }));
            }
        }
    }
    let article_count = posts.len();
    let pages = store.pages().await?;
    let mut navigation = Vec::new();
    for p in &pages {
        posts.push(json!({
            "id": ghost_id(2, p.id), "title": fit.text(&p.title, 255, "page", &p.slug, "title"),
            "slug": p.slug,
            "mobiledoc": mobiledoc(&p.body), "lexical": null, "html": p.body_html,
            "type": "page", "status": "published", "visibility": "public", "featured": false,
            "created_at": time(Some(p.updated_at)), "updated_at": time(Some(p.updated_at)),
            "published_at": time(Some(p.updated_at)),
        }));
        if p.in_nav {
            navigation.push(json!({"label": p.title, "url": format!("/{}/", p.slug)}));
        }
    }
    let mut settings = vec![
        json!({"key": "title", "value": publication.title}),
        json!({"key": "description", "value": publication.description.clone().unwrap_or_default()}),
        json!({"key": "locale", "value": publication.language}),
    ];
    if let Some(logo) = &publication.logo {
        settings.push(json!({"key": "logo", "value": logo}));
    }
    if let Some(icon) = &publication.favicon {
        settings.push(json!({"key": "icon", "value": icon}));
    }
    if !navigation.is_empty() {
        settings.push(json!({"key": "navigation", "value": Value::Array(navigation).to_string()}));
    }
    let doc = json!({"db": [{
        "meta": {"exported_on": now.timestamp_millis(), "version": FORMAT_VERSION},
        "data": {
            "posts": posts, "posts_meta": posts_meta, "tags": tags, "posts_tags": posts_tags,
            "users": users, "posts_authors": posts_authors, "products": products,
            "posts_products": posts_products, "settings": settings,
        },
    }]});
    Ok(GhostExport {
        posts: article_count,
        pages: pages.len(),
        tags: doc["db"][0]["data"]["tags"].as_array().map_or(0, Vec::len),
        users: authors.len(),
        products: product_ids.len(),
        shortened: fit.0,
        json: serde_json::to_string_pretty(&doc).unwrap_or_default(),
    })
}

/// The ids of every article not in the trash, oldest change first.
async fn all_article_ids(store: &Store, actor: &Actor) -> Result<Vec<i64>, StoreError> {
    let q = ArticleQuery::default();
    let mut ids = Vec::new();
    let mut page = 1;
    loop {
        let p = store.admin_articles(actor, &q, page, 500).await?;
        ids.extend(p.items.iter().map(|a| a.id));
        if p.items.is_empty() || ids.len() as u64 >= p.total {
            break;
        }
        page += 1;
    }
    ids.reverse();
    Ok(ids)
}

/// Values cut to the lengths Ghost's importer validates (its models refuse longer ones and
/// drop the whole record, so a long author bio would lose every post of that author), and a
/// line for each value cut.
#[derive(Default)]
struct Fit(Vec<String>);

impl Fit {
    fn text(&mut self, text: &str, max: usize, kind: &str, slug: &str, field: &str) -> String {
        let chars = text.chars().count();
        if chars <= max {
            return text.to_owned();
        }
        self.0.push(format!(
            "{kind} {slug}: {field} shortened from {chars} to {max} characters (Ghost's limit)"
        ));
        shorten(text, max)
    }

    fn opt(
        &mut self,
        text: Option<&str>,
        max: usize,
        kind: &str,
        slug: &str,
        field: &str,
    ) -> Option<String> {
        text.map(|t| self.text(t, max, kind, slug, field))
    }
}

/// At most `max` characters: cut after the last whole word that fits, with an ellipsis.
fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let room = max.saturating_sub(1);
    let cut = text.char_indices().nth(room).map_or(text.len(), |(at, _)| at);
    let head = &text[..cut];
    let head = match head.rfind(char::is_whitespace) {
        Some(space) if space > cut / 2 => &head[..space],
        _ => head,
    };
    format!("{}…", head.trim_end_matches(|c: char| c.is_whitespace() || c == ',' || c == ';'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_look_like_ghosts_and_long_values_fit() {
        assert_eq!(ghost_id(1, 255), "0000000100000000000000ff");
        assert_eq!(shorten("ééé", 3), "ééé");
        assert_eq!(shorten("ééé", 2), "é…");
        assert_eq!(shorten("one two three four", 12), "one two…");
        let long = "word ".repeat(100);
        let mut fit = Fit::default();
        let bio = fit.text(&long, 250, "author", "ann", "bio");
        assert!(bio.chars().count() <= 250 && bio.ends_with("word…"), "{bio}");
        assert_eq!(fit.text("short", 250, "author", "ann", "bio"), "short");
        assert_eq!(fit.0, ["author ann: bio shortened from 500 to 250 characters (Ghost's limit)"]);
        let doc: Value = serde_json::from_str(&mobiledoc("# A")).unwrap();
        assert_eq!(doc["cards"][0][1]["markdown"], "# A");
    }
}
