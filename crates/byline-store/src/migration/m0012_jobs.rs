//! The job queue: one row per job, from queued to done or dead (see `crate::jobs`).

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
                .table("job")
                .if_not_exists()
                .col(big_pk_auto("id"))
                // The job's kind (`byline_core::jobs::Job::KIND`) and its fields as JSON.
                .col(string_len("kind", 64))
                .col(text("payload"))
                // queued, running, failed, dead or done.
                .col(string_len("state", 16))
                // Tries so far; also the lease's token: a worker's completion counts only while
                // the row still shows the attempt it claimed.
                .col(integer("attempts"))
                .col(integer("max_attempts"))
                // Not to be tried before this (the backoff after a failure).
                .col(timestamp_with_time_zone("run_at"))
                // A running job whose lease ran out is claimable again.
                .col(timestamp_with_time_zone_null("lease_until"))
                .col(text_null("last_error"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .take(),
        )
        .await?;
        // What a claim looks for: the oldest due job in a claimable state.
        m.create_index(
            Index::create()
                .name("job_state_run_at")
                .table("job")
                .col("state")
                .col("run_at")
                .if_not_exists()
                .take(),
        )
        .await
    }
}
