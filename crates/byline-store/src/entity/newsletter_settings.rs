//! The `newsletter_settings` table.

use sea_orm::entity::prelude::*;

/// The publication's newsletter settings: a single row with id 1 (absent: the defaults,
/// nothing tracked).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "newsletter_settings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i32,
    pub track_opens: bool,
    pub track_clicks: bool,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
