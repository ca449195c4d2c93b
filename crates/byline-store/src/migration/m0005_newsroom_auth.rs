//! The newsroom's sign-in: sessions kept in the database (they outlive restarts and are
//! shared by every node), one-time tokens (the owner's setup link, password resets,
//! invitations), the audit log, and the author profile each staff account writes under.

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
                .table("staff_session")
                .if_not_exists()
                .col(string_len("id", 64).primary_key())
                .col(text("data"))
                .col(timestamp_with_time_zone("expires_at"))
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("staff_session_expires")
                .table("staff_session")
                .col("expires_at")
                .if_not_exists()
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("one_time_token")
                .if_not_exists()
                .col(big_pk_auto("id"))
                // SHA-256 of the token, hex: the token itself is only ever in the link.
                .col(string_len_uniq("token_hash", 64))
                .col(string_len("purpose", 16))
                .col(big_integer_null("staff_id"))
                .col(string_null("email"))
                .col(string_len_null("role", 16))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("expires_at"))
                .col(timestamp_with_time_zone_null("used_at"))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("audit_log")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(timestamp_with_time_zone("at"))
                .col(big_integer_null("staff_id"))
                // Who, as shown: a staff name, "API token X" or "the command line".
                .col(string("actor"))
                .col(string_len("action", 64))
                .col(string("subject"))
                .col(text("detail"))
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("audit_log_at")
                .table("audit_log")
                .col("at")
                .if_not_exists()
                .take(),
        )
        .await?;
        m.alter_table(
            Table::alter().table("staff_user").add_column(big_integer_null("author_id")).take(),
        )
        .await
    }
}
