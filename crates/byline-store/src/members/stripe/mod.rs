//! Stripe's side of members: a tier's product and prices, a member's customer, and what each
//! webhook event changes. Every event is handled in one write transaction that first claims
//! its `stripe_event` row (by Stripe's event id): a delivery seen before changes nothing and
//! says so ([`Handled::Replay`]). Each use case that changes `member_tier` refreshes the
//! member's status and writes the member's history line in that same transaction. A tier's
//! Stripe product and prices and a member's customer are in [`billing`].

mod billing;

pub use billing::TierPrices;

use super::accounts::{Joined, add_member_in, refresh_status_in};
use super::events;
use crate::entity::{member, member_tier, stripe_event, tier};
use crate::{Store, StoreError};
use byline_core::members::{GrantSource, MemberInput, TierKind};
use byline_core::tiers::money;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    TryInsertResult,
};

/// A webhook event, as far as idempotency needs it.
#[derive(Debug, Clone, Copy)]
pub struct StripeEventId<'a> {
    pub id: &'a str,
    pub kind: &'a str,
}

/// What handling an event did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Handled {
    /// The change is made (for this member, when the event concerns one).
    Done(Option<i64>),
    /// This event id was handled before; nothing changed.
    Replay,
    /// Recorded, but it concerns no member or tier Byline knows; nothing changed.
    Ignored(String),
}

/// A subscription as an event or the API describes it.
#[derive(Debug, Clone)]
pub struct SubscriptionState {
    pub id: String,
    pub customer: Option<String>,
    /// Stripe's status: `active`, `trialing`, `past_due`, `canceled`, `unpaid` …
    pub status: String,
    pub price: String,
    /// `month` or `year`.
    pub cadence: Option<String>,
    pub amount: Option<i64>,
    pub currency: String,
    pub period_end: Option<DateTime<Utc>>,
    /// The tier slug Byline put in the subscription's metadata, if any.
    pub tier_hint: Option<String>,
}

/// A completed subscription checkout: who paid, and the subscription it made.
#[derive(Debug, Clone)]
pub struct CheckoutCompleted {
    /// The member who checked out signed in (`client_reference_id`), if one did.
    pub member_id: Option<i64>,
    pub email: String,
    pub name: Option<String>,
    pub customer: String,
    pub subscription: SubscriptionState,
}

/// An invoice's customer, subscription and money (in the currency's smallest unit).
#[derive(Debug, Clone)]
pub struct InvoiceState {
    pub customer: Option<String>,
    pub subscription: Option<String>,
    pub amount: i64,
    pub currency: String,
}

impl Store {
    /// Has this event been handled already?
    pub async fn stripe_event_seen(&self, id: &str) -> Result<bool, StoreError> {
        Ok(stripe_event::Entity::find_by_id(id).one(self.db()).await?.is_some())
    }

    /// `checkout.session.completed`: the member (made if new, found by the signed-in id or
    /// the address they paid with) gets the customer id and the tier, paid through Stripe.
    pub async fn stripe_checkout_completed(
        &self,
        event: StripeEventId<'_>,
        c: &CheckoutCompleted,
    ) -> Result<Handled, StoreError> {
        let txn = self.write().await?;
        if !claim(&txn, event).await? {
            return Ok(Handled::Replay);
        }
        let Some(t) = tier_of(&txn, &c.subscription).await? else {
            txn.commit().await?;
            return Ok(Handled::Ignored(format!("no tier has price {}", c.subscription.price)));
        };
        let by_id = match c.member_id {
            Some(id) => member::Entity::find_by_id(id).one(&txn).await?,
            None => None,
        };
        let email = c.email.trim().to_lowercase();
        let found = match by_id {
            Some(m) => Some(m),
            None => {
                member::Entity::find()
                    .filter(member::Column::Email.eq(email.as_str()))
                    .one(&txn)
                    .await?
            }
        };
        let member_id = match found {
            Some(m) => m.id,
            None => {
                let input = MemberInput { email, name: c.name.clone(), ..Default::default() };
                add_member_in(&txn, &input.validate()?, Joined::Stripe).await?
            }
        };
        set_customer_in(&txn, member_id, &c.customer).await?;
        let existing = member_tier::Entity::find()
            .filter(member_tier::Column::MemberId.eq(member_id))
            .filter(member_tier::Column::TierId.eq(t.id))
            .one(&txn)
            .await?;
        let s = &c.subscription;
        let now = Utc::now();
        let mut g = match existing {
            Some(g) => g.into(),
            None => member_tier::ActiveModel {
                member_id: Set(member_id),
                tier_id: Set(t.id),
                created_at: Set(now),
                ..Default::default()
            },
        };
        g.source = Set(GrantSource::Stripe.as_str().to_owned());
        g.expires_at = Set(None);
        g.stripe_subscription_id = Set(Some(s.id.clone()));
        g.stripe_status = Set(Some(s.status.clone()));
        g.cadence = Set(s.cadence.clone());
        g.amount = Set(s.amount);
        g.currency = Set(Some(s.currency.clone()));
        g.stripe_period_end = Set(s.period_end);
        g.updated_at = Set(now);
        g.save(&txn).await?;
        refresh_status_in(&txn, member_id).await?;
        let cadence = s.cadence.as_deref().map(|c| format!(" ({c}ly)")).unwrap_or_default();
        events::record(
            &txn,
            member_id,
            "tier",
            &format!("subscribed to {}{cadence} through Stripe", t.name),
            None,
        )
        .await?;
        txn.commit().await?;
        Ok(Handled::Done(Some(member_id)))
    }

