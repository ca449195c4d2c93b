//! Guests' reply emails: `guest_reply_stop`, the guest addresses that followed the link in a
//! reply email to stop them (a guest has no account where a setting could live). An address
//! here gets no reply email, whatever comment it wrote.

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
                .table("guest_reply_stop")
                .if_not_exists()
                .col(string_len("email", 254).primary_key())
                .col(timestamp_with_time_zone("created_at"))
                .take(),
        )
        .await
    }
}
