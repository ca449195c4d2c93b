//! The Stripe ids Byline keeps: a tier's product and prices (made on its first checkout),
//! and a member's customer.

use super::set_customer_in;
use crate::entity::{member, tier};
use crate::members::accounts::member_in;
use crate::{Store, StoreError};
use byline_core::members::{Member, Tier};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
};

/// The Stripe product and prices that stand for a tier (made on its first checkout).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TierPrices {
    pub product: Option<String>,
    pub monthly: Option<String>,
    pub yearly: Option<String>,
}

impl Store {
    /// A tier with its Stripe product and prices, as far as they are made.
    pub async fn tier_stripe_prices(&self, slug: &str) -> Result<(Tier, TierPrices), StoreError> {
        let t = tier_row(self.db(), slug).await?;
        let prices = TierPrices {
            product: t.stripe_product_id.clone(),
            monthly: t.stripe_monthly_price_id.clone(),
            yearly: t.stripe_yearly_price_id.clone(),
        };
        Ok((crate::members::rows::tier_from(t), prices))
    }

    /// Keeps the Stripe ids made for a tier, filling only what the tier lacks (a price made
    /// by another node at the same moment is kept, not overwritten); returns what is kept.
    pub async fn keep_tier_stripe_prices(
        &self,
        slug: &str,
        made: &TierPrices,
    ) -> Result<TierPrices, StoreError> {
        let txn = self.write().await?;
        let t = tier_row(&txn, slug).await?;
        let kept = TierPrices {
            product: t.stripe_product_id.clone().or_else(|| made.product.clone()),
            monthly: t.stripe_monthly_price_id.clone().or_else(|| made.monthly.clone()),
            yearly: t.stripe_yearly_price_id.clone().or_else(|| made.yearly.clone()),
        };
        let mut a: tier::ActiveModel = t.into();
        a.stripe_product_id = Set(kept.product.clone());
        a.stripe_monthly_price_id = Set(kept.monthly.clone());
        a.stripe_yearly_price_id = Set(kept.yearly.clone());
        a.update(&txn).await?;
        txn.commit().await?;
        Ok(kept)
    }

    /// Notes a member's Stripe customer (made before their first checkout).
    pub async fn set_stripe_customer(
        &self,
        member_id: i64,
        customer: &str,
    ) -> Result<(), StoreError> {
        let txn = self.write().await?;
        member_in(&txn, member_id).await?;
        set_customer_in(&txn, member_id, customer).await?;
        txn.commit().await?;
        Ok(())
    }

    /// The member whose Stripe customer this is.
    pub async fn member_by_stripe_customer(&self, customer: &str) -> Result<Member, StoreError> {
        let m = member::Entity::find()
            .filter(member::Column::StripeCustomerId.eq(customer))
            .one(self.db())
            .await?
            .ok_or_else(|| StoreError::not_found("member with Stripe customer", customer))?;
        member_in(self.db(), m.id).await
    }
}

async fn tier_row(db: &impl ConnectionTrait, slug: &str) -> Result<tier::Model, StoreError> {
    tier::Entity::find()
        .filter(tier::Column::Slug.eq(slug))
        .one(db)
        .await?
        .ok_or_else(|| StoreError::not_found("tier", slug))
}