    /// `customer.subscription.updated`: the grant follows the subscription's status, price
    /// (so its tier) and period.
    pub async fn stripe_subscription_updated(
        &self,
        event: StripeEventId<'_>,
        s: &SubscriptionState,
    ) -> Result<Handled, StoreError> {
        let txn = self.write().await?;
        if !claim(&txn, event).await? {
            return Ok(Handled::Replay);
        }
        let Some(g) = grant_of(&txn, &s.id).await? else {
            txn.commit().await?;
            return Ok(Handled::Ignored(format!("no member holds subscription {}", s.id)));
        };
        let member_id = g.member_id;
        let before = (g.stripe_status.clone(), g.tier_id);
        let t = tier_of(&txn, s).await?;
        let mut a: member_tier::ActiveModel = g.into();
        if let Some(t) = &t {
            a.tier_id = Set(t.id);
        }
        a.stripe_status = Set(Some(s.status.clone()));
        a.cadence = Set(s.cadence.clone());
        a.amount = Set(s.amount);
        a.currency = Set(Some(s.currency.clone()));
        a.stripe_period_end = Set(s.period_end);
        a.updated_at = Set(Utc::now());
        a.update(&txn).await?;
        refresh_status_in(&txn, member_id).await?;
        let tier_name = match &t {
            Some(t) => t.name.clone(),
            None => tier::Entity::find_by_id(before.1)
                .one(&txn)
                .await?
                .map(|t| t.name)
                .unwrap_or_default(),
        };
        if before.0.as_deref() != Some(s.status.as_str()) || t.is_some_and(|t| t.id != before.1) {
            events::record(
                &txn,
                member_id,
                "tier",
                &format!("Stripe subscription to {tier_name} is {}", s.status),
                None,
            )
            .await?;
        }
        txn.commit().await?;
        Ok(Handled::Done(Some(member_id)))
    }

    /// `customer.subscription.deleted`: the grant ends (the tier is no longer held).
    pub async fn stripe_subscription_deleted(
        &self,
        event: StripeEventId<'_>,
        subscription: &str,
    ) -> Result<Handled, StoreError> {
        let txn = self.write().await?;
        if !claim(&txn, event).await? {
            return Ok(Handled::Replay);
        }
        let Some(g) = grant_of(&txn, subscription).await? else {
            txn.commit().await?;
            return Ok(Handled::Ignored(format!("no member holds subscription {subscription}")));
        };
        let name = tier::Entity::find_by_id(g.tier_id).one(&txn).await?.map(|t| t.name);
        member_tier::Entity::delete_by_id(g.id).exec(&txn).await?;
        refresh_status_in(&txn, g.member_id).await?;
        let what = format!("Stripe subscription to {} ended", name.unwrap_or_default());
        events::record(&txn, g.member_id, "tier", &what, None).await?;
        txn.commit().await?;
        Ok(Handled::Done(Some(g.member_id)))
    }

    /// `invoice.payment_failed`: the subscription is past due (access stays while Stripe
    /// retries; its later update or deletion decides), with a line in the history.
    pub async fn stripe_payment_failed(
        &self,
        event: StripeEventId<'_>,
        i: &InvoiceState,
    ) -> Result<Handled, StoreError> {
        self.invoice_event(event, i, |amount, currency| {
            (format!("payment of {} failed", money(amount, currency)), None, Some("past_due"))
        })
        .await
    }

