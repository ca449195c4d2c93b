//! The contact desk: readers' messages (the admin's inbox, mailed on by a job), and the
//! public forms' recent submissions by client address and fingerprint, for the per-address
//! rate limit and duplicate detection any public form (contact now, comments later) shares.

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
                .table("contact_message")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(string_len("name", 191))
                .col(string_len("email", 254))
                // general, media_inquiry, correction or republishing.
                .col(string_len("subject", 32))
                .col(text("message"))
                .col(string_len_null("client", 64))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("sent_at"))
                .col(string_len_null("sent_to", 254))
                .col(timestamp_with_time_zone_null("handled_at"))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("form_submission")
                .if_not_exists()
                .col(big_pk_auto("id"))
                // Which form: `contact`, `comment` ….
                .col(string_len("scope", 32))
                .col(string_len("client", 64))
                .col(string_len("fingerprint", 64))
                .col(timestamp_with_time_zone("created_at"))
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("form_submission_client")
                .table("form_submission")
                .col("scope")
                .col("client")
                .col("created_at")
                .if_not_exists()
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("form_submission_fingerprint")
                .table("form_submission")
                .col("scope")
                .col("fingerprint")
                .if_not_exists()
                .take(),
        )
        .await
    }
}
