//! Featured articles: `article.featured`, shown first on the home page and as `featured` in
//! the Ghost Content API.

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
            Table::alter().table("article").add_column(boolean("featured").default(false)).take(),
        )
        .await
    }
}
