//! What changed, for caches: every write records the cache tags of the public pages it
//! touched, and servers poll for new records (see `byline_web::cache`). On PostgreSQL the
//! write also notifies the [`CHANNEL`] from its transaction (delivered when it commits), so
//! processes that listen ([`Store::listen_for_changes`]) read the log at once.
//!
//! Tags: `site` (the page frame: publication, taxonomies, terms, pages; every page has it),
//! `list` (lists of all articles: home, site feeds, sitemaps, taxonomy indexes),
//! `article:ID`, `author:ID`, `term:ID`; `draft:ID` for a change to an article no reader
//! sees (a draft, scheduled or in review): no page shows it, but the newsroom's search
//! follows it.

use crate::entity::change_log as row;
use crate::{Store, StoreError};
use chrono::{Duration, Utc};
use sea_orm::sqlx::postgres::PgListener;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};

/// The PostgreSQL notification channel a write notifies when it logs tags.
pub const CHANNEL: &str = "byline_changes";

pub const SITE: &str = "site";
pub const LIST: &str = "list";

pub fn article(id: i64) -> String {
    format!("article:{id}")
}
pub fn draft(id: i64) -> String {
    format!("draft:{id}")
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
    if db.get_database_backend() == DbBackend::Postgres {
        db.execute_unprepared(&format!("NOTIFY {CHANNEL}")).await?;
    }
    Ok(())
}

/// Notifications that a process logged changes (PostgreSQL only): each means "read the log".
pub struct ChangeListener(PgListener);

impl std::fmt::Debug for ChangeListener {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ChangeListener")
    }
}

impl ChangeListener {
    /// Waits for the next notification. The connection is re-opened by itself when lost
    /// (notifications sent meanwhile are missed: keep polling as well).
    pub async fn next(&mut self) -> Result<(), StoreError> {
        self.0.recv().await.map(|_| ()).map_err(sqlx_error)
    }
}

fn sqlx_error(e: sea_orm::sqlx::Error) -> StoreError {
    StoreError::Database(sea_orm::DbErr::Conn(sea_orm::RuntimeErr::SqlxError(e.into())))
}

/// How long a missing change id may still be an open transaction's (see
/// [`Store::changes_since`]). Byline's write transactions last milliseconds.
pub const GAP_GRACE: Duration = Duration::seconds(30);

/// Changes a poller has not seen yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Changes {
    /// Pass this to the next call.
    pub cursor: i64,
    pub tags: Vec<String>,
}

impl Store {
    /// Listens for other writers' notifications on its own connection; `None` on SQLite,
    /// where only polling tells (its writers share one machine and one file).
    pub async fn listen_for_changes(&self) -> Result<Option<ChangeListener>, StoreError> {
        if self.backend() != crate::Backend::Postgres {
            return Ok(None);
        }
        let pool = self.db().get_postgres_connection_pool();
        let mut listener = PgListener::connect_with(pool).await.map_err(sqlx_error)?;
        listener.listen(CHANNEL).await.map_err(sqlx_error)?;
        Ok(Some(ChangeListener(listener)))
    }

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
    ///
    /// On PostgreSQL a change's id is handed out when it is written, not when it commits, so
    /// a lower id can become visible after a higher one has been read. The cursor therefore
    /// stops before the first missing id as long as the change after it is recent (a
    /// transaction still open), and later calls read those changes again; a gap older than
    /// [`GAP_GRACE`] is a rolled-back write and is passed. Changes past the gap are reported
    /// each time until then, which only drops their pages again.
    pub async fn changes_since(&self, cursor: i64) -> Result<Changes, StoreError> {
        let rows = row::Entity::find()
            .filter(row::Column::Id.gt(cursor))
            .order_by_asc(row::Column::Id)
            .limit(10_000)
            .all(self.db())
            .await?;
        let recent = Utc::now() - GAP_GRACE;
        let mut settled = cursor;
        for r in &rows {
            if r.id != settled + 1 && r.at > recent {
                break;
            }
            settled = r.id;
        }
        let cursor = settled;
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
