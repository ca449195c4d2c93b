//! Posts and pages: filtered over light records, one page loaded in full and built into
//! Ghost's objects with the includes asked for.

use crate::GhostError;
use crate::browse::{Lookup, Resource, all_terms, finish, select, slice};
use crate::ids::Kind as IdKind;
use crate::params::Params;
use crate::people;
use crate::posts::{self, Shape};
use crate::records::{self, PostRecord};
use crate::site::Site;
use byline_core::Author;
use byline_core::members::TierKind;
use byline_store::{ArticleFacts, Store};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use std::collections::HashMap;

pub(crate) async fn posts(
    store: &Store,
    site: &Site,
    lookup: &Lookup,
    params: &Params,
    now: DateTime<Utc>,
) -> Result<Value, GhostError> {
    let facts = store.published_facts().await?;
    let terms = all_terms(store).await?;
    let authors: HashMap<i64, Author> =
        store.authors().await?.into_iter().map(|a| (a.id, a)).collect();
    let records: Vec<PostRecord> = facts
        .iter()
        .map(|f| PostRecord {
            kind: IdKind::Post,
            id: f.id,
            slug: f.slug.clone(),
            title: f.title.clone(),
            tags: f
                .term_ids
                .iter()
                .filter_map(|id| terms.get(id).map(|(t, _)| (*id, t.slug.clone())))
                .collect(),
            authors: f
                .author_ids
                .iter()
                .filter_map(|id| authors.get(id).map(|a| (*id, a.slug.clone())))
                .collect(),
            visibility: f.access.clone(),
            featured: f.featured,
            published_at: f.published_at,
            updated_at: f.modified_at,
            created_at: f.created_at,
        })
        .collect();
    let chosen =
        select(records, lookup, params, records::POST_FIELDS, &[("published_at", true)], now)?;
    let total = chosen.len();
    let ids: Vec<i64> = slice(chosen, lookup, params).into_iter().map(|r| r.id).collect();
    let articles = store.published_articles_by_id(&ids).await?;
    let by_id: HashMap<i64, &ArticleFacts> = facts.iter().map(|f| (f.id, f)).collect();
    let tiers = if params.includes("tiers") { store.tiers().await? } else { Vec::new() };
    let shape = Shape { html: params.html, plaintext: params.plaintext };
    let mut items = Vec::with_capacity(articles.len());
    for a in &articles {
        let Some(f) = by_id.get(&a.id) else { continue };
        let mut m = posts::post(site, a, f, shape);
        if params.includes("authors") {
            let list: Vec<Value> =
                a.authors.iter().map(|au| Value::Object(people::author(site, au, None))).collect();
            m.insert("primary_author".into(), list.first().cloned().unwrap_or(Value::Null));
            m.insert("authors".into(), Value::Array(list));
        }
        if params.includes("tags") {
            let list: Vec<Value> = f
                .term_ids
                .iter()
                .filter_map(|id| terms.get(id))
                .map(|(t, tax)| Value::Object(people::tag(site, t, tax, None)))
                .collect();
            m.insert("primary_tag".into(), list.first().cloned().unwrap_or(Value::Null));
            m.insert("tags".into(), Value::Array(list));
        }
        if params.includes("tiers") {
            let list: Vec<Value> = tiers
                .iter()
                .filter(|t| f.access != "paid" || t.kind == TierKind::Paid)
                .map(|t| Value::Object(people::tier(t)))
                .collect();
            m.insert("tiers".into(), Value::Array(list));
        }
        items.push(m);
    }
    finish(Resource::Posts, lookup, params, total, items)
}

pub(crate) async fn pages(
    store: &Store,
    site: &Site,
    lookup: &Lookup,
    params: &Params,
    now: DateTime<Utc>,
) -> Result<Value, GhostError> {
    let pages = store.pages().await?;
    let records: Vec<PostRecord> = pages
        .iter()
        .map(|p| PostRecord {
            kind: IdKind::Page,
            id: p.id,
            slug: p.slug.clone(),
            title: p.title.clone(),
            tags: Vec::new(),
            authors: Vec::new(),
            visibility: "public".into(),
            featured: false,
            published_at: Some(p.updated_at),
            updated_at: p.updated_at,
            created_at: p.updated_at,
        })
        .collect();
    let chosen = select(records, lookup, params, records::POST_FIELDS, &[("title", false)], now)?;
    let total = chosen.len();
    let by_id: HashMap<i64, &byline_core::Page> = pages.iter().map(|p| (p.id, p)).collect();
    let shape = Shape { html: params.html, plaintext: params.plaintext };
    let items = slice(chosen, lookup, params)
        .iter()
        .filter_map(|r| by_id.get(&r.id))
        .map(|p| {
            let mut m = posts::page(site, p, shape);
            if params.includes("authors") {
                m.insert("authors".into(), json!([]));
                m.insert("primary_author".into(), Value::Null);
            }
            if params.includes("tags") {
                m.insert("tags".into(), json!([]));
                m.insert("primary_tag".into(), Value::Null);
            }
            m
        })
        .collect();
    finish(Resource::Pages, lookup, params, total, items)
}
