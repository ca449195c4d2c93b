//! Newsletters: the lists, members' subscriptions, sends with one row per recipient (the
//! record that makes a send finish after a crash without sending anyone twice), and the
//! suppression list. A new publication (and one upgraded) gets one newsletter, subscribed
//! by default, and every existing member is subscribed to it.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn cascade(from: &'static str, col: &'static str, to: &'static str) -> ForeignKeyCreateStatement {
    ForeignKey::create().from(from, col).to(to, "id").on_delete(ForeignKeyAction::Cascade).take()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("newsletter")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(string_len_uniq("slug", 191))
                .col(string_len("name", 191))
                .col(text_null("description"))
                .col(string_len_null("sender_name", 191))
                .col(string_len_null("sender_email", 255))
                .col(string_len_null("reply_to", 255))
                // members or paid.
                .col(string_len("audience", 8))
                .col(boolean("subscribe_by_default"))
                // daily@HH or weekly:DAY@HH for a digest.
                .col(string_len_null("digest", 16))
                .col(timestamp_with_time_zone_null("digest_last_at"))
                .col(integer("sort_order"))
                .col(timestamp_with_time_zone_null("archived_at"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("member_newsletter")
                .if_not_exists()
                .col(big_integer("member_id"))
                .col(big_integer("newsletter_id"))
                .col(timestamp_with_time_zone("created_at"))
                .primary_key(Index::create().col("member_id").col("newsletter_id"))
                .foreign_key(&mut cascade("member_newsletter", "member_id", "member"))
                .foreign_key(&mut cascade("member_newsletter", "newsletter_id", "newsletter"))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("newsletter_send")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(big_integer("newsletter_id"))
                // Comma-separated article ids (one, or a digest's).
                .col(text("article_ids"))
                .col(string_len("subject", 255))
                .col(string_len("segment", 200))
                // sending, done or cancelled.
                .col(string_len("state", 16))
                .col(text_null("last_error"))
                .col(big_integer("unsubscribed"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("finished_at"))
                .foreign_key(&mut cascade("newsletter_send", "newsletter_id", "newsletter"))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("newsletter_recipient")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(big_integer("send_id"))
                // Cleared when the member is deleted (the row stays for counts).
                .col(big_integer_null("member_id"))
                .col(string_len("email", 255))
                // full or preview: which version of the article they may have.
                .col(string_len("variant", 8))
                // pending, claimed, sent, failed, bounced or skipped.
                .col(string_len("state", 8))
                .col(integer("attempts"))
                .col(timestamp_with_time_zone("due_at"))
                .col(timestamp_with_time_zone_null("claimed_until"))
                .col(text_null("last_error"))
                .col(timestamp_with_time_zone_null("sent_at"))
                .foreign_key(&mut cascade("newsletter_recipient", "send_id", "newsletter_send"))
                .foreign_key(
                    &mut ForeignKey::create()
                        .from("newsletter_recipient", "member_id")
                        .to("member", "id")
                        .on_delete(ForeignKeyAction::SetNull)
                        .take(),
                )
                .index(Index::create().unique().col("send_id").col("email"))
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("newsletter_recipient_due")
                .table("newsletter_recipient")
                .col("send_id")
                .col("state")
                .col("due_at")
                .if_not_exists()
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("email_suppression")
                .if_not_exists()
                .col(string_len("email", 255).primary_key())
                // bounced, complained or unsubscribed.
                .col(string_len("reason", 16))
                .col(text_null("detail"))
                .col(timestamp_with_time_zone("created_at"))
                .take(),
        )
        .await?;

        let db = m.get_connection();
        let now = Expr::current_timestamp();
        let insert = Query::insert()
            .into_table("newsletter")
            .columns([
                "slug",
                "name",
                "audience",
                "subscribe_by_default",
                "sort_order",
                "created_at",
                "updated_at",
            ])
            .values_panic([
                "newsletter".into(),
                "Newsletter".into(),
                "members".into(),
                true.into(),
                0.into(),
                now.clone(),
                now,
            ])
            .on_conflict(OnConflict::column("slug").do_nothing().to_owned())
            .to_owned();
        m.exec_stmt(insert).await?;
        db.execute_unprepared(
            "INSERT INTO member_newsletter (member_id, newsletter_id, created_at) \
             SELECT member.id, newsletter.id, member.created_at FROM member, newsletter \
             WHERE newsletter.slug = 'newsletter'",
        )
        .await?;
        Ok(())
    }
}
