//! The member list staff see: search by email or name, filters (tier held now, standing,
//! label, when they joined), pages, and the counts by standing.

use super::rows::members_from;
use crate::entity::{member as row, member_label, member_labelling, member_tier, tier};
use crate::{Backend, Paged, Store, StoreError};
use byline_core::member_list::{MemberCounts, MemberQuery};
use byline_core::members::{FREE_TIER, Member, MemberStatus};
use chrono::Utc;
use sea_orm::sea_query::{Condition, Expr, Query};
use sea_orm::{
    ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Select,
};

/// `%text%` for LIKE, with the searcher's own `%`, `_` and `!` taken literally.
fn like_pattern(text: &str) -> String {
    let mut out = String::from("%");
    for c in text.chars() {
        if matches!(c, '%' | '_' | '!') {
            out.push('!');
        }
        out.push(c);
    }
    out.push('%');
    out
}

impl Store {
    /// One page (1-based) of the members matching `q`, newest first, each with tiers and
    /// labels: four queries whatever the page size.
    pub async fn members_page(
        &self,
        q: &MemberQuery,
        page: u64,
        per_page: u64,
    ) -> Result<Paged<Member>, StoreError> {
        let page = page.max(1);
        let per_page = per_page.clamp(1, 500);
        let select = self.members_select(q);
        let total = select.clone().count(self.db()).await?;
        let rows = select
            .order_by_desc(row::Column::CreatedAt)
            .order_by_desc(row::Column::Id)
            .limit(per_page)
            .offset((page - 1) * per_page)
            .all(self.db())
            .await?;
        let items = members_from(self.db(), rows).await?;
        Ok(Paged { items, page, per_page, total })
    }

    /// Every member matching `q`, oldest first (for exports).
    pub async fn members_all(&self, q: &MemberQuery) -> Result<Vec<Member>, StoreError> {
        let rows = self
            .members_select(q)
            .order_by_asc(row::Column::CreatedAt)
            .order_by_asc(row::Column::Id)
            .all(self.db())
            .await?;
        members_from(self.db(), rows).await
    }

    /// How many members there are, by standing.
    pub async fn member_counts(&self) -> Result<MemberCounts, StoreError> {
        let by: Vec<(String, i64)> = row::Entity::find()
            .select_only()
            .column(row::Column::Status)
            .column_as(row::Column::Id.count(), "n")
            .group_by(row::Column::Status)
            .into_tuple()
            .all(self.db())
            .await?;
        let mut c = MemberCounts::default();
        for (status, n) in by {
            let n = n.max(0) as u64;
            c.total += n;
            match MemberStatus::parse(&status) {
                Some(MemberStatus::Paid) => c.paid += n,
                Some(MemberStatus::Comped) => c.comped += n,
                _ => c.free += n,
            }
        }
        Ok(c)
    }

    pub(crate) fn members_select(&self, q: &MemberQuery) -> Select<row::Entity> {
        let mut s = row::Entity::find();
        if let Some(text) = q.search.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            // Both sides folded by the database, so each backend folds case alike.
            let like_lower = match self.backend() {
                Backend::Sqlite => "LOWER(?) LIKE LOWER(?) ESCAPE '!'",
                Backend::Postgres => "LOWER($1) LIKE LOWER($2) ESCAPE '!'",
            };
            let mut any = Condition::any();
            for col in [row::Column::Email, row::Column::Name] {
                any = any.add(Expr::cust_with_exprs(
                    like_lower,
                    [Expr::col(col), Expr::val(like_pattern(text))],
                ));
            }
            s = s.filter(any);
        }
        if let Some(st) = q.status {
            s = s.filter(row::Column::Status.eq(st.as_str()));
        }
        match q.tier.as_deref() {
            None => {}
            Some(FREE_TIER) => s = s.filter(row::Column::Status.eq(MemberStatus::Free.as_str())),
            Some(slug) => {
                let now = Utc::now();
                let live = Condition::any()
                    .add(member_tier::Column::Source.eq("comp"))
                    .add(member_tier::Column::StripeStatus.is_null())
                    .add(
                        member_tier::Column::StripeStatus.is_in(["active", "trialing", "past_due"]),
                    );
                let unexpired = Condition::any()
                    .add(member_tier::Column::ExpiresAt.is_null())
                    .add(member_tier::Column::ExpiresAt.gt(now));
                let tier_id = Query::select()
                    .column(tier::Column::Id)
                    .from(tier::Entity)
                    .and_where(tier::Column::Slug.eq(slug))
                    .to_owned();
                let holders = Query::select()
                    .column(member_tier::Column::MemberId)
                    .from(member_tier::Entity)
                    .and_where(member_tier::Column::TierId.in_subquery(tier_id))
                    .cond_where(Condition::all().add(live).add(unexpired))
                    .to_owned();
                s = s.filter(row::Column::Id.in_subquery(holders));
            }
        }
        if let Some(label) = q.label.as_deref() {
            let label_id = Query::select()
                .column(member_label::Column::Id)
                .from(member_label::Entity)
                .and_where(member_label::Column::Slug.eq(byline_core::slugify(label)))
                .to_owned();
            let carriers = Query::select()
                .column(member_labelling::Column::MemberId)
                .from(member_labelling::Entity)
                .and_where(member_labelling::Column::LabelId.in_subquery(label_id))
                .to_owned();
            s = s.filter(row::Column::Id.in_subquery(carriers));
        }
        if let Some(from) = q.joined_from {
            s = s.filter(row::Column::CreatedAt.gte(from));
        }
        if let Some(until) = q.joined_until {
            s = s.filter(row::Column::CreatedAt.lt(until));
        }
        s
    }
}
