//! From rows to `byline_core::members` types: tiers, and members with their grants and
//! labels loaded for a whole list at once (three queries, whatever the list's length).

use crate::StoreError;
use crate::entity::{member, member_label, member_labelling, member_tier, tier};
use byline_core::members::{Grant, GrantSource, Member, MemberStatus, Tier, TierKind};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use std::collections::HashMap;

pub(crate) fn tier_from(m: tier::Model) -> Tier {
    Tier {
        id: m.id,
        benefits: serde_json::from_str(&m.benefits).unwrap_or_default(),
        kind: TierKind::parse(&m.kind).unwrap_or(TierKind::Paid),
        slug: m.slug,
        name: m.name,
        description: m.description,
        monthly_price: m.monthly_price,
        yearly_price: m.yearly_price,
        currency: m.currency,
        visible: m.visible,
        active: m.active,
        sort_order: m.sort_order,
    }
}

/// Members from their rows, each with grants (by tier order) and labels (by name).
pub(crate) async fn members_from(
    db: &impl ConnectionTrait,
    rows: Vec<member::Model>,
) -> Result<Vec<Member>, StoreError> {
    let ids: Vec<i64> = rows.iter().map(|m| m.id).collect();
    let mut grants: HashMap<i64, Vec<(i32, Grant)>> = HashMap::new();
    let mut labels: HashMap<i64, Vec<String>> = HashMap::new();
    if !ids.is_empty() {
        let held = member_tier::Entity::find()
            .filter(member_tier::Column::MemberId.is_in(ids.clone()))
            .all(db)
            .await?;
        let tier_ids: Vec<i64> = held.iter().map(|g| g.tier_id).collect();
        let tiers: HashMap<i64, tier::Model> = tier::Entity::find()
            .filter(tier::Column::Id.is_in(tier_ids))
            .all(db)
            .await?
            .into_iter()
            .map(|t| (t.id, t))
            .collect();
        for g in held {
            let Some(t) = tiers.get(&g.tier_id) else { continue };
            grants.entry(g.member_id).or_default().push((
                t.sort_order,
                Grant {
                    tier_slug: t.slug.clone(),
                    tier_name: t.name.clone(),
                    source: GrantSource::parse(&g.source).unwrap_or(GrantSource::Comp),
                    expires_at: g.expires_at,
                    stripe_subscription_id: g.stripe_subscription_id,
                    stripe_status: g.stripe_status,
                    cadence: g.cadence,
                    amount: g.amount,
                    currency: g.currency,
                },
            ));
        }
        let links = member_labelling::Entity::find()
            .filter(member_labelling::Column::MemberId.is_in(ids))
            .all(db)
            .await?;
        let label_ids: Vec<i64> = links.iter().map(|l| l.label_id).collect();
        let names: HashMap<i64, String> = member_label::Entity::find()
            .filter(member_label::Column::Id.is_in(label_ids))
            .all(db)
            .await?
            .into_iter()
            .map(|l| (l.id, l.name))
            .collect();
        for l in links {
            if let Some(n) = names.get(&l.label_id) {
                labels.entry(l.member_id).or_default().push(n.clone());
            }
        }
    }
    Ok(rows
        .into_iter()
        .map(|m| {
            let mut g = grants.remove(&m.id).unwrap_or_default();
            g.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.tier_slug.cmp(&b.1.tier_slug)));
            let mut l = labels.remove(&m.id).unwrap_or_default();
            l.sort();
            Member {
                id: m.id,
                uuid: m.uuid,
                email: m.email,
                name: m.name,
                note: m.note,
                status: MemberStatus::parse(&m.status).unwrap_or(MemberStatus::Free),
                labels: l,
                grants: g.into_iter().map(|(_, g)| g).collect(),
                stripe_customer_id: m.stripe_customer_id,
                created_at: m.created_at,
                updated_at: m.updated_at,
            }
        })
        .collect())
}
