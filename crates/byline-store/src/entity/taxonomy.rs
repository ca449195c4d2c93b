//! The `taxonomy` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "taxonomy")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub slug: String,
    pub name: String,
    pub singular: String,
    pub description: Option<String>,
    pub position: i32,
    /// Its terms appear as tags in the Ghost Content API (m0041). Absent from JSON exports
    /// made before it: true.
    #[serde(default = "exposed_by_default")]
    pub exposed: bool,
}

fn exposed_by_default() -> bool {
    true
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
