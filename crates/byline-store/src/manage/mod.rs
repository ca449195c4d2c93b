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

/// The articles in this author's bylines, and the cache tags of every page that shows the
/// author's name beside them: those articles, their co-authors' archives and the archives of
/// their terms (cards carry bylines), as an article save tags them.
pub(crate) async fn author_pages(
    db: &impl ConnectionTrait,
    author_id: i64,
) -> Result<(Vec<i64>, Vec<String>), StoreError> {
    let ids: Vec<i64> = article_author::Entity::find()
        .select_only()
        .column(article_author::Column::ArticleId)
        .filter(article_author::Column::AuthorId.eq(author_id))
        .into_tuple()
        .all(db)
        .await?;
    if ids.is_empty() {
        return Ok((ids, Vec::new()));
    }
    let co_authors: Vec<i64> = article_author::Entity::find()
        .select_only()
        .column(article_author::Column::AuthorId)
        .filter(article_author::Column::ArticleId.is_in(ids.clone()))
        .distinct()
        .into_tuple()
        .all(db)
        .await?;
    let terms: Vec<i64> = article_term::Entity::find()
        .select_only()
        .column(article_term::Column::TermId)
        .filter(article_term::Column::ArticleId.is_in(ids.clone()))
        .distinct()
        .into_tuple()
        .all(db)
        .await?;
    let mut tags: Vec<String> = ids.iter().map(|&a| changes::article(a)).collect();
    tags.extend(co_authors.into_iter().map(changes::author));
    tags.extend(terms.into_iter().map(changes::term));
    Ok((ids, tags))
}
