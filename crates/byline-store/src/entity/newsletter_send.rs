//! The `newsletter_send` table.

use sea_orm::entity::prelude::*;

/// One issue of a newsletter on its way to a segment of its subscribers.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "newsletter_send")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub newsletter_id: i64,
    /// Comma-separated article ids.
    pub article_ids: String,
    pub subject: String,
    pub segment: String,
    /// `sending`, `done` or `cancelled`.
    pub state: String,
    pub last_error: Option<String>,
    pub unsubscribed: i64,
    pub created_at: DateTimeUtc,
    pub finished_at: Option<DateTimeUtc>,
    /// Were opens (clicks) counted for this send: the publication's choice when it began.
    pub track_opens: bool,
    pub track_clicks: bool,
    /// Only the counts: never who opened or clicked.
    pub opens: i64,
    pub clicks: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
