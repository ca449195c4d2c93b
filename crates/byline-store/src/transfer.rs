//! Moving a whole publication out and in: every row of the tables that make up its
//! content, members and settings, as JSON objects (column → value) in primary-key order,
//! and the way back into an empty publication with the same ids. The file format around
//! these rows is `byline-export`'s and `byline-import`'s business; this module only knows
//! tables.
//!
//! What is never read out: staff accounts and everything about signing in (password hashes,
//! sessions, two-factor secrets, recovery codes, one-time links), Admin API tokens and
//! integrations, the member pass key and other site keys, the job queue, the audit and
//! change logs. References to staff accounts (a revision's or an upload's `staff_id`) are
//! written as null; the name that acted is kept beside them.

use crate::entity::{
    article, article_author, article_revision, article_term, article_tier, author, comment,
    comment_report, comment_settings, commenter, email_suppression, media, member, member_label,
    member_labelling, member_newsletter, member_tier, newsletter, newsletter_recipient,
    newsletter_send, old_address, page, publication, slug_redirect, taxonomy, term, term_redirect,
    tier,
};
use crate::{Backend, Store, StoreError, audit, changes};
use byline_core::audit::{Actor, AuditRecord};
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, EntityTrait, Iterable, PaginatorTrait, PrimaryKeyToColumn,
    QueryOrder,
};
use serde_json::Value;

/// A table's rows, in primary-key order.
pub type Rows = Vec<Value>;

/// The tables, in an order where each one's references point to tables before it. The
/// first [`V1_TABLES`] are format version 1's; version 2 adds the rest.
pub const TABLES: [&str; 28] = [
    "publication",
    "author",
    "taxonomy",
    "term",
    "tier",
    "article",
    "article_author",
    "article_term",
    "article_tier",
    "article_revision",
    "page",
    "slug_redirect",
    "term_redirect",
    "member",
    "member_label",
    "member_labelling",
    "member_tier",
    "media",
    "old_address",
    "newsletter",
    "member_newsletter",
    "newsletter_send",
    "newsletter_recipient",
    "email_suppression",
    "comment_settings",
    "comment",
    "commenter",
    "comment_report",
];

/// How many of [`TABLES`] (the first ones) format version 1 has.
pub const V1_TABLES: usize = 18;

/// Columns that name a staff account, written as null (a staff reply keeps its
/// `author_name`).
const STAFF_COLUMNS: [(&str, &str); 3] =
    [("article_revision", "staff_id"), ("media", "uploaded_by"), ("comment", "staff_id")];

/// Tables with no serial `id` of their own: joins keyed by the pair they join, and rows
/// keyed by a member or an address.
const NO_ID: [&str; 7] = [
    "article_author",
    "article_term",
    "article_tier",
    "member_labelling",
    "member_newsletter",
    "email_suppression",
    "commenter",
];

/// Tables a publication has rows in before anything is added: replaced on restore when the
/// file has them (a version 1 file has no newsletters, so the new publication keeps its
/// own).
const SEEDED: [&str; 5] = ["publication", "taxonomy", "tier", "newsletter", "comment_settings"];

/// Tables that must be empty for a restore.
const CONTENT: [&str; 9] = [
    "article",
    "page",
    "author",
    "term",
    "member",
    "media",
    "old_address",
    "newsletter_send",
    "comment",
];

async fn dump<E>(db: &impl ConnectionTrait) -> Result<Rows, StoreError>
where
    E: EntityTrait,
    E::Model: serde::Serialize,
{
    let mut q = E::find();
    for pk in E::PrimaryKey::iter() {
        q = q.order_by_asc(pk.into_column());
    }
    let rows = q.all(db).await?;
    rows.iter()
        .map(|r| {
            serde_json::to_value(r)
                .map_err(|e| StoreError::Conflict(format!("cannot write a row as JSON: {e}")))
        })
        .collect()
}

async fn restore<E>(
    db: &impl ConnectionTrait,
    table: &str,
    rows: &[Value],
) -> Result<(), StoreError>
where
    E: EntityTrait,
    E::Model: serde::de::DeserializeOwned + sea_orm::IntoActiveModel<E::ActiveModel>,
    E::ActiveModel: ActiveModelTrait<Entity = E> + Send,
{
    for (i, chunk) in rows.chunks(64).enumerate() {
        let mut models = Vec::with_capacity(chunk.len());
        for (j, row) in chunk.iter().enumerate() {
            let m: E::Model = serde_json::from_value(row.clone()).map_err(|e| {
                StoreError::Invalid(byline_core::Invalid::one(
                    format!("{table}[{}]", i * 64 + j),
                    e.to_string(),
                ))
            })?;
            models.push(sea_orm::IntoActiveModel::into_active_model(m).reset_all());
        }
        E::insert_many(models).exec_without_returning(db).await?;
    }
    Ok(())
}

async fn count<E>(db: &impl ConnectionTrait) -> Result<u64, StoreError>
where
    E: EntityTrait,
    E::Model: Sync,
{
    Ok(E::find().count(db).await?)
}

