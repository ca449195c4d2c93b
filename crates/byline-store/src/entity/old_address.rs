use sea_orm::entity::prelude::*;

/// An address an imported site had, and what it now leads to.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "old_address")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Normalised (`byline_core::old_address::normalise`).
    #[sea_orm(column_type = "Text")]
    pub path: String,
    /// Sorted `key=value` pairs, or empty.
    #[sea_orm(column_type = "Text")]
    pub query: String,
    pub target_kind: String,
    pub target_id: Option<i64>,
    /// Which importer recorded it: `wordpress`, `ghost`, `hugo` …
    pub source: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
