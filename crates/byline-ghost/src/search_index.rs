//! Ghost's search-index endpoints (`/ghost/api/content/search-index/{posts,authors,tags,
//! pages}/`), which Ghost's search widget (sodo-search) loads once and searches in the
//! browser: every item, a few keys each, no pagination.

use crate::GhostError;
use crate::browse::all_terms;
use crate::ids::{self, Kind};
use crate::site::{Site, date};
use byline_store::Store;
use serde_json::{Value, json};

/// The answer for `which` (`posts`, `authors`, `tags` or `pages`); `None` for another.
pub async fn read(store: &Store, site: &Site, which: &str) -> Result<Option<Value>, GhostError> {
    let items: Vec<Value> = match which {
        "posts" => {
            let facts = store.published_facts().await?;
            let ids: Vec<i64> = facts.iter().map(|f| f.id).collect();
            let articles = store.published_articles_by_id(&ids).await?;
            let facts: std::collections::HashMap<i64, &byline_store::ArticleFacts> =
                facts.iter().map(|f| (f.id, f)).collect();
            articles
                .iter()
                .filter_map(|a| Some((a, *facts.get(&a.id)?)))
                .map(|(a, f)| {
                    json!({
                        "id": ids::object_id(Kind::Post, a.id),
                        "slug": a.slug,
                        "title": a.title,
                        "excerpt": a.excerpt,
                        "url": site.url(&byline_render::urls::article(&a.slug)),
                        "updated_at": date(f.modified_at),
                        "visibility": f.access,
                    })
                })
                .collect()
        }
        "pages" => store
            .pages()
            .await?
            .iter()
            .map(|p| {
                json!({
                    "id": ids::object_id(Kind::Page, p.id),
                    "slug": p.slug,
                    "title": p.title,
                    "url": site.url(&byline_render::urls::page(&p.slug)),
                })
            })
            .collect(),
        "authors" => store
            .authors()
            .await?
            .iter()
            .map(|a| {
                json!({
                    "id": ids::object_id(Kind::Author, a.id),
                    "slug": a.slug,
                    "name": a.name,
                    "url": site.url(&byline_render::urls::author(&a.slug)),
                    "profile_image": site.opt_url(a.photo.as_deref()),
                })
            })
            .collect(),
        "tags" => {
            let mut terms: Vec<_> = all_terms(store).await?.into_values().collect();
            terms.sort_by_key(|a| a.0.name.to_lowercase());
            terms
                .iter()
                .map(|(t, tax)| {
                    json!({
                        "id": ids::object_id(Kind::Tag, t.id),
                        "slug": t.slug,
                        "name": t.name,
                        "url": site.url(&byline_render::urls::term(tax, &t.slug)),
                    })
                })
                .collect()
        }
        _ => return Ok(None),
    };
    Ok(Some(json!({ which: items })))
}