macro_rules! each_table {
    ($name:expr, $call:ident, $($args:expr),*) => {
        match $name {
            "publication" => $call::<publication::Entity>($($args),*).await,
            "author" => $call::<author::Entity>($($args),*).await,
            "taxonomy" => $call::<taxonomy::Entity>($($args),*).await,
            "term" => $call::<term::Entity>($($args),*).await,
            "tier" => $call::<tier::Entity>($($args),*).await,
            "article" => $call::<article::Entity>($($args),*).await,
            "article_author" => $call::<article_author::Entity>($($args),*).await,
            "article_term" => $call::<article_term::Entity>($($args),*).await,
            "article_tier" => $call::<article_tier::Entity>($($args),*).await,
            "article_revision" => $call::<article_revision::Entity>($($args),*).await,
            "page" => $call::<page::Entity>($($args),*).await,
            "slug_redirect" => $call::<slug_redirect::Entity>($($args),*).await,
            "term_redirect" => $call::<term_redirect::Entity>($($args),*).await,
            "member" => $call::<member::Entity>($($args),*).await,
            "member_label" => $call::<member_label::Entity>($($args),*).await,
            "member_labelling" => $call::<member_labelling::Entity>($($args),*).await,
            "member_tier" => $call::<member_tier::Entity>($($args),*).await,
            "media" => $call::<media::Entity>($($args),*).await,
            "old_address" => $call::<old_address::Entity>($($args),*).await,
            "newsletter" => $call::<newsletter::Entity>($($args),*).await,
            "member_newsletter" => $call::<member_newsletter::Entity>($($args),*).await,
            "newsletter_send" => $call::<newsletter_send::Entity>($($args),*).await,
            "newsletter_recipient" => $call::<newsletter_recipient::Entity>($($args),*).await,
            "email_suppression" => $call::<email_suppression::Entity>($($args),*).await,
            "comment_settings" => $call::<comment_settings::Entity>($($args),*).await,
            "comment" => $call::<comment::Entity>($($args),*).await,
            "commenter" => $call::<commenter::Entity>($($args),*).await,
            "comment_report" => $call::<comment_report::Entity>($($args),*).await,
            other => Err(StoreError::not_found("table", other)),
        }
    };
}

impl Store {
    /// Every row of one of [`TABLES`], in primary-key order, staff references nulled.
    pub async fn table_rows(&self, table: &str) -> Result<Rows, StoreError> {
        let db = self.db();
        let mut rows = each_table!(table, dump, db)?;
        for (t, column) in STAFF_COLUMNS {
            if t == table {
                for r in &mut rows {
                    if let Some(o) = r.as_object_mut() {
                        o.insert(column.to_owned(), Value::Null);
                    }
                }
            }
        }
        Ok(rows)
    }

    /// Whether the publication holds no content (articles, pages, authors, terms, members,
    /// media): the tables a restore must not mix with. Its settings, taxonomies and tiers
    /// may be there; a restore replaces them.
    pub async fn holds_content(&self) -> Result<Vec<(&'static str, u64)>, StoreError> {
        let db = self.db();
        let mut out = Vec::new();
        for t in CONTENT {
            let n = each_table!(t, count, db)?;
            if n > 0 {
                out.push((t, n));
            }
        }
        Ok(out)
    }

    /// Writes the given tables' rows with their own ids into a publication that
    /// [`holds_content`](Self::holds_content) nothing, in one transaction: all or nothing.
    /// Tables must come in [`TABLES`] order; the seeded settings, taxonomies and tiers are
    /// replaced by the given ones. With `dry_run` everything is written and then rolled back,
    /// so every row is checked by the database itself and nothing stays.
    pub async fn restore_tables(
        &self,
        actor: &Actor,
        tables: &[(String, Rows)],
        dry_run: bool,
    ) -> Result<(), StoreError> {
        let txn = self.write().await?;
        for t in CONTENT {
            if each_table!(t, count, &txn)? > 0 {
                return Err(StoreError::Conflict(format!(
                    "this publication already has {t} rows; restore into an empty one"
                )));
            }
        }
        for t in SEEDED {
            if tables.iter().any(|(name, _)| name == t) {
                if t == "newsletter" {
                    // The seeded newsletter's subscriptions go with it.
                    txn.execute_unprepared("DELETE FROM member_newsletter").await?;
                }
                txn.execute_unprepared(&format!("DELETE FROM {t}")).await?;
            }
        }
        let mut total = 0;
        for (name, rows) in tables {
            each_table!(name.as_str(), restore, &txn, name, rows)?;
            total += rows.len();
        }
        if self.backend == Backend::Postgres {
            // Rows came with their ids; the sequences must go on after the largest.
            for t in TABLES.iter().filter(|t| !NO_ID.contains(t)) {
                let sql = format!(
                    "SELECT setval(pg_get_serial_sequence('{t}', 'id'), \
                     COALESCE((SELECT MAX(id) FROM {t}), 0) + 1, false) \
                     WHERE pg_get_serial_sequence('{t}', 'id') IS NOT NULL"
                );
                txn.execute_unprepared(&sql).await?;
            }
        }
        audit::write(
            &txn,
            actor,
            &AuditRecord {
                action: "publication.restore".into(),
                subject: "the whole publication".into(),
                detail: format!("{total} rows from a Byline export"),
            },
        )
        .await?;
        changes::log(&txn, &[changes::SITE.to_owned()]).await?;
        if dry_run {
            txn.rollback().await?;
        } else {
            txn.commit().await?;
        }
        Ok(())
    }
}
