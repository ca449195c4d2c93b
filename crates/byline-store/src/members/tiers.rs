//! Tiers: the free one and the paid ones members hold; reading them, and staff's writers
//! (create, change, archive).

use super::rows::tier_from;
use crate::entity::tier as row;
use crate::{Store, StoreError, audit, changes};
use byline_core::Invalid;
use byline_core::audit::{Actor, AuditRecord};
use byline_core::members::{FREE_TIER, Tier, TierInput, TierKind};
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};

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

impl Store {
    /// Adds a paid tier (the free tier is the only free one), after the others. A slug
    /// already a tier's is a `Conflict` naming the field. One transaction with an audit
    /// line; the site's pages (which offer tiers) are marked changed.
    pub async fn create_tier(&self, input: &TierInput, actor: &Actor) -> Result<Tier, StoreError> {
        let f = input.validate(TierKind::Paid)?;
        let txn = self.write().await?;
        slug_free(&txn, &f.slug, None).await?;
        let last: Option<i32> = row::Entity::find()
            .select_only()
            .column_as(row::Column::SortOrder.max(), "m")
            .into_tuple::<Option<i32>>()
            .one(&txn)
            .await?
            .flatten();
        let now = Utc::now();
        let id = row::Entity::insert(row::ActiveModel {
            slug: Set(f.slug.clone()),
            name: Set(f.name.clone()),
            description: Set(f.description.clone()),
            benefits: Set(benefits_json(&f.benefits)),
            kind: Set(TierKind::Paid.as_str().to_owned()),
            monthly_price: Set(f.monthly_price),
            yearly_price: Set(f.yearly_price),
            currency: Set(f.currency.clone()),
            visible: Set(f.visible),
            active: Set(f.active),
            sort_order: Set(last.unwrap_or(0) + 1),
            stripe_product_id: Set(None),
            stripe_monthly_price_id: Set(None),
            stripe_yearly_price_id: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        })
        .exec(&txn)
        .await?
        .last_insert_id;
        audit::write(&txn, actor, &AuditRecord::new("tier.create", format!("tier {}", f.slug)))
            .await?;
        changes::log(&txn, &[changes::SITE.to_owned()]).await?;
        let t = row::Entity::find_by_id(id)
            .one(&txn)
            .await?
            .map(tier_from)
            .ok_or_else(|| StoreError::not_found("tier", f.slug.clone()))?;
        txn.commit().await?;
        Ok(t)
    }

    /// Changes a tier's every field. Without a slug in `input` the tier keeps its own. The
    /// free tier keeps its slug, has no price and stays active. A changed price forgets the
    /// Stripe price made for the old one (Stripe prices cannot change).
    pub async fn update_tier(
        &self,
        slug: &str,
        input: &TierInput,
        actor: &Actor,
    ) -> Result<Tier, StoreError> {
        let txn = self.write().await?;
        let t = row::Entity::find()
            .filter(row::Column::Slug.eq(slug))
            .one(&txn)
            .await?
            .ok_or_else(|| StoreError::not_found("tier", slug))?;
        let kind = TierKind::parse(&t.kind).unwrap_or(TierKind::Paid);
        let mut input = input.clone();
        if input.slug.as_deref().is_none_or(|s| s.trim().is_empty()) {
            input.slug = Some(t.slug.clone());
        }
        let mut f = input.validate(kind)?;
        if kind == TierKind::Free {
            if f.slug != FREE_TIER {
                return Err(Invalid::one("slug", "the free tier's slug is always `free`").into());
            }
            f.active = true;
        }
        slug_free(&txn, &f.slug, Some(t.id)).await?;
        let mut a: row::ActiveModel = t.clone().into();
        if f.monthly_price != t.monthly_price {
            a.stripe_monthly_price_id = Set(None);
        }
        if f.yearly_price != t.yearly_price || f.currency != t.currency {
            a.stripe_yearly_price_id = Set(None);
        }
        if f.currency != t.currency {
            a.stripe_monthly_price_id = Set(None);
        }
        a.slug = Set(f.slug.clone());
        a.name = Set(f.name.clone());
        a.description = Set(f.description.clone());
        a.benefits = Set(benefits_json(&f.benefits));
        a.monthly_price = Set(f.monthly_price);
        a.yearly_price = Set(f.yearly_price);
        a.currency = Set(f.currency.clone());
        a.visible = Set(f.visible);
        a.active = Set(f.active);
        a.updated_at = Set(Utc::now());
        let saved = a.update(&txn).await?;
        audit::write(&txn, actor, &AuditRecord::new("tier.edit", format!("tier {}", f.slug)))
            .await?;
        changes::log(&txn, &[changes::SITE.to_owned()]).await?;
        txn.commit().await?;
        Ok(tier_from(saved))
    }

    /// Archives a paid tier: its members keep it, but it is no longer offered. The free
    /// tier cannot be archived (or deleted).
    pub async fn archive_tier(&self, slug: &str, actor: &Actor) -> Result<Tier, StoreError> {
        let txn = self.write().await?;
        let t = row::Entity::find()
            .filter(row::Column::Slug.eq(slug))
            .one(&txn)
            .await?
            .ok_or_else(|| StoreError::not_found("tier", slug))?;
        if t.kind == TierKind::Free.as_str() {
            return Err(StoreError::Conflict(
                "tier: the free tier cannot be archived or deleted".into(),
            ));
        }
        let mut a: row::ActiveModel = t.into();
        a.active = Set(false);
        a.updated_at = Set(Utc::now());
        let saved = a.update(&txn).await?;
        audit::write(&txn, actor, &AuditRecord::new("tier.archive", format!("tier {slug}")))
            .await?;
        changes::log(&txn, &[changes::SITE.to_owned()]).await?;
        txn.commit().await?;
        Ok(tier_from(saved))
    }
}

fn benefits_json(b: &[String]) -> String {
    serde_json::to_string(b).unwrap_or_else(|_| "[]".into())
}

/// A `Conflict` naming `slug` when another tier (not `except`) has it.
async fn slug_free(
    db: &impl ConnectionTrait,
    slug: &str,
    except: Option<i64>,
) -> Result<(), StoreError> {
    let other = row::Entity::find().filter(row::Column::Slug.eq(slug)).one(db).await?;
    match other {
        Some(o) if Some(o.id) != except => {
            Err(StoreError::Conflict(format!("slug: {slug} is already a tier's slug")))
        }
        _ => Ok(()),
    }
}
