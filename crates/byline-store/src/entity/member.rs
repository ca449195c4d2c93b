//! The `member` table.

use sea_orm::entity::prelude::*;

/// A reader who joined by email.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "member")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub uuid: String,
    #[sea_orm(unique)]
    pub email: String,
    pub name: Option<String>,
    pub note: Option<String>,
    /// `free`, `paid` or `comped`, kept in step with `member_tier`.
    pub status: String,
    pub stripe_customer_id: Option<String>,
    pub pass_generation: i64,
    pub last_seen_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
