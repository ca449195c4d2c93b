//! The dashboard's member figures: members at the end of each recent day, counts by
//! standing, and monthly recurring revenue from live Stripe subscriptions.

use crate::entity::{member as row, member_event, member_tier};
use crate::{Store, StoreError};
use byline_core::member_list::{MemberFigures, Monthly, monthly_amount};
use byline_core::members::GrantSource;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
use std::collections::BTreeMap;

impl Store {
    /// Figures for the last `days` days up to `today`. Members over time counts, for each
    /// day, the members who had joined by its end and had not been deleted by then: present
    /// members by `created_at`, deleted ones by the sign-up and deletion lines their
    /// anonymous history keeps.
    pub async fn member_figures(
        &self,
        today: NaiveDate,
        days: u32,
    ) -> Result<MemberFigures, StoreError> {
        let joined: Vec<DateTime<Utc>> = row::Entity::find()
            .select_only()
            .column(row::Column::CreatedAt)
            .into_tuple()
            .all(self.db())
            .await?;
        let gone: Vec<(String, DateTime<Utc>)> = member_event::Entity::find()
            .select_only()
            .column(member_event::Column::Kind)
            .column(member_event::Column::At)
            .filter(member_event::Column::MemberId.is_null())
            .filter(member_event::Column::Kind.is_in(["signup", "deleted"]))
            .into_tuple()
            .all(self.db())
            .await?;
        let mut over_time = Vec::with_capacity(days as usize);
        for back in (0..days).rev() {
            let day = today - Duration::days(i64::from(back));
            let end = (day + Duration::days(1)).and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
            let present = joined.iter().filter(|at| **at < end).count() as i64;
            let deleted_alive: i64 = gone
                .iter()
                .filter(|(_, at)| *at < end)
                .map(|(kind, _)| if kind == "signup" { 1 } else { -1 })
                .sum();
            over_time.push((day, (present + deleted_alive).max(0) as u64));
        }
        let now = Utc::now();
        let subs = member_tier::Entity::find()
            .filter(member_tier::Column::Source.eq(GrantSource::Stripe.as_str()))
            .all(self.db())
            .await?;
        let mut mrr: BTreeMap<String, i64> = BTreeMap::new();
        for s in subs {
            let live = matches!(
                s.stripe_status.as_deref(),
                None | Some("active" | "trialing" | "past_due")
            ) && s.expires_at.is_none_or(|e| e > now);
            if let (true, Some(amount), Some(cur)) = (live, s.amount, s.currency.clone()) {
                *mrr.entry(cur).or_default() += monthly_amount(amount, s.cadence.as_deref());
            }
        }
        Ok(MemberFigures {
            over_time,
            counts: self.member_counts().await?,
            mrr: mrr.into_iter().map(|(currency, amount)| Monthly { currency, amount }).collect(),
        })
    }
}
