//! Integrations: a name, the Content API key clients send as `?key=`, and the Admin API
//! token made with it.

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
                .table("integration")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(string("name"))
                .col(string_len_uniq("content_key", 26))
                .col(big_integer_null("api_token_id"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("revoked_at"))
                .take(),
        )
        .await
    }
}
