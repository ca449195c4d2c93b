//! Republishing: a publication-wide switch, a per-article override, and the copies of
//! articles found on other sites through the tracking image.

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
        // SQLite adds one column per statement.
        m.alter_table(
            Table::alter()
                .table("publication")
                .add_column(boolean("allow_republishing").default(true))
                .take(),
        )
        .await?;
        m.alter_table(Table::alter().table("article").add_column(boolean_null("republish")).take())
            .await?;
        m.create_table(
            Table::create()
                .table("republication")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(big_integer("article_id"))
                // The page that showed the copy, or its origin when that is all the
                // browser said. Never a reader's address.
                .col(string_len("url", 2048))
                .col(string("host"))
                .col(big_integer("views").default(0))
                .col(string_len("status", 16).default("new"))
                .col(timestamp_with_time_zone("first_seen"))
                .col(timestamp_with_time_zone("last_seen"))
                .foreign_key(
                    ForeignKey::create()
                        .from("republication", "article_id")
                        .to("article", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .index(Index::create().unique().col("article_id").col("url"))
                .take(),
        )
        .await?;
        Ok(())
    }
}
