//! Old addresses brought by imported sites: each normalised path (and query, such as
//! `p=123`) leads to an article, page, author or term by id, or to a feed of one, so a
//! rename later still leads to the right place. Importers record them idempotently
//! ([`Store::record_old_addresses`]); the public site looks one up only for a GET that
//! would otherwise be not found (and for the home page with a query), so a live page always
//! wins; the admin lists and deletes them; exports read them all.

use crate::entity::{article, author, old_address as row, page, taxonomy, term};
use crate::{Paged, Store, StoreError, audit};
use byline_core::ArticleStatus;
use byline_core::audit::{Actor, AuditRecord};
use byline_core::old_address::{AddressTarget, OldAddress, lookup_keys};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder,
};
use std::collections::HashMap;

/// One kept old address, as the admin and exports see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OldAddressRecord {
    pub id: i64,
    pub address: OldAddress,
    /// The importer that recorded it (`wordpress`, `ghost`, `hugo` …).
    pub source: String,
    pub created_at: DateTime<Utc>,
}

/// Where an old address leads now, by the current slugs (the web crate makes the URL).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    Home,
    SiteFeed,
    Article(String),
    Page(String),
    Author(String),
    AuthorFeed(String),
    /// Taxonomy slug, term slug.
    Term(String, String),
    TermFeed(String, String),
}

/// What recording a batch of old addresses did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Recorded {
    pub created: u64,
    /// Addresses already kept that now lead somewhere else.
    pub updated: u64,
    pub unchanged: u64,
}

fn from_row(m: row::Model) -> Option<OldAddressRecord> {
    let target = AddressTarget::from_parts(&m.target_kind, m.target_id)?;
    Some(OldAddressRecord {
        id: m.id,
        address: OldAddress { path: m.path, query: m.query, target },
        source: m.source,
        created_at: m.created_at,
    })
}

impl Store {
    /// Keeps `addresses` (recorded by the importer named `source`) in one transaction: a
    /// new one is added, one already kept is pointed at its (possibly new) target, so
    /// importing the same site twice changes nothing.
    pub async fn record_old_addresses(
        &self,
        source: &str,
        addresses: &[OldAddress],
    ) -> Result<Recorded, StoreError> {
        let txn = self.write().await?;
        let done = record(&txn, source, addresses).await?;
        txn.commit().await?;
        Ok(done)
    }

    /// Where the request for `path` (as the client sent it, percent-escapes and all) and
    /// `query` leads: the best-matching kept address (whole query, then each pair, then
    /// none) whose target is still there for readers. `NotFound` otherwise.
    pub async fn old_address_destination(
        &self,
        path: &str,
        query: Option<&str>,
    ) -> Result<Destination, StoreError> {
        let missing = || StoreError::not_found("old address", path);
        let keys = lookup_keys(path, query).ok_or_else(missing)?;
        let rows = row::Entity::find()
            .filter(row::Column::Path.eq(keys[0].0.clone()))
            .filter(row::Column::Query.is_in(keys.iter().map(|(_, q)| q.clone())))
            .all(self.db())
            .await?;
        for (_, q) in &keys {
            let Some(r) = rows.iter().find(|r| &r.query == q) else { continue };
            let Some(t) = AddressTarget::from_parts(&r.target_kind, r.target_id) else {
                continue;
            };
            if let Some(d) = destination(self.db(), t).await? {
                return Ok(d);
            }
        }
        Err(missing())
    }

    /// Where `target` is now, if it is there for readers.
    pub async fn address_destination(
        &self,
        target: AddressTarget,
    ) -> Result<Option<Destination>, StoreError> {
        destination(self.db(), target).await
    }

    /// One page of kept old addresses, ordered by address.
    pub async fn old_addresses(
        &self,
        page: u64,
        per_page: u64,
    ) -> Result<Paged<OldAddressRecord>, StoreError> {
        let page = page.max(1);
        let q =
            row::Entity::find().order_by_asc(row::Column::Path).order_by_asc(row::Column::Query);
        let total = q.clone().count(self.db()).await?;
        let rows = q.paginate(self.db(), per_page.max(1)).fetch_page(page - 1).await?;
        Ok(Paged { items: rows.into_iter().filter_map(from_row).collect(), page, per_page, total })
    }

    /// Every kept old address, ordered by address (for exports).
    pub async fn all_old_addresses(&self) -> Result<Vec<OldAddressRecord>, StoreError> {
        let rows = row::Entity::find()
            .order_by_asc(row::Column::Path)
            .order_by_asc(row::Column::Query)
            .all(self.db())
            .await?;
        Ok(rows.into_iter().filter_map(from_row).collect())
    }

