//! Exactly one owner, kept by the database too: two setups at the same moment cannot both
//! create one (the count the store checks first cannot see the other's insert).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // A partial unique index: SQLite and PostgreSQL both have them.
        m.get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX IF NOT EXISTS staff_user_one_owner ON staff_user (role) \
                 WHERE role = 'owner'",
            )
            .await?;
        Ok(())
    }
}
