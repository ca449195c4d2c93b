//! The `comment_settings` table.

use sea_orm::entity::prelude::*;

/// The publication's comment settings: a single row with id 1 (absent: the defaults).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "comment_settings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i32,
    pub mode: String,
    pub depth: i32,
    pub close_after_days: Option<i32>,
    pub hold_first: bool,
    pub max_links: i32,
    pub hold_words: String,
    pub blocked_words: String,
    pub per_page: i32,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
