//! Tiers: the free one and the paid ones members hold.

use super::rows::tier_from;
use crate::entity::tier as row;
use crate::{Store, StoreError};
use byline_core::members::{Tier, TierKind};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

impl Store {
    /// Every tier, archived ones too, in their display order.
    pub async fn tiers(&self) -> Result<Vec<Tier>, StoreError> {
        let rows = row::Entity::find()
            .order_by_asc(row::Column::SortOrder)
            .order_by_asc(row::Column::Id)
            .all(self.db())
            .await?;
        Ok(rows.into_iter().map(tier_from).collect())
    }

    /// One tier by its slug.
    pub async fn tier(&self, slug: &str) -> Result<Tier, StoreError> {
        row::Entity::find()
            .filter(row::Column::Slug.eq(slug))
            .one(self.db())
            .await?
            .map(tier_from)
            .ok_or_else(|| StoreError::not_found("tier", slug))
    }

    /// The slugs of the paid tiers (what makes a member "paid").
    pub async fn paid_tier_slugs(&self) -> Result<Vec<String>, StoreError> {
        Ok(self
            .tiers()
            .await?
            .into_iter()
            .filter(|t| t.kind == TierKind::Paid)
            .map(|t| t.slug)
            .collect())
    }
}
