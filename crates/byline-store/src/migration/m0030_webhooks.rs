//! Webhooks: an integration's subscriptions of a URL to an event, and the log of deliveries
//! (each one event to one URL, with its state, tries and the receiver's last answer).

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
                .table("webhook")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(big_integer("integration_id"))
                .col(string_len("event", 64))
                .col(string_len("target_url", 2000))
                .col(string_len("secret", 128))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("last_triggered_at"))
                .col(integer_null("last_status"))
                .foreign_key(
                    ForeignKey::create()
                        .from("webhook", "integration_id")
                        .to("integration", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("webhook_event")
                .table("webhook")
                .col("event")
                .if_not_exists()
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("webhook_delivery")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(big_integer("webhook_id"))
                .col(string_len("event", 64))
                // What the event is about: its Byline id (0 when gone) and, as JSON, the
                // `previous` values Ghost's payload carries (for a deletion, the object).
                .col(big_integer("resource_id"))
                .col(text("previous"))
                // queued, delivered, failed (to be tried again) or dead.
                .col(string_len("state", 16))
                .col(integer("attempts"))
                .col(integer_null("response_code"))
                .col(text_null("error"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("webhook_delivery", "webhook_id")
                        .to("webhook", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("webhook_delivery_webhook")
                .table("webhook_delivery")
                .col("webhook_id")
                .col("id")
                .if_not_exists()
                .take(),
        )
        .await
    }
}
