//! Old addresses of articles, authors and pages: when one's slug changes, its old slug keeps
//! answering with a permanent redirect to wherever it is now.

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
        // `kind` says which table `target_id` names (`article`, `author`, `page`); a target
        // deleted later leaves a row that leads nowhere and answers not found.
        m.create_table(
            Table::create()
                .table("slug_redirect")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(string("kind"))
                .col(string("old_slug"))
                .col(big_integer("target_id"))
                .col(timestamp_with_time_zone("created_at"))
                .index(Index::create().unique().col("kind").col("old_slug"))
                .take(),
        )
        .await
    }
}
