//! What an importer's transaction has already looked up: authors by slug, taxonomies by slug
//! and terms by taxonomy and slug, so that a batch of a few hundred articles by the same
//! handful of authors and terms asks for each once. Valid only inside the transaction that
//! filled it (nobody else writes while it holds the write lock on SQLite; on PostgreSQL a
//! row deleted meanwhile fails the save on its foreign key), and emptied when a savepoint
//! rolls back, since what was made inside it is gone.

use byline_core::Taxonomy;
use std::collections::HashMap;

#[derive(Debug, Default)]
pub(crate) struct ImportLookups {
    /// Author slug → id.
    pub authors: HashMap<String, i64>,
    pub taxonomies: HashMap<String, Taxonomy>,
    /// (taxonomy id, term slug) → term id.
    pub terms: HashMap<(i64, String), i64>,
}

impl ImportLookups {
    /// Forgets everything (after a rollback).
    pub fn clear(&mut self) {
        *self = Self::default();
    }
}
