//! Rate limits on member links: who asked for each link (the client's address), and indexes
//! to count a client's and an address's recent links.

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
            Table::alter().table("member_link").add_column(string_len_null("client", 64)).take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("member_link_email_created")
                .table("member_link")
                .col("email")
                .col("created_at")
                .if_not_exists()
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("member_link_client_created")
                .table("member_link")
                .col("client")
                .col("created_at")
                .if_not_exists()
                .take(),
        )
        .await
    }
}
