//! Articles: published ones as the public site reads them (`published`), saving imported
//! ones (`save`), the newsroom's editorial workflow (`editorial`, with `resolve` for what an
//! editor's input names), revisions, scheduled publishing, and the admin's list and search
//! (`listing`). What several of them need lives in `shared`, which uses none of them; no two
//! article modules import each other.

mod access;
mod catalog;
mod editorial;
mod indexing;
mod listing;
mod published;
mod resolve;
mod revisions;
pub(crate) mod save;
mod schedule;
mod shared;

pub use catalog::ArticleFacts;
pub use indexing::IndexedArticle;
pub use published::ArticleFilter;
pub use save::ArticleKey;
pub use shared::EditError;
