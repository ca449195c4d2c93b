//! Byline's persistence: one schema, one set of entities and queries, over SQLite (embedded,
//! the default) and PostgreSQL (for several nodes sharing one database). The backend is chosen
//! at run time from the database URL.
//!
//! This is the only crate that knows SQL. It speaks `byline_core` types to everyone else and
//! must not depend on HTTP, rendering or importers.

mod api_tokens;
mod article_labels;
mod articles;
mod audit;
mod authors;
pub mod changes;
mod comments;
mod contact;
mod corrections;
mod entity;
mod error;
mod import_batch;
mod import_lookups;
mod integrations;
mod jobs;
mod media;
mod members;
mod migration;
mod newsletters;
mod old_addresses;
mod pages;
mod publication;
mod republications;
mod slug_redirects;
mod spam;
mod staff;
mod taxonomies;
#[cfg(feature = "testing")]
pub mod testing;
pub mod transfer;
mod webhooks;

pub use api_tokens::{NewApiToken, TokenListing};
pub use articles::IndexedArticle;
pub use articles::{ArticleFacts, ArticleFilter, ArticleKey, EditError};
pub use authors::AuthorListing;
pub use comments::{
    Ban, CommentQueue, CommentRefused, Commenter, ConfirmRefused, ConfirmedComment,
    ImportedComment, MintedConfirmation, ModerationAction, NewComment, NewGuestComment,
    QueuedComment, ReplyNotice, StaffReply,
};
pub use contact::{CONTACT_LIMITS, ContactOutcome, InboxFilter};
pub use corrections::CORRECTIONS_TAG;
pub use error::StoreError;
pub use import_batch::ImportBatch;
pub use integrations::{INTEGRATIONS_TAG, NewIntegration};
pub use members::{
    CheckoutCompleted, Handled, InvoiceState, StripeEventId, SubscriptionState, TierPrices,
};
pub use members::{IMPORT_COMP_TIER, ImportOutcome, ImportedMember};
pub use members::{
    Joined, LIMIT_WINDOW, LINK_VALID_FOR, LINKS_PER_CLIENT, LINKS_PER_EMAIL, LinkAsked,
    LinkPurpose, LinkRefusal, LinkRequest, MemberEvent, MintedLink, SignedIn,
};
pub use newsletters::{ClaimedRecipient, Failure, NEWSLETTERS_TAG, NewSend, SEND_JOBS, Tracked};
pub use old_addresses::{Destination, OldAddressRecord, Recorded};
pub use republications::CopyViews;
pub use slug_redirects::SlugOf;
pub use spam::{FormLimits, Gate};
pub use staff::{
    AccountError, Invitation, OneTime, Purpose, ResetLink, SignInStep, TwoFactorState,
};
pub use taxonomies::TaxonomyUsage;
pub use taxonomies::terms::TermContext;
pub use webhooks::{Attempt, DeliveryWork};

use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction,
    SqliteTransactionMode, TransactionOptions, TransactionTrait,
};
use sea_orm_migration::MigratorTrait;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Which database a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// What saving something did: made it, changed it, or found it already as given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Created,
    Updated,
    Unchanged,
}

/// A saved value and what saving it did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Saved<T> {
    pub value: T,
    pub outcome: Outcome,
}

/// One page of a longer list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paged<T> {
    pub items: Vec<T>,
    /// 1-based.
    pub page: u64,
    pub per_page: u64,
    pub total: u64,
}

impl<T> Paged<T> {
    /// How many pages the whole list takes (at least one, even when empty).
    pub fn pages(&self) -> u64 {
        Ord::max(self.total.div_ceil(Ord::max(self.per_page, 1)), 1)
    }
}

/// A handle on a publication's database. Cheap to clone; clones share one connection pool.
#[derive(Clone)]
pub struct Store {
    db: DatabaseConnection,
    backend: Backend,
    statements: Arc<AtomicU64>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("backend", &self.backend).finish_non_exhaustive()
    }
}

