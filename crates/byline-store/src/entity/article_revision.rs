//! The `article_revision` table.

use sea_orm::entity::prelude::*;

/// An article as one save left it: every field as JSON.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "article_revision")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub article_id: i64,
    pub version: i64,
    pub at: DateTimeUtc,
    pub staff_id: Option<i64>,
    pub actor: String,
    pub action: String,
    pub snapshot: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
