//! Answers to the Content API's reads: load what a resource needs from the store, filter
//! (NQL) and order in memory, take one page, build Ghost's objects and envelope. Posts are
//! filtered over their facts ([`byline_store::ArticleFacts`], no bodies) and only the page
//! asked for is loaded in full (`lists`); authors, tags and tiers in `named`.

use crate::GhostError;
use crate::ids::{self, Kind as IdKind};
use crate::params::Params;
use crate::site::{self, Site};
use crate::{lists, named};
use byline_store::Store;
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

pub use crate::browse::{Lookup, Resource};

/// The answer to `GET /ghost/api/content/{resource}/…`.
pub async fn read(
    store: &Store,
    site: &Site,
    resource: Resource,
    lookup: &Lookup,
    params: &Params,
    now: DateTime<Utc>,
) -> Result<Value, GhostError> {
    match resource {
        Resource::Posts => lists::posts(store, site, lookup, params, now).await,
        Resource::Pages => lists::pages(store, site, lookup, params, now).await,
        Resource::Newsletters => match lookup {
            Lookup::Browse => crate::newsletters::browse(store, params).await,
            _ => Err(resource.not_found()),
        },
        _ => named::read(store, site, resource, lookup, params, now).await,
    }
}

/// The `settings` answer (no pagination, `meta` empty as in Ghost).
pub async fn settings(store: &Store, site: &Site) -> Result<Value, GhostError> {
    let p = store.publication().await?;
    let pages = store.pages().await?;
    Ok(json!({ "settings": site::settings(site, &p, &pages), "meta": {} }))
}

/// An id in a URL, if it is one of ours for `resource`.
pub fn is_object_id(resource: Resource, id: &str) -> bool {
    let kind = match resource {
        Resource::Posts => IdKind::Post,
        Resource::Pages => IdKind::Page,
        Resource::Authors => IdKind::Author,
        Resource::Tags => IdKind::Tag,
        Resource::Tiers => IdKind::Tier,
        Resource::Newsletters => return false,
    };
    ids::byline_id(kind, &id.to_lowercase()).is_some()
}
