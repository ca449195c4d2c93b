//! The `comment` table.

use sea_orm::entity::prelude::*;

/// A reader's comment on an article, or a staff reply.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "comment")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub article_id: i64,
    pub parent_id: Option<i64>,
    pub member_id: Option<i64>,
    pub staff_id: Option<i64>,
    pub author_name: String,
    pub body: String,
    pub body_html: String,
    /// `pending`, `approved`, `spam`, `trash`, `deleted` or `unconfirmed` (a guest's, m0039).
    pub status: String,
    pub held_because: String,
    pub pinned: bool,
    pub hidden: bool,
    pub client: Option<String>,
    pub created_at: DateTimeUtc,
    pub edited_at: Option<DateTimeUtc>,
    pub updated_at: DateTimeUtc,
    pub reply_mailed: bool,
    /// A guest's address (m0039); `None` for members' comments and staff replies.
    pub guest_email: Option<String>,
    /// Where an importer found it (`wordpress:…#12`); `None` for comments written here.
    pub import_key: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
