//! Old addresses of articles, authors and pages: a changed slug keeps leading to what it
//! named. Each row points at the thing (its id), not at a slug, so chains collapse by
//! themselves: after A → B → C, both A and B lead straight to C. A live article, author or
//! page with a slug wins over a redirect from it: readers look for the live one first, and
//! the writers here forget a redirect whose slug is taken again.
//!
//! Term redirects, which also follow merges, live with the terms (`manage/redirects.rs`).

use crate::entity::{article, author, page, slug_redirect as row};
use crate::{Store, StoreError};
use byline_core::ArticleStatus;
use chrono::Utc;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

/// What an old slug belonged to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlugOf {
    Article,
    Author,
    Page,
}

impl SlugOf {
    fn as_str(self) -> &'static str {
        match self {
            SlugOf::Article => "article",
            SlugOf::Author => "author",
            SlugOf::Page => "page",
        }
    }
}

impl Store {
    /// The slug that `old_slug` leads to now, if an article, author or page (as `kind` says)
    /// once had it and is still there for readers (an article only while it is published).
    /// `NotFound` otherwise.
    pub async fn moved_slug(&self, kind: SlugOf, old_slug: &str) -> Result<String, StoreError> {
        let missing = || StoreError::not_found(kind.as_str(), old_slug);
        let r = row::Entity::find()
            .filter(row::Column::Kind.eq(kind.as_str()))
            .filter(row::Column::OldSlug.eq(old_slug))
            .one(self.db())
            .await?
            .ok_or_else(missing)?;
        let db = self.db();
        let now = match kind {
            SlugOf::Article => article::Entity::find_by_id(r.target_id)
                .filter(article::Column::Status.eq(ArticleStatus::Published.as_str()))
                .one(db)
                .await?
                .map(|a| a.slug),
            SlugOf::Author => {
                author::Entity::find_by_id(r.target_id).one(db).await?.map(|a| a.slug)
            }
            SlugOf::Page => page::Entity::find_by_id(r.target_id).one(db).await?.map(|p| p.slug),
        };
        now.filter(|s| s != old_slug).ok_or_else(missing)
    }
}

/// Called in the transaction that saves `id` under `new_slug` (created or renamed from
/// `old_slug`): the new slug is live and no longer redirects, and an old one different from
/// it now leads to `id`.
pub(crate) async fn renamed(
    db: &impl ConnectionTrait,
    kind: SlugOf,
    id: i64,
    old_slug: &str,
    new_slug: &str,
) -> Result<(), StoreError> {
    forget(db, kind, new_slug).await?;
    if old_slug.is_empty() || old_slug == new_slug {
        return Ok(());
    }
    forget(db, kind, old_slug).await?;
    row::Entity::insert(row::ActiveModel {
        kind: Set(kind.as_str().to_owned()),
        old_slug: Set(old_slug.to_owned()),
        target_id: Set(id),
        created_at: Set(Utc::now()),
        ..Default::default()
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

async fn forget(db: &impl ConnectionTrait, kind: SlugOf, slug: &str) -> Result<(), StoreError> {
    row::Entity::delete_many()
        .filter(row::Column::Kind.eq(kind.as_str()))
        .filter(row::Column::OldSlug.eq(slug))
        .exec(db)
        .await?;
    Ok(())
}
