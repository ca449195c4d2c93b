//! Members: readers who join by email, tiers (a free one and paid ones), the tiers each member
//! holds (complimentary or by Stripe subscription), labels, a member's history, one-time
//! sign-in links, Stripe events already handled, the site key that signs member passes, and
//! who may read each article (`article.access`, `article_tier`).

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
                .table("tier")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(string_len_uniq("slug", 191))
                .col(string_len("name", 191))
                .col(text_null("description"))
                // A JSON array of strings.
                .col(text("benefits"))
                // `free` or `paid`.
                .col(string_len("kind", 8))
                // In the currency's smallest unit.
                .col(big_integer_null("monthly_price"))
                .col(big_integer_null("yearly_price"))
                .col(string_len("currency", 3))
                .col(boolean("visible"))
                .col(boolean("active"))
                .col(integer("sort_order"))
                // Stripe's product and prices, made on first checkout and kept.
                .col(string_len_null("stripe_product_id", 255))
                .col(string_len_null("stripe_monthly_price_id", 255))
                .col(string_len_null("stripe_yearly_price_id", 255))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .take(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("member")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(string_len_uniq("uuid", 36))
                // Lowercase; unique.
                .col(string_len_uniq("email", 254))
                .col(string_len_null("name", 191))
                .col(text_null("note"))
                // free, paid or comped: kept in step with member_tier for filters and counts.
                .col(string_len("status", 8))
                .col(string_len_null("stripe_customer_id", 255))
                // Raised to end every pass issued before (sign out everywhere).
                .col(big_integer("pass_generation"))
                .col(timestamp_with_time_zone_null("last_seen_at"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("member_status_created")
                .table("member")
                .col("status")
                .col("created_at")
                .if_not_exists()
                .take(),
        )
        .await?;

        // A paid or complimentary tier a member holds (the free tier is implied).
        m.create_table(
            Table::create()
                .table("member_tier")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(big_integer("member_id"))
                .col(big_integer("tier_id"))
                // comp or stripe.
                .col(string_len("source", 8))
                .col(timestamp_with_time_zone_null("expires_at"))
                .col(string_len_null("stripe_subscription_id", 255))
                .col(string_len_null("stripe_status", 32))
                .col(string_len_null("cadence", 8))
                .col(big_integer_null("amount"))
                .col(string_len_null("currency", 3))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("member_tier", "member_id")
                        .to("member", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from("member_tier", "tier_id")
                        .to("tier", "id")
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .index(Index::create().unique().col("member_id").col("tier_id"))
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("member_tier_subscription")
                .table("member_tier")
                .col("stripe_subscription_id")
                .unique()
                .if_not_exists()
                .take(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("member_label")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(string_len_uniq("slug", 191))
                .col(string_len("name", 191))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("member_labelling")
                .if_not_exists()
                .col(big_integer("member_id"))
                .col(big_integer("label_id"))
                .primary_key(Index::create().col("member_id").col("label_id"))
                .foreign_key(
                    ForeignKey::create()
                        .from("member_labelling", "member_id")
                        .to("member", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from("member_labelling", "label_id")
                        .to("member_label", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .take(),
        )
        .await?;

        // A member's history: sign-ups, tier changes, payments, emails. `member_id` is
        // cleared when the member is deleted, so counts over time survive without anything
        // personal (`detail` must never hold an address or a name).
        m.create_table(
            Table::create()
                .table("member_event")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(big_integer_null("member_id"))
                .col(string_len("kind", 32))
                .col(text("detail"))
                // Money moved by this event, for revenue figures.
                .col(big_integer_null("amount"))
                .col(string_len_null("currency", 3))
                .col(timestamp_with_time_zone("at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("member_event", "member_id")
                        .to("member", "id")
                        .on_delete(ForeignKeyAction::SetNull),
                )
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("member_event_member")
                .table("member_event")
                .col("member_id")
                .col("at")
                .if_not_exists()
                .take(),
        )
        .await?;

        // Sign-in, sign-up and change-of-email links: stored as hashes, single use.
        m.create_table(
            Table::create()
                .table("member_link")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(string_len_uniq("token_hash", 64))
                // sign_in, sign_up or change_email.
                .col(string_len("purpose", 16))
                .col(big_integer_null("member_id"))
                .col(string_len("email", 254))
                // What the link carries besides (a name, newsletters, a tier), as JSON.
                .col(text("data"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("expires_at"))
                .col(timestamp_with_time_zone_null("used_at"))
                .take(),
        )
        .await?;

        // Stripe webhook events already handled, by Stripe's event id.
        m.create_table(
            Table::create()
                .table("stripe_event")
                .if_not_exists()
                .col(string_len("id", 255).primary_key())
                .col(string_len("kind", 128))
                .col(timestamp_with_time_zone("received_at"))
                .take(),
        )
        .await?;

        // Keys the site keeps for itself (the member pass key), made once here.
        m.create_table(
            Table::create()
                .table("site_key")
                .if_not_exists()
                .col(string_len("name", 64).primary_key())
                .col(string_len("value", 255))
                .take(),
        )
        .await?;
        m.exec_stmt(
            Query::insert()
                .into_table("site_key")
                .columns(["name", "value"])
                .values_panic(["member_pass".into(), byline_core::secret::new_token().into()])
                .to_owned(),
        )
        .await?;

        let now = chrono::Utc::now();
        for (slug, name, kind, monthly, yearly, order) in [
            ("free", "Free", "free", None, None, 0),
            ("paid", "Paid", "paid", Some(500i64), Some(5000i64), 1),
        ] {
            m.exec_stmt(
                Query::insert()
                    .into_table("tier")
                    .columns([
                        "slug",
                        "name",
                        "benefits",
                        "kind",
                        "monthly_price",
                        "yearly_price",
                        "currency",
                        "visible",
                        "active",
                        "sort_order",
                        "created_at",
                        "updated_at",
                    ])
                    .values_panic([
                        slug.into(),
                        name.into(),
                        "[]".into(),
                        kind.into(),
                        monthly.into(),
                        yearly.into(),
                        "usd".into(),
                        true.into(),
                        true.into(),
                        order.into(),
                        now.into(),
                        now.into(),
                    ])
                    .to_owned(),
            )
            .await?;
        }

        m.alter_table(
            Table::alter()
                .table("article")
                .add_column(string_len("access", 16).default("public"))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("article_tier")
                .if_not_exists()
                .col(big_integer("article_id"))
                .col(big_integer("tier_id"))
                .primary_key(Index::create().col("article_id").col("tier_id"))
                .foreign_key(
                    ForeignKey::create()
                        .from("article_tier", "article_id")
                        .to("article", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from("article_tier", "tier_id")
                        .to("tier", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .take(),
        )
        .await
    }
}
