//! The `commenter` table.

use sea_orm::entity::prelude::*;

/// A member as a commenter: a ban, and whether they are told of replies.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "commenter")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub member_id: i64,
    pub reply_emails: bool,
    pub hide_comments: bool,
    pub ban_reason: Option<String>,
    pub banned_at: Option<DateTimeUtc>,
    pub ban_expires_at: Option<DateTimeUtc>,
    pub banned_by: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
