//! The tables, one sea-orm entity each. Only this crate sees them; everything outside gets
//! `byline_core` types.

pub mod publication {
    use sea_orm::entity::prelude::*;

    /// The publication's settings: a single row with id 1.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
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
}

pub mod author {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "author")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[sea_orm(unique)]
        pub slug: String,
        pub name: String,
        pub bio: Option<String>,
        pub bio_html: Option<String>,
        pub photo: Option<String>,
        pub website: Option<String>,
        pub email: Option<String>,
        /// JSON array of `{title, url}`.
        pub links: String,
        pub guest: bool,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod taxonomy {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "taxonomy")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[sea_orm(unique)]
        pub slug: String,
        pub name: String,
        pub singular: String,
        pub description: Option<String>,
        pub position: i32,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod term {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "term")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub taxonomy_id: i64,
        pub parent_id: Option<i64>,
        pub slug: String,
        pub name: String,
        pub description: Option<String>,
        pub description_html: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {
        #[sea_orm(
            belongs_to = "super::taxonomy::Entity",
            from = "Column::TaxonomyId",
            to = "super::taxonomy::Column::Id"
        )]
        Taxonomy,
    }

    impl Related<super::taxonomy::Entity> for Entity {
        fn to() -> RelationDef {
            Relation::Taxonomy.def()
        }
    }

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod article {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
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
}

pub mod article_author {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "article_author")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub article_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub author_id: i64,
        pub position: i32,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {
        #[sea_orm(
            belongs_to = "super::author::Entity",
            from = "Column::AuthorId",
            to = "super::author::Column::Id"
        )]
        Author,
        #[sea_orm(
            belongs_to = "super::article::Entity",
            from = "Column::ArticleId",
            to = "super::article::Column::Id"
        )]
        Article,
    }

    impl Related<super::author::Entity> for Entity {
        fn to() -> RelationDef {
            Relation::Author.def()
        }
    }

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod article_term {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "article_term")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub article_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub term_id: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {
        #[sea_orm(
            belongs_to = "super::term::Entity",
            from = "Column::TermId",
            to = "super::term::Column::Id"
        )]
        Term,
        #[sea_orm(
            belongs_to = "super::article::Entity",
            from = "Column::ArticleId",
            to = "super::article::Column::Id"
        )]
        Article,
    }

    impl Related<super::term::Entity> for Entity {
        fn to() -> RelationDef {
            Relation::Term.def()
        }
    }

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod page {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "page")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[sea_orm(unique)]
        pub slug: String,
        pub title: String,
        pub body: String,
        pub body_html: String,
        pub weight: i32,
        pub in_nav: bool,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod republication {
    use sea_orm::entity::prelude::*;

    /// A copy of an article on another site, seen through the tracking image.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "republication")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub article_id: i64,
        pub url: String,
        pub host: String,
        pub views: i64,
        pub status: String,
        pub first_seen: DateTimeUtc,
        pub last_seen: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {
        #[sea_orm(
            belongs_to = "super::article::Entity",
            from = "Column::ArticleId",
            to = "super::article::Column::Id"
        )]
        Article,
    }

    impl Related<super::article::Entity> for Entity {
        fn to() -> RelationDef {
            Relation::Article.def()
        }
    }

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod change_log {
    use sea_orm::entity::prelude::*;

    /// One write's cache tags, space-separated.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "change_log")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub tags: String,
        pub at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod staff_user {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "staff_user")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[sea_orm(unique)]
        pub email: String,
        pub name: String,
        pub role: String,
        pub password_hash: String,
        pub disabled: bool,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        /// The author profile this account writes under.
        pub author_id: Option<i64>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod staff_session {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "staff_session")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        /// The session's values as a JSON object.
        pub data: String,
        pub expires_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod one_time_token {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "one_time_token")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[sea_orm(unique)]
        pub token_hash: String,
        pub purpose: String,
        pub staff_id: Option<i64>,
        pub email: Option<String>,
        pub role: Option<String>,
        pub created_at: DateTimeUtc,
        pub expires_at: DateTimeUtc,
        pub used_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod audit_log {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "audit_log")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub at: DateTimeUtc,
        pub staff_id: Option<i64>,
        pub actor: String,
        pub action: String,
        pub subject: String,
        pub detail: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod api_token {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "api_token")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub name: String,
        pub role: String,
        #[sea_orm(unique)]
        pub token_hash: String,
        pub staff_id: Option<i64>,
        pub created_at: DateTimeUtc,
        pub last_used_at: Option<DateTimeUtc>,
        pub revoked_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod term_redirect {
    use sea_orm::entity::prelude::*;

    /// A term's old slug in its taxonomy, and the term it now leads to.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "term_redirect")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub taxonomy_id: i64,
        pub old_slug: String,
        pub term_id: i64,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod article_revision {
    use sea_orm::entity::prelude::*;

    /// An article as one save left it: every field as JSON.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "article_revision")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub article_id: i64,
        pub version: i64,
        pub at: DateTimeUtc,
        pub staff_id: Option<i64>,
        pub actor: String,
        pub action: String,
        pub snapshot: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod staff_two_factor {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "staff_two_factor")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub staff_id: i64,
        pub secret: String,
        pub enabled: bool,
        pub last_step: Option<i64>,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod staff_recovery_code {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "staff_recovery_code")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub staff_id: i64,
        pub code_hash: String,
        pub used_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod sign_in_attempt {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "sign_in_attempt")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub scope: String,
        pub key: String,
        pub at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod media {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "media")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[sea_orm(unique)]
        pub url: String,
        pub original_name: String,
        pub content_type: String,
        pub width: i32,
        pub height: i32,
        pub bytes: i64,
        pub files: String,
        pub alt: String,
        pub uploaded_by: Option<i64>,
        pub uploaded_by_name: String,
        pub uploaded_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
