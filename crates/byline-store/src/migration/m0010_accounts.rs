//! Staff accounts' security: two-factor secrets with their recovery codes (stored hashed),
//! and failed sign-in attempts, kept here so rate limits hold across every node.

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
                .table("staff_two_factor")
                .if_not_exists()
                .col(big_integer("staff_id").primary_key())
                // Base32, as authenticator apps take it; needed in the clear to check codes.
                .col(string_len("secret", 64))
                // False while enrolment waits for the first correct code.
                .col(boolean("enabled"))
                // The last time step a code was accepted for: each step works once.
                .col(big_integer_null("last_step"))
                .col(timestamp_with_time_zone("created_at"))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("staff_recovery_code")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(big_integer("staff_id"))
                .col(string_len("code_hash", 64))
                .col(timestamp_with_time_zone_null("used_at"))
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("staff_recovery_code_staff")
                .table("staff_recovery_code")
                .col("staff_id")
                .if_not_exists()
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("sign_in_attempt")
                .if_not_exists()
                .col(big_pk_auto("id"))
                // What is limited (`signin-account`, `signin-address`, ...) and for whom
                // (an email, an address).
                .col(string_len("scope", 32))
                .col(string("key"))
                .col(timestamp_with_time_zone("at"))
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("sign_in_attempt_lookup")
                .table("sign_in_attempt")
                .col("scope")
                .col("key")
                .col("at")
                .if_not_exists()
                .take(),
        )
        .await
    }
}
