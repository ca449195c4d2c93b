//! Tiers given to members by staff (complimentary), with an optional end date.

use super::accounts::{member_in, refresh_status_in};
use super::events;
use crate::entity::{member_tier, tier};
use crate::{Store, StoreError, audit};
use byline_core::audit::{Actor, AuditRecord};
use byline_core::members::{GrantSource, Member, TierKind};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
};

impl Store {
    /// Gives `member_id` the paid tier `tier_slug` free of charge until `until` (or for good),
    /// replacing any earlier complimentary grant of it. A tier the member pays for through
    /// Stripe is left as it is (a `Conflict`). One transaction, with the member's history
    /// line and an audit line.
    pub async fn grant_complimentary(
        &self,
        member_id: i64,
        tier_slug: &str,
        until: Option<DateTime<Utc>>,
        actor: &Actor,
    ) -> Result<Member, StoreError> {
        let txn = self.write().await?;
        let until_words = grant_comp_in(&txn, member_id, tier_slug, until).await?;
        audit::write(
            &txn,
            actor,
            &AuditRecord::new("member.grant", format!("member {member_id}"))
                .detail(format!("{tier_slug} {until_words}")),
        )
        .await?;
        let m = member_in(&txn, member_id).await?;
        txn.commit().await?;
        Ok(m)
    }
}

/// Gives (or renews) a complimentary grant of `tier_slug` in the caller's write transaction,
/// with the member's history line and their standing refreshed; returns the words for the
/// audit line ("until 2025-01-01", "with no end").
pub(crate) async fn grant_comp_in(
    db: &impl ConnectionTrait,
    member_id: i64,
    tier_slug: &str,
    until: Option<DateTime<Utc>>,
) -> Result<String, StoreError> {
    let t = tier::Entity::find()
        .filter(tier::Column::Slug.eq(tier_slug))
        .one(db)
        .await?
        .ok_or_else(|| StoreError::not_found("tier", tier_slug))?;
    if t.kind != TierKind::Paid.as_str() {
        return Err(StoreError::Conflict(format!(
            "tier: {tier_slug} is the free tier, which every member has"
        )));
    }
    member_in(db, member_id).await?;
    let now = Utc::now();
    let existing = member_tier::Entity::find()
        .filter(member_tier::Column::MemberId.eq(member_id))
        .filter(member_tier::Column::TierId.eq(t.id))
        .one(db)
        .await?;
    match existing {
        Some(g) if g.source == GrantSource::Stripe.as_str() => {
            return Err(StoreError::Conflict(format!(
                "tier: this member pays for {tier_slug} through Stripe"
            )));
        }
        Some(g) => {
            let mut g: member_tier::ActiveModel = g.into();
            g.expires_at = Set(until);
            g.updated_at = Set(now);
            g.update(db).await?;
        }
        None => {
            member_tier::Entity::insert(member_tier::ActiveModel {
                member_id: Set(member_id),
                tier_id: Set(t.id),
                source: Set(GrantSource::Comp.as_str().to_owned()),
                expires_at: Set(until),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            })
            .exec_without_returning(db)
            .await?;
        }
    }
    refresh_status_in(db, member_id).await?;
    let until_words =
        until.map_or("with no end".to_owned(), |u| format!("until {}", u.format("%Y-%m-%d")));
    events::record(db, member_id, "tier", &format!("complimentary {} {until_words}", t.name), None)
        .await?;
    Ok(until_words)
}
