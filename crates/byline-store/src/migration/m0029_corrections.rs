//! Corrections: dated notes on published articles (deleted with their article).

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
                .table("article_correction")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(big_integer("article_id"))
                .col(text("text"))
                .col(date("date"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("article_correction", "article_id")
                        .to("article", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("article_correction_article")
                .table("article_correction")
                .col("article_id")
                .if_not_exists()
                .take(),
        )
        .await
    }
}
