//! Comments: the comments themselves (threaded by `parent_id`, moderated by `status`),
//! readers' reports, the publication's comment settings (one row), each member's standing
//! as a commenter (a ban with its reason and expiry, reply emails on or off), and an
//! article's own switch (`article.comments`: `NULL` or true open, false closed).

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
        m.alter_table(Table::alter().table("article").add_column(boolean_null("comments")).take())
            .await?;
        m.create_table(
            Table::create()
                .table("comment")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(big_integer("article_id"))
                .col(big_integer_null("parent_id"))
                .col(big_integer_null("member_id"))
                // A staff reply's writer (shown marked as staff).
                .col(big_integer_null("staff_id"))
                .col(string_len("author_name", 191))
                .col(text("body"))
                .col(text("body_html"))
                // pending, approved, spam, trash or deleted.
                .col(string_len("status", 16))
                .col(text("held_because"))
                .col(boolean("pinned"))
                .col(boolean("hidden"))
                // The client address that posted it (rate limits).
                .col(string_len_null("client", 64))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("edited_at"))
                .col(timestamp_with_time_zone("updated_at"))
                // Set once the parent's writer was told of this reply (never told twice).
                .col(boolean("reply_mailed"))
                .foreign_key(
                    ForeignKey::create()
                        .from("comment", "article_id")
                        .to("article", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from("comment", "member_id")
                        .to("member", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .take(),
        )
        .await?;
        for (name, cols) in [
            ("comment_article_status", &["article_id", "status"][..]),
            ("comment_status_created", &["status", "created_at"][..]),
            ("comment_member_created", &["member_id", "created_at"][..]),
            ("comment_client_created", &["client", "created_at"][..]),
            ("comment_parent", &["parent_id"][..]),
        ] {
            let mut idx = Index::create();
            idx.name(name).table("comment").if_not_exists();
            for c in cols {
                idx.col(*c);
            }
            m.create_index(idx.take()).await?;
        }
        m.create_table(
            Table::create()
                .table("comment_report")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(big_integer("comment_id"))
                .col(big_integer("member_id"))
                .col(text("reason"))
                .col(timestamp_with_time_zone("created_at"))
                .col(boolean("resolved"))
                .foreign_key(
                    ForeignKey::create()
                        .from("comment_report", "comment_id")
                        .to("comment", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from("comment_report", "member_id")
                        .to("member", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .index(Index::create().unique().col("comment_id").col("member_id"))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("commenter")
                .if_not_exists()
                .col(big_integer("member_id").primary_key())
                .col(boolean("reply_emails"))
                // Every comment of theirs is hidden, those to come too.
                .col(boolean("hide_comments"))
                .col(text_null("ban_reason"))
                .col(timestamp_with_time_zone_null("banned_at"))
                // NULL with banned_at set: banned until lifted.
                .col(timestamp_with_time_zone_null("ban_expires_at"))
                .col(string_len_null("banned_by", 191))
                .foreign_key(
                    ForeignKey::create()
                        .from("commenter", "member_id")
                        .to("member", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("comment_settings")
                .if_not_exists()
                .col(integer("id").primary_key())
                .col(string_len("mode", 16))
                .col(integer("depth"))
                .col(integer_null("close_after_days"))
                .col(boolean("hold_first"))
                .col(integer("max_links"))
                // One word or phrase a line.
                .col(text("hold_words"))
                .col(text("blocked_words"))
                .col(integer("per_page"))
                .col(timestamp_with_time_zone("updated_at"))
                .take(),
        )
        .await
    }
}
