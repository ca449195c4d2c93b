use sea_orm::entity::prelude::*;

/// An article's, author's or page's old slug, and what it now leads to.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "slug_redirect")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// `article`, `author` or `page`: which table `target_id` names.
    pub kind: String,
    pub old_slug: String,
    pub target_id: i64,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
