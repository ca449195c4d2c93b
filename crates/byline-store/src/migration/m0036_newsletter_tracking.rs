//! Open and click counts for newsletters, off by default: the publication's choice (one row
//! in `newsletter_settings`; absent: both off), and on each send whether it was tracked and
//! how many opens and clicks it had. Only the counts are kept, never who opened or clicked.

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
                .table("newsletter_settings")
                .if_not_exists()
                .col(integer("id").primary_key())
                .col(boolean("track_opens"))
                .col(boolean("track_clicks"))
                .col(timestamp_with_time_zone("updated_at"))
                .take(),
        )
        .await?;
        // One column a statement: SQLite alters one at a time.
        for col in [
            boolean("track_opens").default(false).take(),
            boolean("track_clicks").default(false).take(),
            big_integer("opens").default(0).take(),
            big_integer("clicks").default(0).take(),
        ] {
            m.alter_table(Table::alter().table("newsletter_send").add_column(col).take()).await?;
        }
        Ok(())
    }
}
