//! Where an importer's records are written: into an open batch (many records in one
//! transaction, see [`byline_store::ImportBatch`]) or straight into the store, one
//! transaction each. The importers save posts in batches and fall back to one at a time for
//! the records of a batch that could not be committed, so that a failed commit loses none.

use byline_core::ArticleFields;
use byline_core::old_address::OldAddress;
use byline_core::{Page, PageInput};
use byline_store::{
    ArticleKey, ImportBatch, ImportedComment, Outcome, Recorded, Saved, Store, StoreError,
};

/// Posts saved in one transaction: enough that committing costs little per post, few enough
/// that the posts kept for a retry take little memory.
pub(crate) const BATCH: usize = 250;

/// Where a record is written.
pub(crate) enum Writer<'a> {
    /// Each write in its own transaction.
    Store(&'a Store),
    /// Into the open batch.
    Batch(&'a mut ImportBatch),
}

impl Writer<'_> {
    pub async fn save_article(
        &mut self,
        fields: &ArticleFields,
        import_key: Option<&str>,
    ) -> Result<Saved<ArticleKey>, StoreError> {
        match self {
            Writer::Store(s) => s.save_article(fields, import_key).await,
            Writer::Batch(b) => b.save_article(fields, import_key).await,
        }
    }

    pub async fn save_page(&mut self, input: &PageInput) -> Result<Saved<Page>, StoreError> {
        match self {
            Writer::Store(s) => s.save_page(input).await,
            Writer::Batch(b) => b.save_page(input).await,
        }
    }

    pub async fn record_old_addresses(
        &mut self,
        source: &str,
        addresses: &[OldAddress],
    ) -> Result<Recorded, StoreError> {
        match self {
            Writer::Store(s) => s.record_old_addresses(source, addresses).await,
            Writer::Batch(b) => b.record_old_addresses(source, addresses).await,
        }
    }

    pub async fn set_article_labels(
        &mut self,
        article_id: i64,
        labels: &[String],
    ) -> Result<Outcome, StoreError> {
        match self {
            Writer::Store(s) => s.set_article_labels(article_id, labels).await,
            Writer::Batch(b) => b.set_article_labels(article_id, labels).await,
        }
    }

    pub async fn import_comments(
        &mut self,
        article_id: i64,
        comments: &[ImportedComment],
    ) -> Result<Recorded, StoreError> {
        match self {
            Writer::Store(s) => s.import_comments(article_id, comments).await,
            Writer::Batch(b) => b.import_comments(article_id, comments).await,
        }
    }

    /// Is this an open batch (whose writes others see only once it commits)?
    pub fn batched(&self) -> bool {
        matches!(self, Writer::Batch(_))
    }
}

/// An open batch with what an importer needs to redo it record by record if its commit
/// fails: the records it holds, and the importer's state (its report) from before them.
pub(crate) struct Open<R, S> {
    pub batch: ImportBatch,
    pub records: Vec<R>,
    pub before: S,
}

impl<R, S> Open<R, S> {
    /// Opens a batch on `store`, keeping `before` for a retry; `None`, with the reason in the
    /// log, when none can be opened (the records are then saved on their own).
    pub async fn begin(store: &Store, before: S) -> Option<Self> {
        match store.import_batch().await {
            Ok(batch) => Some(Open { batch, records: Vec::new(), before }),
            Err(e) => {
                tracing::warn!(
                    "saving the next posts one at a time: no batch could be opened ({e})"
                );
                None
            }
        }
    }
}
