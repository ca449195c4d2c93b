//! Stripe: the end of the period a subscription has paid for (kept beside the grant; access
//! follows the subscription's status, so a renewal that arrives late cuts no one off), and
//! finding a member by their Stripe customer, as every webhook does.

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
            Table::alter()
                .table("member_tier")
                .add_column(timestamp_with_time_zone_null("stripe_period_end"))
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("member_stripe_customer")
                .table("member")
                .col("stripe_customer_id")
                .if_not_exists()
                .take(),
        )
        .await
    }
}
