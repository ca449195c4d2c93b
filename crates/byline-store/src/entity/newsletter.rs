//! The `newsletter` table.

use sea_orm::entity::prelude::*;

/// A newsletter members may subscribe to.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "newsletter")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub slug: String,
    pub name: String,
    pub description: Option<String>,
    pub sender_name: Option<String>,
    pub sender_email: Option<String>,
    pub reply_to: Option<String>,
    /// `members` or `paid`.
    pub audience: String,
    pub subscribe_by_default: bool,
    /// `daily@HH` or `weekly:DAY@HH` for a digest.
    pub digest: Option<String>,
    /// When the last digest was queued (its articles are those published after the one before).
    pub digest_last_at: Option<DateTimeUtc>,
    pub sort_order: i32,
    pub archived_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
