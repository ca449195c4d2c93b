//! Admin API tokens: stored as the SHA-256 of the secret, with the role they act in.

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
                .table("api_token")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(string("name"))
                .col(string_len("role", 16))
                .col(string_len_uniq("token_hash", 64))
                // The staff member who made it (its articles are the token's own); none for
                // tokens made on the command line.
                .col(big_integer_null("staff_id"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("last_used_at"))
                .col(timestamp_with_time_zone_null("revoked_at"))
                .take(),
        )
        .await
    }
}
