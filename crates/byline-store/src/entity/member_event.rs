//! The `member_event` table.

use sea_orm::entity::prelude::*;

/// One line of a member's history; `member_id` is cleared when they are deleted.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "member_event")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub member_id: Option<i64>,
    pub kind: String,
    /// Never an address or a name.
    pub detail: String,
    pub amount: Option<i64>,
    pub currency: Option<String>,
    pub at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
