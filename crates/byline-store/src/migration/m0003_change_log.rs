//! The change log: every write notes which parts of the public site it touched (as cache
//! tags), so every server process (another node, or `serve` while `import` runs) can drop
//! exactly those cached pages.

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
                .table("change_log")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(text("tags"))
                .col(timestamp_with_time_zone("at"))
                .take(),
        )
        .await
    }
}
