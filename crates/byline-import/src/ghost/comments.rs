//! Ghost's comments (Ghost 5 on) into the comments store, as WordPress's are: threads kept
//! by `parent_id`, status mapped (`published` approved, `hidden` trash, `deleted` deleted),
//! each keyed by its post's Ghost id and its own, so a re-import updates instead of
//! duplicating. A comment shows its member's name (never their address). Ghost's content
//! export leaves comments out; its full backups (the exporter's `BACKUP_TABLES`) hold them.

use super::Run;
use super::file::{text, time};
use crate::html_md::to_markdown;
use byline_core::comments::CommentStatus;
use byline_store::ImportedComment;
use serde_json::{Map, Value};
use std::collections::HashMap;

fn status_of(row: &Map<String, Value>) -> CommentStatus {
    match text(row, "status").as_deref() {
        Some("hidden") => CommentStatus::Trash,
        Some("deleted") => CommentStatus::Deleted,
        _ => CommentStatus::Approved,
    }
}

/// The comments of one post as the store takes them, parents before replies.
fn imported(
    post_id: &str,
    rows: &[&Map<String, Value>],
    names: &HashMap<String, String>,
) -> Result<Vec<ImportedComment>, (usize, String)> {
    let key = |id: &str| format!("ghost:{post_id}#comment-{id}");
    let mut list = Vec::with_capacity(rows.len());
    for (i, row) in rows.iter().enumerate() {
        let id = text(row, "id").ok_or((i, "a comment needs an `id`".to_owned()))?;
        let created_at = time(row, "created_at").map_err(|e| (i, e))?.unwrap_or_default();
        list.push(ImportedComment {
            key: key(&id),
            parent_key: text(row, "parent_id").map(|p| key(&p)),
            author_name: text(row, "member_id")
                .and_then(|m| names.get(&m).cloned())
                .unwrap_or_else(|| "Anonymous".into()),
            body: to_markdown(&text(row, "html").unwrap_or_default()).markdown,
            status: status_of(row),
            created_at,
        });
    }
    // Ghost's replies hang from a comment of the first level.
    list.sort_by(|a, b| {
        (a.parent_key.is_some(), a.created_at).cmp(&(b.parent_key.is_some(), b.created_at))
    });
    Ok(list)
}

impl Run<'_> {
    /// Comments of the posts imported as articles (in a dry run, counted).
    pub(crate) async fn comments(&mut self) {
        let rows = match self.export.table("comments") {
            Ok(r) => r,
            Err(p) => return self.report.fail("comments", p),
        };
        if rows.is_empty() {
            return;
        }
        let names: HashMap<String, String> = self
            .export
            .table("members")
            .unwrap_or_default()
            .into_iter()
            .filter_map(|m| Some((text(m, "id")?, text(m, "name")?)))
            .collect();
        let mut by_post: Vec<(String, Vec<&Map<String, Value>>)> = Vec::new();
        for row in rows {
            let post = text(row, "post_id").unwrap_or_default();
            match by_post.iter_mut().find(|(p, _)| *p == post) {
                Some((_, list)) => list.push(row),
                None => by_post.push((post, vec![row])),
            }
        }
        let total = by_post.len();
        let mut orphans = 0;
        for (i, (post, rows)) in by_post.into_iter().enumerate() {
            self.tick("comments", i + 1, total);
            let Some(&article_id) = self.article_ids.get(&post) else {
                orphans += rows.len();
                continue;
            };
            let list = match imported(&post, &rows, &names) {
                Ok(l) => l,
                Err((bad, why)) => {
                    self.report.counts_mut("comments").failed += rows.len() - 1;
                    let p = self.export.record_problem("comments", rows[bad], why);
                    self.report.fail("comments", p);
                    continue;
                }
            };
            if self.dry_run {
                self.report.counts_mut("comments").created += list.len();
                continue;
            }
            match self.store.import_comments(article_id, &list).await {
                Ok(r) => self.report.counts_mut("comments").add_recorded(r),
                Err(e) => {
                    self.report.counts_mut("comments").failed += list.len() - 1;
                    let m = format!("the {} comments of post {post:?}: {e}", list.len());
                    let p = self.export.problem(None, m);
                    self.report.fail("comments", p);
                }
            }
        }
        if orphans > 0 {
            let why = "their post was not imported as an article (a page, or a post that failed)";
            self.report.skipped.push(("comments".into(), orphans, why.into()));
        }
    }
}
