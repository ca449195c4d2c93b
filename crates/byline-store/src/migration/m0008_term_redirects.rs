//! Old term addresses: when a term is renamed or merged, its old slug keeps answering with a
//! permanent redirect to the term that took its articles.

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
                .table("term_redirect")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(big_integer("taxonomy_id"))
                .col(string("old_slug"))
                .col(big_integer("term_id"))
                .col(timestamp_with_time_zone("created_at"))
                .index(Index::create().unique().col("taxonomy_id").col("old_slug"))
                .foreign_key(
                    ForeignKey::create()
                        .from("term_redirect", "taxonomy_id")
                        .to("taxonomy", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from("term_redirect", "term_id")
                        .to("term", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .take(),
        )
        .await
    }
}
