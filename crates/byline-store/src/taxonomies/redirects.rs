//! Old term addresses: a renamed or merged term's old slug leads to where its articles went.

use crate::entity::{taxonomy, term, term_redirect as row};
use crate::{Store, StoreError};
use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

impl Store {
    /// The slug a term has now, if `old_slug` once was a term of this taxonomy that was
    /// renamed or merged. `NotFound` otherwise.
    pub async fn moved_term(
        &self,
        taxonomy_slug: &str,
        old_slug: &str,
    ) -> Result<String, StoreError> {
        let missing = || StoreError::not_found("term", format!("{taxonomy_slug}/{old_slug}"));
        let tax = taxonomy::Entity::find()
            .filter(taxonomy::Column::Slug.eq(taxonomy_slug))
            .one(self.db())
            .await?
            .ok_or_else(missing)?;
        let r = row::Entity::find()
            .filter(row::Column::TaxonomyId.eq(tax.id))
            .filter(row::Column::OldSlug.eq(old_slug))
            .one(self.db())
            .await?
            .ok_or_else(missing)?;
        let t = term::Entity::find_by_id(r.term_id).one(self.db()).await?.ok_or_else(missing)?;
        Ok(t.slug)
    }
}

/// Remembers that `old_slug` now leads to `term_id`.
pub(super) async fn remember(
    db: &impl ConnectionTrait,
    taxonomy_id: i64,
    old_slug: &str,
    term_id: i64,
) -> Result<(), StoreError> {
    forget(db, taxonomy_id, old_slug).await?;
    row::Entity::insert(row::ActiveModel {
        taxonomy_id: Set(taxonomy_id),
        old_slug: Set(old_slug.to_owned()),
        term_id: Set(term_id),
        created_at: Set(Utc::now()),
        ..Default::default()
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// A live term now has this slug: it no longer redirects.
pub(super) async fn forget(
    db: &impl ConnectionTrait,
    taxonomy_id: i64,
    slug: &str,
) -> Result<(), StoreError> {
    row::Entity::delete_many()
        .filter(row::Column::TaxonomyId.eq(taxonomy_id))
        .filter(row::Column::OldSlug.eq(slug))
        .exec(db)
        .await?;
    Ok(())
}

/// Old slugs that led to `from` lead to `to` (before `from` is merged away).
pub(super) async fn repoint(
    db: &impl ConnectionTrait,
    from: i64,
    to: i64,
) -> Result<(), StoreError> {
    row::Entity::update_many()
        .col_expr(row::Column::TermId, Expr::value(to))
        .filter(row::Column::TermId.eq(from))
        .exec(db)
        .await?;
    Ok(())
}
