//! Posts and pages saved in batches ([`crate::batch::BATCH`] posts a transaction), each with
//! its old addresses and hidden labels. A post that fails is rolled back alone and reported as
//! before; a batch whose commit fails is redone post by post from the report as it was before
//! the batch, so no good post is lost with it. Everything else in an export (settings,
//! authors, tags, members, comments) is written before or after the posts, never while a
//! batch holds the write lock.

use super::Run;
use super::file::text;
use super::posts::PostsTo;
use crate::batch::{BATCH, Open, Writer};
use serde_json::{Map, Value};

impl<'a> Run<'a> {
    /// Saves one post or page: in the open batch (opening one when needed), or on its own.
    pub(crate) async fn post(&mut self, post: &'a Map<String, Value>, to: &PostsTo<'_>) {
        if self.dry_run || (self.open.is_none() && !self.batch_can_open().await) {
            let store = self.store;
            return self.write_post(post, to, &mut Writer::Store(store)).await;
        }
        let Some(mut open) = self.open.take() else {
            unreachable!("a batch is open: batch_can_open opened it, or it was open already")
        };
        open.records.push(post);
        self.write_post(post, to, &mut Writer::Batch(&mut open.batch)).await;
        let full = open.records.len() >= BATCH;
        self.open = Some(open);
        if full {
            self.end_batch(to).await;
        }
    }

    /// Opens a batch, keeping the report as it is now for a retry; false when none can be
    /// opened (the posts are then saved on their own, and say why if they fail too).
    async fn batch_can_open(&mut self) -> bool {
        self.open = Open::begin(self.store, self.report.clone()).await;
        self.open.is_some()
    }

    /// Commits the open batch with its posts' old addresses; if the commit fails, restores the
    /// report from before the batch and saves its posts again one by one.
    pub(crate) async fn end_batch(&mut self, to: &PostsTo<'_>) {
        let Some(mut open) = self.open.take() else { return };
        let pending = std::mem::take(&mut self.pending);
        self.record_addresses(&mut Writer::Batch(&mut open.batch), pending).await;
        let Err(e) = open.batch.commit().await else { return };
        self.report = open.before;
        for post in &open.records {
            // Their articles are gone with the batch; the retry says what they became.
            if let Some(id) = text(post, "id") {
                self.article_ids.remove(&id);
            }
        }
        let n = open.records.len();
        if let Some(first) = open.records.first() {
            let why = format!(
                "the {n} posts from this one on could not be saved together ({e}); saved one by one"
            );
            self.report.warnings.push(self.export.record_problem("posts", first, why));
        }
        let store = self.store;
        for post in open.records {
            self.write_post(post, to, &mut Writer::Store(store)).await;
        }
    }
}