    /// `invoice.paid`: a payment line with its amount, for revenue figures.
    pub async fn stripe_invoice_paid(
        &self,
        event: StripeEventId<'_>,
        i: &InvoiceState,
    ) -> Result<Handled, StoreError> {
        self.invoice_event(event, i, |amount, currency| {
            (format!("paid {}", money(amount, currency)), Some(amount), None)
        })
        .await
    }

    /// Any other event: recorded so that it is not handled twice, and otherwise ignored.
    pub async fn stripe_event_ignored(
        &self,
        event: StripeEventId<'_>,
    ) -> Result<Handled, StoreError> {
        let txn = self.write().await?;
        if !claim(&txn, event).await? {
            return Ok(Handled::Replay);
        }
        txn.commit().await?;
        Ok(Handled::Ignored(format!("{} is not an event Byline handles", event.kind)))
    }

    async fn invoice_event(
        &self,
        event: StripeEventId<'_>,
        i: &InvoiceState,
        what: impl FnOnce(i64, &str) -> (String, Option<i64>, Option<&'static str>),
    ) -> Result<Handled, StoreError> {
        let txn = self.write().await?;
        if !claim(&txn, event).await? {
            return Ok(Handled::Replay);
        }
        let grant = match &i.subscription {
            Some(s) => grant_of(&txn, s).await?,
            None => None,
        };
        let member_id = match (&grant, &i.customer) {
            (Some(g), _) => Some(g.member_id),
            (None, Some(c)) => member::Entity::find()
                .filter(member::Column::StripeCustomerId.eq(c.as_str()))
                .one(&txn)
                .await?
                .map(|m| m.id),
            (None, None) => None,
        };
        let Some(member_id) = member_id else {
            txn.commit().await?;
            return Ok(Handled::Ignored("the invoice's customer is no member".into()));
        };
        let (detail, amount, status) = what(i.amount, &i.currency);
        if let (Some(status), Some(g)) = (status, grant) {
            let mut a: member_tier::ActiveModel = g.into();
            a.stripe_status = Set(Some(status.to_owned()));
            a.updated_at = Set(Utc::now());
            a.update(&txn).await?;
            refresh_status_in(&txn, member_id).await?;
        }
        let paid = amount.map(|a| (a, i.currency.as_str()));
        events::record(&txn, member_id, "payment", &detail, paid).await?;
        txn.commit().await?;
        Ok(Handled::Done(Some(member_id)))
    }
}

/// Claims `event` in the transaction: `false` when its row exists (handled before, or being
/// handled by another node, which this insert waits for).
async fn claim(db: &impl ConnectionTrait, event: StripeEventId<'_>) -> Result<bool, StoreError> {
    let r = stripe_event::Entity::insert(stripe_event::ActiveModel {
        id: Set(event.id.to_owned()),
        kind: Set(event.kind.chars().take(128).collect()),
        received_at: Set(Utc::now()),
    })
    .on_conflict_do_nothing()
    .exec_without_returning(db)
    .await?;
    Ok(matches!(r, TryInsertResult::Inserted(n) if n > 0))
}

/// The paid tier a subscription is for: by its price, else by the slug in its metadata.
async fn tier_of(
    db: &impl ConnectionTrait,
    s: &SubscriptionState,
) -> Result<Option<tier::Model>, StoreError> {
    let by_price = tier::Entity::find()
        .filter(
            sea_orm::Condition::any()
                .add(tier::Column::StripeMonthlyPriceId.eq(s.price.as_str()))
                .add(tier::Column::StripeYearlyPriceId.eq(s.price.as_str())),
        )
        .one(db)
        .await?;
    let t = match (by_price, &s.tier_hint) {
        (Some(t), _) => Some(t),
        (None, Some(slug)) => {
            tier::Entity::find().filter(tier::Column::Slug.eq(slug)).one(db).await?
        }
        (None, None) => None,
    };
    Ok(t.filter(|t| t.kind == TierKind::Paid.as_str()))
}

async fn grant_of(
    db: &impl ConnectionTrait,
    subscription: &str,
) -> Result<Option<member_tier::Model>, StoreError> {
    Ok(member_tier::Entity::find()
        .filter(member_tier::Column::StripeSubscriptionId.eq(subscription))
        .one(db)
        .await?)
}

pub(super) async fn set_customer_in(
    db: &impl ConnectionTrait,
    member_id: i64,
    customer: &str,
) -> Result<(), StoreError> {
    member::Entity::update_many()
        .col_expr(member::Column::StripeCustomerId, Expr::value(customer))
        .col_expr(member::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(member::Column::Id.eq(member_id))
        .exec(db)
        .await?;
    Ok(())
}
