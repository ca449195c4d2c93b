//! Authors, tags (every term of every taxonomy) and tiers: lists with `count.posts`
//! counted over published articles.

use crate::GhostError;
use crate::browse::{Lookup, Resource, all_terms, finish, select, slice};
use crate::ids::Kind as IdKind;
use crate::params::Params;
use crate::people;
use crate::records::{self, Fields, NamedRecord};
use crate::site::Site;
use byline_core::Author;
use byline_store::Store;
use chrono::{DateTime, Utc};
use serde_json::{Map, Value};
use std::collections::HashMap;

/// One read of a resource whose records are `records`, built by `build`.
struct Read<'a> {
    resource: Resource,
    lookup: &'a Lookup,
    params: &'a Params,
    now: DateTime<Utc>,
}

impl Read<'_> {
    fn answer(
        &self,
        records: Vec<NamedRecord>,
        fields: &Fields,
        order: &[(&str, bool)],
        build: impl Fn(&NamedRecord) -> Map<String, Value>,
    ) -> Result<Value, GhostError> {
        let chosen = select(records, self.lookup, self.params, fields, order, self.now)?;
        let total = chosen.len();
        let items = slice(chosen, self.lookup, self.params).iter().map(build).collect();
        finish(self.resource, self.lookup, self.params, total, items)
    }
}

/// How many published articles each author (or term) has.
async fn counts(store: &Store, authors: bool) -> Result<HashMap<i64, u64>, GhostError> {
    let mut counts: HashMap<i64, u64> = HashMap::new();
    for f in store.published_facts().await? {
        for id in if authors { f.author_ids } else { f.term_ids } {
            *counts.entry(id).or_default() += 1;
        }
    }
    Ok(counts)
}

pub(crate) async fn read(
    store: &Store,
    site: &Site,
    resource: Resource,
    lookup: &Lookup,
    params: &Params,
    now: DateTime<Utc>,
) -> Result<Value, GhostError> {
    let read = Read { resource, lookup, params, now };
    let counted = params.includes("count.posts");
    match resource {
        Resource::Authors => {
            let counts = counts(store, true).await?;
            let posts = |id: i64| counts.get(&id).copied().unwrap_or(0);
            let all: HashMap<i64, Author> =
                store.authors().await?.into_iter().map(|a| (a.id, a)).collect();
            let records = all
                .values()
                .map(|a| NamedRecord {
                    kind: IdKind::Author,
                    id: a.id,
                    slug: a.slug.clone(),
                    name: a.name.clone(),
                    posts: posts(a.id),
                    tier: None,
                })
                .collect();
            read.answer(records, records::AUTHOR_FIELDS, &[("name", false)], |r| {
                people::author(site, &all[&r.id], counted.then_some(r.posts))
            })
        }
        Resource::Tags => {
            let counts = counts(store, false).await?;
            let posts = |id: i64| counts.get(&id).copied().unwrap_or(0);
            let all = all_terms(store).await?;
            let records = all
                .values()
                .map(|(t, _)| NamedRecord {
                    kind: IdKind::Tag,
                    id: t.id,
                    slug: t.slug.clone(),
                    name: t.name.clone(),
                    posts: posts(t.id),
                    tier: None,
                })
                .collect();
            read.answer(records, records::TAG_FIELDS, &[("name", false)], |r| {
                let (t, taxonomy) = &all[&r.id];
                people::tag(site, t, taxonomy, counted.then_some(r.posts))
            })
        }
        _ => {
            let all = store.tiers().await?;
            let records = all
                .iter()
                .map(|t| NamedRecord {
                    kind: IdKind::Tier,
                    id: t.id,
                    slug: t.slug.clone(),
                    name: t.name.clone(),
                    posts: 0,
                    tier: Some((
                        t.kind.as_str().to_owned(),
                        (if t.visible { "public" } else { "none" }).to_owned(),
                        t.active,
                    )),
                })
                .collect();
            let by_id: HashMap<i64, &byline_core::members::Tier> =
                all.iter().map(|t| (t.id, t)).collect();
            read.answer(records, records::TIER_FIELDS, &[], |r| people::tier(by_id[&r.id]))
        }
    }
}
