//! Old addresses brought by imported sites (WordPress permalinks and `?p=ID`, Ghost's
//! `/slug/`, Hugo and Zola `aliases`, Jekyll `redirect_from`): a normalised path and query,
//! and what it now leads to, by id.

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
        // `target_kind` says which table `target_id` names (`article`, `page`, `author`,
        // `term`, their `_feed`s) or none (`home`, `site_feed`); a target deleted later
        // leaves a row that leads nowhere and answers not found.
        m.create_table(
            Table::create()
                .table("old_address")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(text("path"))
                .col(text("query"))
                .col(string("target_kind"))
                .col(big_integer_null("target_id"))
                .col(string("source"))
                .col(timestamp_with_time_zone("created_at"))
                .index(Index::create().unique().col("path").col("query"))
                .take(),
        )
        .await
    }
}
