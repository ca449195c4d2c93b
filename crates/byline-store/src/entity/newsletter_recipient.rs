//! The `newsletter_recipient` table.

use sea_orm::entity::prelude::*;

/// One recipient of a send and where their message stands.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "newsletter_recipient")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub send_id: i64,
    pub member_id: Option<i64>,
    pub email: String,
    /// `full` or `preview`.
    pub variant: String,
    /// `pending`, `claimed`, `sent`, `failed`, `bounced` or `skipped`.
    pub state: String,
    pub attempts: i32,
    pub due_at: DateTimeUtc,
    pub claimed_until: Option<DateTimeUtc>,
    pub last_error: Option<String>,
    pub sent_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
