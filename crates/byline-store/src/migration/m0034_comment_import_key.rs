//! Imported comments: the key an importer found a comment by (`wordpress:…#12`), so that
//! importing the same file again updates the comment instead of adding it twice.

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
            Table::alter().table("comment").add_column(string_len_null("import_key", 255)).take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("comment_import_key")
                .table("comment")
                .col("import_key")
                .unique()
                .take(),
        )
        .await
    }
}
