//! The editorial workflow: every article carries a version (a save states the version it
//! started from, so two people cannot overwrite each other unnoticed), who changed it last,
//! when it went to the trash, and a revision (a JSON snapshot of every field) per save.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per ALTER TABLE.
        m.alter_table(
            Table::alter().table("article").add_column(big_integer("version").default(1)).take(),
        )
        .await?;
        m.alter_table(
            Table::alter().table("article").add_column(string_null("modified_by")).take(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("article")
                .add_column(timestamp_with_time_zone_null("trashed_at"))
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("article_status_modified")
                .table("article")
                .col("status")
                .col("modified_at")
                .if_not_exists()
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("article_revision")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(big_integer("article_id"))
                // The article's version this snapshot is.
                .col(big_integer("version"))
                .col(timestamp_with_time_zone("at"))
                .col(big_integer_null("staff_id"))
                .col(string("actor"))
                // What made it: `create`, `update`, `publish`, `restore revision 3` …
                .col(string("action"))
                // Every field as the editor shows it (`ArticleInput` as JSON).
                .col(text("snapshot"))
                .foreign_key(
                    ForeignKey::create()
                        .from("article_revision", "article_id")
                        .to("article", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("article_revision_article")
                .table("article_revision")
                .col("article_id")
                .col("version")
                .if_not_exists()
                .take(),
        )
        .await
    }
}
