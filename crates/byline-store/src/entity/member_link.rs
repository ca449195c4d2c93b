//! The `member_link` table.

use sea_orm::entity::prelude::*;

/// A one-time sign-in, sign-up or change-of-email link, stored as its hash.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "member_link")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub token_hash: String,
    /// `sign_in`, `sign_up` or `change_email`.
    pub purpose: String,
    pub member_id: Option<i64>,
    pub email: String,
    /// JSON: what the link carries besides.
    pub data: String,
    pub created_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
    pub used_at: Option<DateTimeUtc>,
    /// The client address that asked for it (rate limits).
    pub client: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
