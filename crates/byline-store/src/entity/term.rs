//! The `term` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "term")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub taxonomy_id: i64,
    pub parent_id: Option<i64>,
    pub slug: String,
    pub name: String,
    pub description: Option<String>,
    pub description_html: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::taxonomy::Entity",
        from = "Column::TaxonomyId",
        to = "super::taxonomy::Column::Id"
    )]
    Taxonomy,
}

impl Related<super::taxonomy::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Taxonomy.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
