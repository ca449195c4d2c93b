//! The first schema: publication, authors, taxonomies and terms, articles, pages.

use byline_core::taxonomy::DEFAULT_TAXONOMIES;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn now() -> SimpleExpr {
    Expr::current_timestamp()
}

fn fk(from: (&'static str, &'static str), to: &'static str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from.0, from.1)
        .to(to, "id")
        .on_delete(ForeignKeyAction::Cascade)
        .take()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("publication")
                .if_not_exists()
                .col(integer("id").primary_key())
                .col(string("title"))
                .col(string_null("tagline"))
                .col(text_null("description"))
                .col(string("language"))
                .col(string_null("base_url"))
                .col(string_null("logo"))
                .col(string_null("contact_email"))
                .col(string_null("media_email"))
                .col(string_null("copyright"))
                .col(text_null("disclaimer"))
                .col(text_null("disclaimer_html"))
                .col(text_null("republish_policy"))
                .col(text_null("republish_policy_html"))
                .col(string("default_license"))
                .col(timestamp_with_time_zone("updated_at"))
                .take(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("author")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(string_uniq("slug"))
                .col(string("name"))
                .col(text_null("bio"))
                .col(text_null("bio_html"))
                .col(string_null("photo"))
                .col(string_null("website"))
                .col(string_null("email"))
                .col(text("links"))
                .col(boolean("guest"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .take(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("taxonomy")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(string_uniq("slug"))
                .col(string("name"))
                .col(string("singular"))
                .col(text_null("description"))
                .col(integer("position"))
                .take(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("term")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(big_integer("taxonomy_id"))
                .col(big_integer_null("parent_id"))
                .col(string("slug"))
                .col(string("name"))
                .col(text_null("description"))
                .col(text_null("description_html"))
                .foreign_key(&mut fk(("term", "taxonomy_id"), "taxonomy"))
                .foreign_key(
                    ForeignKey::create()
                        .from("term", "parent_id")
                        .to("term", "id")
                        .on_delete(ForeignKeyAction::SetNull),
                )
                .index(Index::create().unique().col("taxonomy_id").col("slug"))
                .take(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("article")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(string_uniq("slug"))
                .col(text("title"))
                .col(text_null("subtitle"))
                .col(text("body"))
                .col(text("body_html"))
                .col(text("excerpt"))
                .col(boolean("excerpt_given"))
                .col(string_len("status", 16))
                .col(timestamp_with_time_zone_null("published_at"))
                .col(timestamp_with_time_zone_null("updated_at"))
                .col(string_null("image_url"))
                .col(text_null("image_alt"))
                .col(text_null("image_caption"))
                .col(text_null("note"))
                .col(text_null("note_html"))
                .col(string_null("source_name"))
                .col(string_null("source_url"))
                .col(string_null("copyright_holder"))
                .col(integer_null("copyright_year"))
                .col(string_null("license"))
                .col(string_null("canonical_url"))
                .col(text_null("seo_title"))
                .col(text_null("seo_description"))
                .col(string_null("import_key").unique_key())
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("modified_at"))
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .if_not_exists()
                .name("article_status_published_at")
                .table("article")
                .col("status")
                .col("published_at")
                .take(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("article_author")
                .if_not_exists()
                .col(big_integer("article_id"))
                .col(big_integer("author_id"))
                .col(integer("position"))
                .primary_key(Index::create().col("article_id").col("author_id"))
                .foreign_key(&mut fk(("article_author", "article_id"), "article"))
                .foreign_key(&mut fk(("article_author", "author_id"), "author"))
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .if_not_exists()
                .name("article_author_author")
                .table("article_author")
                .col("author_id")
                .take(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("article_term")
                .if_not_exists()
                .col(big_integer("article_id"))
                .col(big_integer("term_id"))
                .primary_key(Index::create().col("article_id").col("term_id"))
                .foreign_key(&mut fk(("article_term", "article_id"), "article"))
                .foreign_key(&mut fk(("article_term", "term_id"), "term"))
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .if_not_exists()
                .name("article_term_term")
                .table("article_term")
                .col("term_id")
                .take(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("page")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(string_uniq("slug"))
                .col(text("title"))
                .col(text("body"))
                .col(text("body_html"))
                .col(integer("weight"))
                .col(boolean("in_nav"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .take(),
        )
        .await?;

        // A new publication starts with its settings row and the default taxonomies.
        m.exec_stmt(
            Query::insert()
                .into_table("publication")
                .columns(["id", "title", "language", "default_license", "updated_at"])
                .values_panic([
                    1.into(),
                    "A new publication".into(),
                    "en".into(),
                    "all-rights-reserved".into(),
                    now(),
                ])
                .on_conflict(OnConflict::column("id").do_nothing().to_owned())
                .take(),
        )
        .await?;
        let mut taxonomies = Query::insert()
            .into_table("taxonomy")
            .columns(["slug", "name", "singular", "position"])
            .on_conflict(OnConflict::column("slug").do_nothing().to_owned())
            .take();
        for (position, (slug, name, singular)) in DEFAULT_TAXONOMIES.into_iter().enumerate() {
            taxonomies.values_panic([
                slug.into(),
                name.into(),
                singular.into(),
                (position as i32).into(),
            ]);
        }
        m.exec_stmt(taxonomies).await?;
        Ok(())
    }
}
