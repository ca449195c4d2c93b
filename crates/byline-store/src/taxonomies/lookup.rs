//! One taxonomy's row found by slug or id and mapped to the domain type: what the taxonomy
//! use cases in `mod.rs` and the term modules beside it both need, so neither imports the
//! other.

use crate::StoreError;
use crate::entity::{taxonomy, taxonomy as row};
use byline_core::Taxonomy;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

pub(super) fn taxonomy_from_row(m: taxonomy::Model) -> Taxonomy {
    Taxonomy {
        id: m.id,
        slug: m.slug,
        name: m.name,
        singular: m.singular,
        description: m.description,
        position: m.position,
        exposed: m.exposed,
    }
}

pub(super) async fn find_taxonomy(
    db: &impl ConnectionTrait,
    slug: &str,
) -> Result<Taxonomy, StoreError> {
    taxonomy::Entity::find()
        .filter(taxonomy::Column::Slug.eq(slug))
        .one(db)
        .await?
        .map(taxonomy_from_row)
        .ok_or_else(|| StoreError::not_found("taxonomy", slug))
}

pub(super) async fn find(db: &impl ConnectionTrait, id: i64) -> Result<row::Model, StoreError> {
    row::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| StoreError::not_found("taxonomy", id.to_string()))
}
