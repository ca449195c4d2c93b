//! Keeping the index true to the store: a whole rebuild, and following the change log the
//! page cache follows (`article:ID` or `draft:ID` → that article again, or gone;
//! `author:ID`/`term:ID` → the articles that show it; `site` → the static pages).

use crate::SearchError;
use crate::index::SearchIndex;
use byline_store::{Store, changes};
use std::sync::atomic::Ordering;

/// Articles read from the store per slice during a rebuild (three queries a slice).
const SLICE: u64 = 2000;

impl SearchIndex {
    /// Builds the index anew from the store, calling `progress(done, total)` after each slice
    /// of articles. Search keeps answering (from the database, or the old index) meanwhile.
    pub async fn rebuild(
        &self,
        store: &Store,
        mut progress: impl FnMut(u64, u64),
    ) -> Result<u64, SearchError> {
        let mut follow = self.follow.lock().await;
        // Changes logged from here on are applied again after the rebuild: harmless.
        let cursor = store.change_cursor().await?;
        let total = store.indexable_count().await?;
        self.writer().delete_all_documents()?;
        // The next slice is read while this one is written: the database and the analysis
        // of the text each keep a core busy.
        let read = |after: i64| {
            let store = store.clone();
            tokio::spawn(async move { store.articles_to_index(after, SLICE).await })
        };
        let mut next = read(0);
        let mut done = 0;
        loop {
            let slice = next.await.map_err(|e| SearchError::Task(e.to_string()))??;
            let Some(last) = slice.last() else { break };
            next = read(last.id);
            done += slice.len() as u64;
            // Every document was deleted above: nothing to replace.
            self.add_new_articles(&slice)?;
            progress(done, total.max(done));
        }
        self.put_pages(&store.pages().await?)?;
        self.commit(cursor)?;
        *follow = cursor;
        self.ready.store(true, Ordering::Release);
        drop(follow);
        self.catch_up(store).await?;
        Ok(done)
    }

    /// Applies the change log since the index's last look; returns how many documents it
    /// looked at again. Does nothing while the index is not ready (a rebuild will).
    pub async fn catch_up(&self, store: &Store) -> Result<usize, SearchError> {
        if !self.is_ready() {
            return Ok(0);
        }
        let mut follow = self.follow.lock().await;
        let c = store.changes_since(*follow).await?;
        if c.cursor == *follow && c.tags.is_empty() {
            return Ok(0);
        }
        let (mut articles, mut authors, mut terms, mut site) = (vec![], vec![], vec![], false);
        for tag in &c.tags {
            match tag.split_once(':') {
                Some(("article" | "draft", id)) => articles.extend(id.parse::<i64>().ok()),
                Some(("author", id)) => authors.extend(id.parse::<i64>().ok()),
                Some(("term", id)) => terms.extend(id.parse::<i64>().ok()),
                _ => site |= tag == changes::SITE,
            }
        }
        articles.extend(store.article_ids_touching(&authors, &terms).await?);
        articles.sort_unstable();
        articles.dedup();
        let mut looked = 0;
        for ids in articles.chunks(SLICE as usize) {
            let found = store.articles_to_index_by_id(ids).await?;
            for id in ids {
                if !found.iter().any(|a| a.id == *id) {
                    self.remove_article(*id);
                }
            }
            self.put_articles(&found)?;
            looked += ids.len();
        }
        if site {
            let pages = store.pages().await?;
            looked += pages.len();
            self.put_pages(&pages)?;
        }
        self.commit(c.cursor)?;
        *follow = c.cursor;
        Ok(looked)
    }
}
