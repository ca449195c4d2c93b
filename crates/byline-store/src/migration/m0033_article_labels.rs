//! Hidden labels on articles: staff-only marks (Ghost's internal `#tags`) that are never
//! shown to readers, never make a public address and are kept apart from taxonomies.

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
        m.create_table(
            Table::create()
                .table("article_label")
                .if_not_exists()
                .col(big_integer("article_id"))
                .col(string("name"))
                .col(integer("position"))
                .primary_key(Index::create().col("article_id").col("name"))
                .foreign_key(
                    ForeignKey::create()
                        .from("article_label", "article_id")
                        .to("article", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .take(),
        )
        .await
    }
}
