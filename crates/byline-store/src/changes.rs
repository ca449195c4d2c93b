//! What changed, for caches: every write records the cache tags of the public pages it
//! touched, and servers poll for new records (see `byline_web::cache`).
//!
//! Tags: `site` (the page frame: publication, taxonomies, terms, pages; every page has it),
//! `list` (lists of all articles: home, site feeds, sitemaps, taxonomy indexes),
//! `article:ID`, `author:ID`, `term:ID`.

use crate::entity::change_log as row;
use crate::{Store, StoreError};
use chrono::{Duration, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

pub const SITE: &str = "site";
pub const LIST: &str = "list";

pub fn article(id: i64) -> String {
    format!("article:{id}")
}
pub fn author(id: i64) -> String {
    format!("author:{id}")
}
pub fn term(id: i64) -> String {
    format!("term:{id}")
}

/// Records that a write touched these tags (in the writer's transaction, when it has one).
pub(crate) async fn log(db: &impl ConnectionTrait, tags: &[String]) -> Result<(), StoreError> {
    if tags.is_empty() {
        return Ok(());
    }
    let mut tags = tags.to_vec();
    tags.sort();
    tags.dedup();
    row::Entity::insert(row::ActiveModel {
        tags: Set(tags.join(" ")),
        at: Set(Utc::now()),
        ..Default::default()
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Changes a poller has not seen yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Changes {
    /// Pass this to the next call.
    pub cursor: i64,
    pub tags: Vec<String>,
}

impl Store {
    /// The newest change's position: a poller starting now begins here.
    pub async fn change_cursor(&self) -> Result<i64, StoreError> {
        let last: Option<i64> = row::Entity::find()
            .select_only()
            .column(row::Column::Id)
            .order_by_desc(row::Column::Id)
            .into_tuple()
            .one(self.db())
            .await?;
        Ok(last.unwrap_or(0))
    }

    /// The tags written after `cursor`, and the new cursor.
    pub async fn changes_since(&self, cursor: i64) -> Result<Changes, StoreError> {
        let rows = row::Entity::find()
            .filter(row::Column::Id.gt(cursor))
            .order_by_asc(row::Column::Id)
            .limit(10_000)
            .all(self.db())
            .await?;
        let cursor = rows.last().map_or(cursor, |r| r.id);
        let mut tags: Vec<String> =
            rows.iter().flat_map(|r| r.tags.split(' ').map(str::to_owned)).collect();
        tags.sort();
        tags.dedup();
        Ok(Changes { cursor, tags })
    }

    /// Forgets changes older than a day; pollers lag by seconds, not days.
    pub async fn prune_changes(&self) -> Result<u64, StoreError> {
        let res = row::Entity::delete_many()
            .filter(row::Column::At.lt(Utc::now() - Duration::days(1)))
            .exec(self.db())
            .await?;
        Ok(res.rows_affected)
    }
}
