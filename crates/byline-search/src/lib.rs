//! Byline's site search: one tantivy index per node, in the data folder, kept true to the
//! store by following the same change log the page cache follows. It owns the schema and
//! analyzers (stemming for the publication's language), reading what a reader typed
//! leniently, ranking (BM25, phrases, typos), snippets, facets and "did you mean".
//!
//! Beneath `byline-web` and above the store: it reads published articles and pages through
//! `byline-store` and knows nothing of HTTP or rendering.

mod doc;
mod follow;
mod index;
mod query;
mod results;
mod schema;
mod search;
mod stem;

pub use doc::body_searchable;
pub use index::SearchIndex;
pub use query::{
    MAX_PAGE, MAX_PARTS, MAX_QUERY_CHARS, PER_PAGE, Parsed, SearchRequest, Sort, parse,
    typo_distance,
};
pub use results::{
    FacetCount, Facets, FiledTerm, Hit, Named, SearchResults, TermFacet, plain_snippet,
};
pub use schema::{SCHEMA_VERSION, stemmer_for};

use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("search index: {0}")]
    Index(#[from] tantivy::TantivyError),
    #[error("search index folder {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error(
        "the search index in {0} is in use by another process (a running `byline serve`?); \
         stop it first"
    )]
    Busy(PathBuf),
    #[error("the search index's analyzer is not registered")]
    NoAnalyzer,
    #[error(transparent)]
    Store(#[from] byline_store::StoreError),
    #[error("reading articles for the index stopped: {0}")]
    Task(String),
}

impl SearchError {
    pub(crate) fn io(path: &Path, source: std::io::Error) -> SearchError {
        SearchError::Io { path: path.to_owned(), source }
    }
}
