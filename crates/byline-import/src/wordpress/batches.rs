//! Posts and pages saved in batches ([`crate::batch::BATCH`] items a transaction), each with
//! its old addresses and comments. A post that fails is rolled back alone and reported as
//! before; a batch whose commit fails is redone item by item from the report as it was before
//! the batch, so no good post is lost with it.
//!
//! A batch holds the write lock, so whatever is written another way (authors, terms, and the
//! terms a post names that the channel did not declare) is written with no batch open: the
//! open one is committed first, and such a post is saved on its own.

use super::items::Run;
use super::people::kept_taxonomy;
use super::records::WpItem;
use super::report::WxrReport;
use crate::batch::{BATCH, Open, Writer};
use crate::report::Problem;

impl Run<'_> {
    /// Saves one item of the file: in the open batch (opening one when needed), or on its own.
    pub async fn item(&mut self, it: WpItem, report: &mut WxrReport) {
        let writes = matches!(it.post_type.as_str(), "post" | "page");
        let alone = self.options.dry_run
            || self.one_by_one
            || (it.post_type == "post" && self.makes_terms(&it));
        if alone
            || (!writes && self.open.is_none())
            || (self.open.is_none() && !self.batch_can_open(report).await)
        {
            self.end_batch(report).await;
            let store = self.store;
            return self.write_item(it, &mut Writer::Store(store), report).await;
        }
        let Some(mut open) = self.open.take() else {
            unreachable!("a batch is open: batch_can_open opened it, or it was open already")
        };
        // Every item the batch has seen, so that a retry redoes the report in file order.
        open.records.push(it.clone());
        self.write_item(it, &mut Writer::Batch(&mut open.batch), report).await;
        let full = open.records.len() >= BATCH;
        self.open = Some(open);
        if full {
            self.end_batch(report).await;
        }
    }

    /// Opens a batch, keeping the report as it is now for a retry; false when none can be
    /// opened (the items are then saved on their own, and say why if they fail too).
    async fn batch_can_open(&mut self, report: &mut WxrReport) -> bool {
        // Old addresses of what was saved before go in on their own, not with this batch.
        self.flush(report).await;
        let before = (report.clone(), self.other_types.clone());
        self.open = Open::begin(self.store, before).await;
        self.open.is_some()
    }

    /// Does the post name a term the channel did not declare, which must be made first?
    fn makes_terms(&self, it: &WpItem) -> bool {
        it.terms.iter().any(|t| {
            kept_taxonomy(&t.taxonomy)
                && !self.terms.contains_key(&(t.taxonomy.clone(), t.slug.clone()))
        })
    }

    /// Commits the open batch with its items' old addresses; if the commit fails, restores the
    /// report from before the batch and saves its items again one by one.
    pub(crate) async fn end_batch(&mut self, report: &mut WxrReport) {
        let Some(mut open) = self.open.take() else { return };
        self.flush_into(&mut Writer::Batch(&mut open.batch), report).await;
        let Err(e) = open.batch.commit().await else { return };
        let (before, types) = open.before;
        *report = before;
        self.other_types = types;
        let n = open.records.len();
        report.warnings.push(Problem {
            path: self.path.to_owned(),
            line: open.records.first().map(|r| r.line),
            message: format!(
                "the {n} items from here on could not be saved together ({e}); saved one by one"
            ),
        });
        self.one_by_one = true;
        for it in open.records {
            Box::pin(self.item(it, report)).await;
        }
        self.one_by_one = false;
    }
}
