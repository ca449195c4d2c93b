//! The `webhook` table.

use sea_orm::entity::prelude::*;

/// An integration's subscription of a URL to an event.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webhook")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub integration_id: i64,
    pub event: String,
    pub target_url: String,
    pub secret: String,
    pub created_at: DateTimeUtc,
    pub last_triggered_at: Option<DateTimeUtc>,
    pub last_status: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
