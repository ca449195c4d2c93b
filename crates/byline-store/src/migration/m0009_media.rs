//! The media library: one row per uploaded image, naming every file kept for it.

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
                .table("media")
                .if_not_exists()
                .col(big_pk_auto("id"))
                // `/media/<folder>/<name>`: what articles use; the name says which copies exist.
                .col(string_uniq("url"))
                .col(string("original_name"))
                .col(string_len("content_type", 32))
                .col(integer("width"))
                .col(integer("height"))
                .col(big_integer("bytes"))
                // Keys of every stored file, one per line, the original first.
                .col(text("files"))
                .col(text("alt"))
                .col(big_integer_null("uploaded_by"))
                .col(string("uploaded_by_name"))
                .col(timestamp_with_time_zone("uploaded_at"))
                .take(),
        )
        .await
    }
}
