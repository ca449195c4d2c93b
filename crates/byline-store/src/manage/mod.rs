//! The newsroom's management use cases for authors, taxonomies and terms, pages, settings
//! and API tokens: each write runs in one transaction with its audit line and the cache tags
//! of the public pages it touches. Permission checks happen at the edge (admin and API call
//! `Role::may` with the same `Action` before calling these).

mod authors;
mod pages;
mod redirects;
mod settings;
mod taxonomies;
mod terms;
mod tokens;

pub use authors::AuthorListing;
pub use taxonomies::TaxonomyUsage;
pub use tokens::TokenListing;

use crate::entity::{article_author, article_term};
use crate::{StoreError, changes};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

/// `article:ID` tags of the articles filed under any of these terms.
pub(crate) async fn term_article_tags(
    db: &impl ConnectionTrait,
    term_ids: &[i64],
) -> Result<Vec<String>, StoreError> {
    if term_ids.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = article_term::Entity::find()
        .select_only()
        .column(article_term::Column::ArticleId)
        .filter(article_term::Column::TermId.is_in(term_ids.to_vec()))
        .distinct()
        .into_tuple()
        .all(db)
        .await?;
    Ok(ids.into_iter().map(changes::article).collect())
}

/// `article:ID` tags of the articles in this author's bylines.
pub(crate) async fn author_article_tags(
    db: &impl ConnectionTrait,
    author_id: i64,
) -> Result<Vec<String>, StoreError> {
    let ids: Vec<i64> = article_author::Entity::find()
        .select_only()
        .column(article_author::Column::ArticleId)
        .filter(article_author::Column::AuthorId.eq(author_id))
        .into_tuple()
        .all(db)
        .await?;
    Ok(ids.into_iter().map(changes::article).collect())
}
