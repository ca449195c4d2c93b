//! The `article` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "article")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub slug: String,
    pub title: String,
    pub subtitle: Option<String>,
    pub body: String,
    pub body_html: String,
    pub excerpt: String,
    pub excerpt_given: bool,
    pub status: String,
    pub published_at: Option<DateTimeUtc>,
    pub updated_at: Option<DateTimeUtc>,
    pub image_url: Option<String>,
    pub image_alt: Option<String>,
    pub image_caption: Option<String>,
    pub note: Option<String>,
    pub note_html: Option<String>,
    pub source_name: Option<String>,
    pub source_url: Option<String>,
    pub copyright_holder: Option<String>,
    pub copyright_year: Option<i32>,
    pub license: Option<String>,
    pub canonical_url: Option<String>,
    pub seo_title: Option<String>,
    pub seo_description: Option<String>,
    /// Where an importer found this article (`markdown:posts/x.md`), so a second import
    /// of the same source updates it instead of adding a copy.
    #[sea_orm(unique)]
    pub import_key: Option<String>,
    pub created_at: DateTimeUtc,
    pub modified_at: DateTimeUtc,
    /// `None` follows the publication's `allow_republishing`.
    pub republish: Option<bool>,
    /// Raised by every write; a save states the version it started from.
    pub version: i64,
    /// Who made the last change, as the audit log names them.
    pub modified_by: Option<String>,
    pub trashed_at: Option<DateTimeUtc>,
    /// `public`, `members`, `paid` or `tiers` (then `article_tier` names them).
    pub access: String,
    /// What readers without access see (m0017).
    pub preview_html: String,
    /// Where in `body_html` the members-only part begins (m0017).
    pub members_from: i64,
    /// `None` or true: comments open; false: closed (m0025).
    pub comments: Option<bool>,
    /// Comments close this many days after publication (0: never by age; `None`: the
    /// publication's setting) (m0038).
    pub comments_close_days: Option<i32>,
    /// Shown first on the home page; Ghost's `featured` (m0040). Absent from JSON exports
    /// made before it: false.
    #[serde(default)]
    pub featured: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

/// An article's byline, through `article_author`.
impl Related<super::author::Entity> for Entity {
    fn to() -> RelationDef {
        super::article_author::Relation::Author.def()
    }

    fn via() -> Option<RelationDef> {
        Some(super::article_author::Relation::Article.def().rev())
    }
}

impl ActiveModelBehavior for ActiveModel {}