    /// Forgets one old address (it answers not found from now on); audited.
    pub async fn delete_old_address(&self, actor: &Actor, id: i64) -> Result<(), StoreError> {
        let txn = self.write().await?;
        let r = row::Entity::find_by_id(id)
            .one(&txn)
            .await?
            .ok_or_else(|| StoreError::not_found("old address", id.to_string()))?;
        let shown =
            if r.query.is_empty() { r.path.clone() } else { format!("{}?{}", r.path, r.query) };
        row::Entity::delete_by_id(id).exec(&txn).await?;
        let rec = AuditRecord::new("old_address.delete", format!("old address {id} “{shown}”"))
            .detail(format!("led to {} {}", r.target_kind, r.target_id.unwrap_or_default()));
        audit::write(&txn, actor, &rec).await?;
        txn.commit().await?;
        Ok(())
    }
}

/// How many addresses one query looks up, and one statement inserts.
const CHUNK: usize = 200;

/// An address's row as [`record`] finds it: its id (none for a row still to insert), target
/// kind and target id.
type Kept = (Option<i64>, String, Option<i64>);

/// Records `addresses` in the caller's transaction (for importers that save items and their
/// old addresses together): what is kept already is read a chunk at a time, new addresses are
/// inserted a chunk at a time, and only an address that now leads elsewhere is updated alone.
pub(crate) async fn record(
    db: &impl ConnectionTrait,
    source: &str,
    addresses: &[OldAddress],
) -> Result<Recorded, StoreError> {
    let mut done = Recorded::default();
    let mut keys: Vec<(&str, &str)> =
        addresses.iter().map(|a| (a.path.as_str(), a.query.as_str())).collect();
    keys.sort_unstable();
    keys.dedup();
    let mut kept: HashMap<(String, String), Kept> = HashMap::new();
    for chunk in keys.chunks(CHUNK) {
        // Rows whose path is one of these and query one of these: a few more than asked for
        // at most, picked out below.
        let rows = row::Entity::find()
            .filter(row::Column::Path.is_in(chunk.iter().map(|(p, _)| p.to_string())))
            .filter(row::Column::Query.is_in(chunk.iter().map(|(_, q)| q.to_string())))
            .all(db)
            .await?;
        for r in rows {
            kept.insert((r.path, r.query), (Some(r.id), r.target_kind, r.target_id));
        }
    }
    let mut new: Vec<(String, String)> = Vec::new();
    for a in addresses {
        let (kind, id) = (a.target.kind().to_owned(), a.target.id());
        let key = (a.path.clone(), a.query.clone());
        match kept.get_mut(&key) {
            Some((_, k, i)) if *k == kind && *i == id => done.unchanged += 1,
            Some((row_id, k, i)) => {
                if let Some(row_id) = *row_id {
                    row::Entity::update_many()
                        .col_expr(row::Column::TargetKind, Expr::value(kind.clone()))
                        .col_expr(row::Column::TargetId, Expr::value(id))
                        .col_expr(row::Column::Source, Expr::value(source))
                        .filter(row::Column::Id.eq(row_id))
                        .exec(db)
                        .await?;
                }
                (*k, *i) = (kind, id);
                done.updated += 1;
            }
            None => {
                kept.insert(key.clone(), (None, kind, id));
                new.push(key);
                done.created += 1;
            }
        }
    }
    let now = Utc::now();
    for chunk in new.chunks(CHUNK) {
        let rows = chunk.iter().map(|(path, query)| {
            let (_, kind, id) = &kept[&(path.clone(), query.clone())];
            row::ActiveModel {
                path: Set(path.clone()),
                query: Set(query.clone()),
                target_kind: Set(kind.clone()),
                target_id: Set(*id),
                source: Set(source.to_owned()),
                created_at: Set(now),
                ..Default::default()
            }
        });
        row::Entity::insert_many(rows).exec_without_returning(db).await?;
    }
    Ok(done)
}

/// Where `target` is now, if it is there for readers (an article only while published).
async fn destination(
    db: &impl ConnectionTrait,
    target: AddressTarget,
) -> Result<Option<Destination>, StoreError> {
    let published = ArticleStatus::Published.as_str();
    Ok(match target {
        AddressTarget::Home => Some(Destination::Home),
        AddressTarget::SiteFeed => Some(Destination::SiteFeed),
        AddressTarget::Article(id) => article::Entity::find_by_id(id)
            .filter(article::Column::Status.eq(published))
            .one(db)
            .await?
            .map(|a| Destination::Article(a.slug)),
        AddressTarget::Page(id) => {
            page::Entity::find_by_id(id).one(db).await?.map(|p| Destination::Page(p.slug))
        }
        AddressTarget::Author(id) => {
            author::Entity::find_by_id(id).one(db).await?.map(|a| Destination::Author(a.slug))
        }
        AddressTarget::AuthorFeed(id) => {
            author::Entity::find_by_id(id).one(db).await?.map(|a| Destination::AuthorFeed(a.slug))
        }
        AddressTarget::Term(id) | AddressTarget::TermFeed(id) => {
            let Some(t) = term::Entity::find_by_id(id).one(db).await? else { return Ok(None) };
            let Some(x) = taxonomy::Entity::find_by_id(t.taxonomy_id).one(db).await? else {
                return Ok(None);
            };
            Some(match target {
                AddressTarget::Term(_) => Destination::Term(x.slug, t.slug),
                _ => Destination::TermFeed(x.slug, t.slug),
            })
        }
    })
}
