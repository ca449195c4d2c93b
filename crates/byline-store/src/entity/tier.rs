//! The `tier` table.

use sea_orm::entity::prelude::*;

/// A membership tier.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "tier")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub slug: String,
    pub name: String,
    pub description: Option<String>,
    /// A JSON array of strings.
    pub benefits: String,
    /// `free` or `paid`.
    pub kind: String,
    pub monthly_price: Option<i64>,
    pub yearly_price: Option<i64>,
    pub currency: String,
    pub visible: bool,
    pub active: bool,
    pub sort_order: i32,
    pub stripe_product_id: Option<String>,
    pub stripe_monthly_price_id: Option<String>,
    pub stripe_yearly_price_id: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
