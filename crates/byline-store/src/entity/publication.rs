//! The `publication` table.

use sea_orm::entity::prelude::*;

/// The publication's settings: a single row with id 1.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "publication")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i32,
    pub title: String,
    pub tagline: Option<String>,
    pub description: Option<String>,
    pub language: String,
    pub base_url: Option<String>,
    pub logo: Option<String>,
    pub contact_email: Option<String>,
    pub media_email: Option<String>,
    pub copyright: Option<String>,
    pub disclaimer: Option<String>,
    pub disclaimer_html: Option<String>,
    pub republish_policy: Option<String>,
    pub republish_policy_html: Option<String>,
    pub default_license: String,
    pub updated_at: DateTimeUtc,
    pub allow_republishing: bool,
    pub favicon: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
