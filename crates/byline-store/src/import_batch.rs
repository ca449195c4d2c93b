//! Importers' writes in batches: a few hundred records in one write transaction instead of one
//! transaction each, which is what an import of thousands of posts spends its time on.
//!
//! Each record is saved inside a savepoint of the batch: one that fails is rolled back alone,
//! with its error, and the records before and after it stay in the batch. The change log gets
//! one line for the whole batch, written as it commits. Authors, taxonomies and terms looked up
//! (or made) by one record are remembered for the next ones of the same batch.
//!
//! While a batch is open it holds the write lock (on SQLite), so the importer does every write
//! through it and commits it before writing any other way; others read what it wrote only
//! once it has committed.

use crate::article_labels::set_labels_in;
use crate::articles::save::save_in;
use crate::comments::imported::import_comments_in;
use crate::import_lookups::ImportLookups;
use crate::pages::save_page_in;
use crate::{
    ArticleKey, ImportedComment, Outcome, Recorded, Saved, Store, StoreError, changes,
    old_addresses,
};
use byline_core::old_address::OldAddress;
use byline_core::{ArticleFields, Page, PageInput};
use sea_orm::{DatabaseTransaction, TransactionTrait};
use std::collections::BTreeSet;

/// An open batch of importer writes: see the module's documentation. Dropped without
/// [`ImportBatch::commit`], everything in it is rolled back.
pub struct ImportBatch {
    txn: DatabaseTransaction,
    known: ImportLookups,
    /// The change log's tags of every record saved so far.
    tags: BTreeSet<String>,
    /// Records saved so far (failed ones not counted).
    saved: usize,
}

impl std::fmt::Debug for ImportBatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ImportBatch").field("saved", &self.saved).finish_non_exhaustive()
    }
}

impl Store {
    /// Opens a batch of importer writes: one write transaction, which on SQLite takes the
    /// write lock at once (see [`Store::write`]).
    pub async fn import_batch(&self) -> Result<ImportBatch, StoreError> {
        Ok(ImportBatch {
            txn: self.write().await?,
            known: ImportLookups::default(),
            tags: BTreeSet::new(),
            saved: 0,
        })
    }
}

impl ImportBatch {
    /// [`Store::save_article`] inside the batch.
    pub async fn save_article(
        &mut self,
        fields: &ArticleFields,
        import_key: Option<&str>,
    ) -> Result<Saved<ArticleKey>, StoreError> {
        let sp = self.txn.begin().await?;
        let mut tags = Vec::new();
        let done = save_in(&sp, fields, import_key, &mut self.known, &mut tags).await;
        self.settle(sp, done, tags).await
    }

    /// [`Store::save_page`] inside the batch.
    pub async fn save_page(&mut self, input: &PageInput) -> Result<Saved<Page>, StoreError> {
        let sp = self.txn.begin().await?;
        let mut tags = Vec::new();
        let done = save_page_in(&sp, input, &mut tags).await;
        self.settle(sp, done, tags).await
    }

    /// [`Store::record_old_addresses`] inside the batch.
    pub async fn record_old_addresses(
        &mut self,
        source: &str,
        addresses: &[OldAddress],
    ) -> Result<Recorded, StoreError> {
        if addresses.is_empty() {
            return Ok(Recorded::default());
        }
        let sp = self.txn.begin().await?;
        let done = old_addresses::record(&sp, source, addresses).await;
        self.settle(sp, done, Vec::new()).await
    }

    /// [`Store::set_article_labels`] inside the batch.
    pub async fn set_article_labels(
        &mut self,
        article_id: i64,
        labels: &[String],
    ) -> Result<Outcome, StoreError> {
        let sp = self.txn.begin().await?;
        let done = set_labels_in(&sp, article_id, labels).await;
        self.settle(sp, done, Vec::new()).await
    }

    /// [`Store::import_comments`] inside the batch.
    pub async fn import_comments(
        &mut self,
        article_id: i64,
        comments: &[ImportedComment],
    ) -> Result<Recorded, StoreError> {
        if comments.is_empty() {
            return Ok(Recorded::default());
        }
        let sp = self.txn.begin().await?;
        let mut tags = Vec::new();
        let done = import_comments_in(&sp, article_id, comments, &mut tags).await;
        self.settle(sp, done, tags).await
    }

    /// How many records were saved in the batch so far.
    pub fn saved(&self) -> usize {
        self.saved
    }

    /// Writes the batch's line of the change log and commits everything saved in it.
    pub async fn commit(self) -> Result<(), StoreError> {
        let tags: Vec<String> = self.tags.into_iter().collect();
        changes::log(&self.txn, &tags).await?;
        self.txn.commit().await?;
        Ok(())
    }

    /// Keeps what one record did (releasing its savepoint), or rolls it back alone.
    async fn settle<T>(
        &mut self,
        savepoint: DatabaseTransaction,
        done: Result<T, StoreError>,
        tags: Vec<String>,
    ) -> Result<T, StoreError> {
        match done {
            Ok(value) => {
                if let Err(e) = savepoint.commit().await {
                    self.known.clear();
                    return Err(e.into());
                }
                self.tags.extend(tags);
                self.saved += 1;
                Ok(value)
            }
            Err(e) => {
                // What the record looked up or made inside the savepoint is gone with it.
                self.known.clear();
                savepoint.rollback().await?;
                Err(e)
            }
        }
    }
}
