//! The `term_redirect` table.

use sea_orm::entity::prelude::*;

/// A term's old slug in its taxonomy, and the term it now leads to.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "term_redirect")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub taxonomy_id: i64,
    pub old_slug: String,
    pub term_id: i64,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
