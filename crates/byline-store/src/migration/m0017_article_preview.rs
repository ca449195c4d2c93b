//! What readers without access to an article see: its preview (`article.preview_html`, the
//! body up to `<!--members-only-->` or else the excerpt) and where the members-only part of
//! `body_html` begins (`article.members_from`), both computed when the article is saved.

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
            Table::alter().table("article").add_column(text("preview_html").default("")).take(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("article")
                .add_column(big_integer("members_from").default(0))
                .take(),
        )
        .await
    }
}
