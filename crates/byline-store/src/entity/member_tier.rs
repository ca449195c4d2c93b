//! The `member_tier` table.

use sea_orm::entity::prelude::*;

/// A paid or complimentary tier a member holds.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "member_tier")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub member_id: i64,
    pub tier_id: i64,
    /// `comp` or `stripe`.
    pub source: String,
    pub expires_at: Option<DateTimeUtc>,
    pub stripe_subscription_id: Option<String>,
    pub stripe_status: Option<String>,
    pub cadence: Option<String>,
    pub amount: Option<i64>,
    pub currency: Option<String>,
    /// The end of the period a Stripe subscription has paid for.
    pub stripe_period_end: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