impl Store {
    /// Connects to `sqlite://path?mode=rwc` or `postgres://…`. Migrations are not run here:
    /// call [`Store::migrate`].
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else {
            return Err(StoreError::UnsupportedUrl(error::redact_url(url)));
        };
        if backend == Backend::Postgres {
            probe_postgres(url).await?;
        }
        let mut opts = ConnectOptions::new(url);
        opts.sqlx_logging(false).connect_timeout(Duration::from_secs(5));
        match backend {
            Backend::Sqlite => {
                // WAL lets readers go on while one writer writes; a busy writer waits rather
                // than failing at once. Each connection is a thread: twice the cores measured
                // best (an article page, cache off, on 2 cores: 2 → 2.6k, 4 → 4.6k, 8 → 3.9k
                // requests/s).
                let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
                opts.max_connections((cores as u32 * 2).clamp(2, 16))
                    .min_connections(1)
                    .map_sqlx_sqlite_opts(|o| {
                        o.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                            .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
                            .foreign_keys(true)
                            .busy_timeout(Duration::from_secs(10))
                    });
            }
            Backend::Postgres => {
                opts.max_connections(16)
                    .min_connections(1)
                    .acquire_timeout(Duration::from_secs(10));
            }
        }
        let mut db = Database::connect(opts).await.map_err(|e| StoreError::Unreachable {
            url: error::redact_url(url),
            reason: error::connect_reason(&e),
        })?;
        let statements = Arc::new(AtomicU64::new(0));
        let counter = statements.clone();
        db.set_metric_callback(move |_| {
            counter.fetch_add(1, Ordering::Relaxed);
        });
        Ok(Self { db, backend, statements })
    }

    /// Brings the schema up to date. Safe to run any number of times, and from several nodes
    /// at once: a node that loses the race to apply a migration sees it applied and goes on.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        if self.backend == Backend::Postgres {
            // One node at a time: the first takes a lock held for its transaction, the others
            // wait for it and then find every migration applied. The migrations themselves
            // run on other connections of the pool.
            let lock = self.db.begin().await.map_err(StoreError::Migration)?;
            lock.execute_unprepared("SELECT pg_advisory_xact_lock(7305202611270001)")
                .await
                .map_err(StoreError::Migration)?;
            let done = self.migrate_with_retries().await;
            lock.commit().await.map_err(StoreError::Migration)?;
            return done;
        }
        self.migrate_with_retries().await
    }

    /// Applies what is missing; a node that loses a race (SQLite files shared by processes)
    /// retries after a random pause, so that it does not race again on the next migration.
    async fn migrate_with_retries(&self) -> Result<(), StoreError> {
        for attempt in 1.. {
            match migration::Migrator::up(&self.db, None).await {
                Ok(()) => return Ok(()),
                Err(e) if attempt < 6 => {
                    tracing::warn!(error = %e, "migration failed; retrying in case another node ran it");
                    let jitter = u64::from(
                        std::time::SystemTime::now()
                            .duration_since(std::time::UNIX_EPOCH)
                            .map_or(0, |d| d.subsec_nanos())
                            % 400,
                    );
                    tokio::time::sleep(Duration::from_millis(100 + jitter)).await;
                }
                Err(e) => return Err(StoreError::Migration(e)),
            }
        }
        unreachable!("the loop returns")
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// How many SQL statements this store (and its clones) has run since it connected.
    /// Tests use it to pin the number of queries a page costs.
    pub fn statements_run(&self) -> u64 {
        self.statements.load(Ordering::Relaxed)
    }

    /// Is the publication still empty (no articles, authors or pages)? Used to decide whether
    /// to load the demo content on first start.
    pub async fn is_empty(&self) -> Result<bool, StoreError> {
        let row = self
            .db
            .query_one_raw(sea_orm::Statement::from_string(
                self.db.get_database_backend(),
                "SELECT (SELECT COUNT(*) FROM article) + (SELECT COUNT(*) FROM author) \
                 + (SELECT COUNT(*) FROM page) AS n",
            ))
            .await?
            .ok_or(StoreError::NotFound { what: "row count", key: String::new() })?;
        let n: i64 = row.try_get("", "n")?;
        Ok(n == 0)
    }

    pub(crate) fn db(&self) -> &DatabaseConnection {
        &self.db
    }

    /// Starts a write transaction: every writer that reads before it writes goes through here.
    ///
    /// On SQLite it takes the write lock at once (`BEGIN IMMEDIATE`), so concurrent writers
    /// wait their turn for up to the busy timeout. A deferred transaction that reads first
    /// cannot upgrade to a writer once another has written, and fails at once with "database
    /// is locked" whatever the timeout. On PostgreSQL it is an ordinary transaction.
    pub(crate) async fn write(&self) -> Result<DatabaseTransaction, StoreError> {
        let options = TransactionOptions {
            sqlite_transaction_mode: (self.backend == Backend::Sqlite)
                .then_some(SqliteTransactionMode::Immediate),
            ..Default::default()
        };
        Ok(self.db.begin_with_options(options).await?)
    }
}

/// One direct connection before the pool is built: a pool that cannot connect only says it
/// timed out, while this says why (refused, bad password, no such database).
async fn probe_postgres(url: &str) -> Result<(), StoreError> {
    use sea_orm::sqlx::Connection;
    let unreachable =
        |reason: String| StoreError::Unreachable { url: error::redact_url(url), reason };
    match tokio::time::timeout(
        Duration::from_secs(5),
        sea_orm::sqlx::postgres::PgConnection::connect(url),
    )
    .await
    {
        Ok(Ok(conn)) => {
            let _ = conn.close().await;
            Ok(())
        }
        Ok(Err(e)) => Err(unreachable(error::clean_reason(&e.to_string()))),
        Err(_) => Err(unreachable("no answer within 5 seconds".into())),
    }
}

/// Writes a whole row: inserts it when `insert_without` names the primary-key column to leave
/// to the database, otherwise overwrites the row with the same key.
pub(crate) async fn write_row<M>(
    db: &impl ConnectionTrait,
    model: M,
    insert_without: Option<<M::Entity as sea_orm::EntityTrait>::Column>,
) -> Result<M, sea_orm::DbErr>
where
    M: sea_orm::ModelTrait
        + sea_orm::IntoActiveModel<<M::Entity as sea_orm::EntityTrait>::ActiveModel>,
    M::Entity: sea_orm::EntityTrait<Model = M>,
    <M::Entity as sea_orm::EntityTrait>::ActiveModel: Send,
{
    use sea_orm::ActiveModelTrait;
    let mut am = model.into_active_model().reset_all();
    match insert_without {
        Some(pk) => {
            am.not_set(pk);
            am.insert(db).await
        }
        None => am.update(db).await,
    }
}
