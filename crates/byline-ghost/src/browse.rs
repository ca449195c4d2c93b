//! What every list read shares: the resources and lookups, the filter and order applied
//! to records, one page of them, Ghost's envelope and `meta.pagination`, `fields`.

use crate::GhostError;
use crate::nql::{self, Filter, Record};
use crate::params::Params;
use crate::records::{self, Fields};
use byline_core::taxonomy::Term;
use byline_store::{Store, StoreError};
use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};
use std::collections::HashMap;

/// The resources that are lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    Posts,
    Pages,
    Authors,
    Tags,
    Tiers,
    Newsletters,
}

impl Resource {
    pub fn parse(s: &str) -> Option<Resource> {
        Some(match s {
            "posts" => Resource::Posts,
            "pages" => Resource::Pages,
            "authors" => Resource::Authors,
            "tags" => Resource::Tags,
            "tiers" => Resource::Tiers,
            "newsletters" => Resource::Newsletters,
            _ => return None,
        })
    }

    pub fn key(self) -> &'static str {
        match self {
            Resource::Posts => "posts",
            Resource::Pages => "pages",
            Resource::Authors => "authors",
            Resource::Tags => "tags",
            Resource::Tiers => "tiers",
            Resource::Newsletters => "newsletters",
        }
    }

    pub(crate) fn not_found(self) -> GhostError {
        GhostError::NotFound(match self {
            Resource::Posts => "Post",
            Resource::Pages => "Page",
            Resource::Authors => "Author",
            Resource::Tags => "Tag",
            Resource::Tiers => "Tier",
            Resource::Newsletters => "Newsletter",
        })
    }
}

/// A list, or one item by id or slug.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    Browse,
    Id(String),
    Slug(String),
}

impl From<StoreError> for GhostError {
    fn from(e: StoreError) -> Self {
        GhostError::Internal(e.to_string())
    }
}

/// Every term that appears as a tag, with its taxonomy's slug: the terms of the taxonomies
/// exposed to the Content API. Whatever is not here is no tag anywhere (lists, includes,
/// `primary_tag`, filters, the search index).
pub(crate) async fn all_terms(store: &Store) -> Result<HashMap<i64, (Term, String)>, StoreError> {
    let mut out = HashMap::new();
    for t in store.taxonomies().await?.into_iter().filter(|t| t.exposed) {
        for term in store.terms(t.id).await? {
            out.insert(term.id, (term, t.slug.clone()));
        }
    }
    Ok(out)
}

pub(crate) fn filter(
    params: &Params,
    fields: &Fields,
    now: DateTime<Utc>,
) -> Result<Option<Filter>, GhostError> {
    let Some(text) = &params.filter else { return Ok(None) };
    let expr = nql::parse(text)?;
    Ok(Some(nql::compile(&expr, fields, now)?))
}

/// Keeps what `filter` admits and the one `lookup` names, then orders.
pub(crate) fn select<R: Record>(
    mut records: Vec<R>,
    lookup: &Lookup,
    params: &Params,
    fields: &Fields,
    default_order: &[(&str, bool)],
    now: DateTime<Utc>,
) -> Result<Vec<R>, GhostError> {
    if let Some(f) = filter(params, fields, now)? {
        records.retain(|r| f.matches(r));
    }
    match lookup {
        Lookup::Browse => {}
        Lookup::Id(id) => {
            records.retain(|r| r.values("id").first() == Some(&nql::Atom::Text(id.to_lowercase())))
        }
        Lookup::Slug(s) => {
            records.retain(|r| r.values("slug").first() == Some(&nql::Atom::Text(s.clone())))
        }
    }
    let order: Vec<(String, bool)> = if params.order.is_empty() {
        default_order.iter().map(|(f, d)| ((*f).to_owned(), *d)).collect()
    } else {
        params.order.clone()
    };
    records::sort(&mut records, &order, fields)?;
    Ok(records)
}

/// One page of `items` (a single read takes the first).
pub(crate) fn slice<T>(items: Vec<T>, lookup: &Lookup, params: &Params) -> Vec<T> {
    if *lookup != Lookup::Browse {
        return items.into_iter().take(1).collect();
    }
    let skip = (params.page - 1).saturating_mul(params.limit);
    items
        .into_iter()
        .skip(usize::try_from(skip).unwrap_or(usize::MAX))
        .take(params.limit as usize)
        .collect()
}

pub(crate) fn meta(params: &Params, total: u64) -> Value {
    let pages = Ord::max(total.div_ceil(params.limit), 1);
    let page = params.page;
    json!({"pagination": {
        "page": page,
        "limit": params.limit,
        "pages": pages,
        "total": total,
        "next": if page < pages { json!(page + 1) } else { Value::Null },
        "prev": if page > 1 { json!(page - 1) } else { Value::Null },
    }})
}

/// `{"posts": [...], "meta": {...}}`; a single read has no `meta`.
pub(crate) fn envelope(
    resource: Resource,
    items: Vec<Map<String, Value>>,
    meta: Option<Value>,
) -> Value {
    let mut out = Map::new();
    out.insert(resource.key().into(), Value::Array(items.into_iter().map(Value::Object).collect()));
    if let Some(m) = meta {
        out.insert("meta".into(), m);
    }
    Value::Object(out)
}

/// Keeps only the keys `fields` names (includes asked for stay).
pub(crate) fn trim(mut m: Map<String, Value>, params: &Params) -> Map<String, Value> {
    if let Some(fields) = &params.fields {
        let include =
            |k: &str| params.include.iter().any(|i| i == k || i.split('.').next() == Some(k));
        m.retain(|k, _| fields.iter().any(|f| f == k) || include(k));
    }
    m
}

pub(crate) fn finish(
    resource: Resource,
    lookup: &Lookup,
    params: &Params,
    total: usize,
    items: Vec<Map<String, Value>>,
) -> Result<Value, GhostError> {
    if *lookup != Lookup::Browse && items.is_empty() {
        return Err(resource.not_found());
    }
    let items = items.into_iter().map(|m| trim(m, params)).collect();
    let meta = (*lookup == Lookup::Browse).then(|| meta(params, total as u64));
    Ok(envelope(resource, items, meta))
}
