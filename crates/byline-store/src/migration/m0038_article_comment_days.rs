//! An article's own comment closing: `article.comments_close_days`, the days after
//! publication its comments close (0: never by age), overriding the publication's setting;
//! `NULL` follows the publication.

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
        m.alter_table(
            Table::alter().table("article").add_column(integer_null("comments_close_days")).take(),
        )
        .await
    }
}
