//! A taxonomy may be kept out of the Ghost Content API: `taxonomy.exposed` (true unless the
//! publication says otherwise).

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
            Table::alter().table("taxonomy").add_column(boolean("exposed").default(true)).take(),
        )
        .await
    }
}
