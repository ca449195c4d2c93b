//! Comments by guests (the `everyone` mode): `comment.guest_email`, the address a reader who
//! is not a member gave with their comment, and `comment_confirmation`, the one-time link
//! that confirms it (stored as a hash, spent once, expiring). Until it is confirmed the
//! comment's status is `unconfirmed`.

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
            Table::alter().table("comment").add_column(string_len_null("guest_email", 254)).take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("comment_guest_created")
                .table("comment")
                .col("guest_email")
                .col("created_at")
                .if_not_exists()
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("comment_confirmation")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(big_integer("comment_id"))
                .col(string_len_uniq("token_hash", 64))
                .col(string_len("email", 254))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("expires_at"))
                .col(timestamp_with_time_zone_null("used_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("comment_confirmation", "comment_id")
                        .to("comment", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .take(),
        )
        .await
    }
}
