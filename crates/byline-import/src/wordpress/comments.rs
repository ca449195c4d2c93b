//! A post's comments (`wp:comment`) into the comments store, threads kept by
//! `wp:comment_parent` and approval mapped (`1` approved, `0` pending, `spam`, `trash`).
//! Each is keyed by its post's import key and its WordPress id, so a re-import updates
//! instead of duplicating. Pingbacks and trackbacks are not comments and are skipped.

use super::items::Run;
use super::paragraphs::autop;
use super::records::{WpComment, WpItem};
use super::report::WxrReport;
use crate::batch::Writer;
use crate::html_md::to_markdown;
use byline_core::comments::CommentStatus;
use byline_store::ImportedComment;

fn is_comment(c: &WpComment) -> bool {
    matches!(c.kind.as_str(), "" | "comment")
}

fn status_of(c: &WpComment) -> CommentStatus {
    match c.approved.as_str() {
        "1" | "approve" => CommentStatus::Approved,
        "spam" => CommentStatus::Spam,
        "trash" | "post-trashed" => CommentStatus::Trash,
        _ => CommentStatus::Pending,
    }
}

/// The comments of `it` as the store takes them, parents before replies.
fn imported(it: &WpItem, post_key: &str) -> Vec<ImportedComment> {
    let mut list: Vec<&WpComment> = it.comments.iter().filter(|c| is_comment(c)).collect();
    list.sort_by_key(|c| c.id);
    let key = |id: i64| format!("{post_key}#comment-{id}");
    list.into_iter()
        .map(|c| {
            let author = c.author.trim();
            ImportedComment {
                key: key(c.id),
                parent_key: c.parent.map(key),
                author_name: if author.is_empty() { "Anonymous".into() } else { author.into() },
                body: to_markdown(&autop(&c.content)).markdown,
                status: status_of(c),
                created_at: c.date.or(it.date).unwrap_or_default(),
            }
        })
        .collect()
}

impl Run<'_> {
    /// Keeps the comments of the post saved as `article_id` (in a dry run, counts them).
    pub(crate) async fn comments(
        &mut self,
        it: &WpItem,
        article_id: Option<i64>,
        post_key: &str,
        w: &mut Writer<'_>,
        report: &mut WxrReport,
    ) {
        let pings = it.comments.iter().filter(|c| !is_comment(c)).count();
        report.skip("pingbacks and trackbacks", pings);
        let list = imported(it, post_key);
        let Some(article_id) = article_id.filter(|_| !self.options.dry_run) else {
            report.comments.created += list.len();
            return;
        };
        match w.import_comments(article_id, &list).await {
            Ok(r) => report.comments.add_recorded(r),
            Err(e) => {
                report.comments.failed += list.len();
                let m = format!("{}: its {} comments: {e}", it.label(), list.len());
                report.errors.push(self.problem(it.line, m));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn threads_and_approval_come_across_and_pings_do_not() {
        let c = |id, parent, approved: &str, kind: &str| WpComment {
            id,
            parent,
            author: "Ann".into(),
            content: "Hello <em>there</em>".into(),
            approved: approved.into(),
            kind: kind.into(),
            date: None,
        };
        let it = WpItem {
            comments: vec![
                c(3, Some(1), "0", ""),
                c(1, None, "1", "comment"),
                c(2, None, "spam", ""),
                c(4, None, "1", "pingback"),
            ],
            ..Default::default()
        };
        let list = imported(&it, "wordpress:g");
        let shown: Vec<_> =
            list.iter().map(|c| (c.key.as_str(), c.parent_key.as_deref(), c.status)).collect();
        assert_eq!(
            shown,
            [
                ("wordpress:g#comment-1", None, CommentStatus::Approved),
                ("wordpress:g#comment-2", None, CommentStatus::Spam),
                ("wordpress:g#comment-3", Some("wordpress:g#comment-1"), CommentStatus::Pending),
            ]
        );
        assert_eq!(list[0].body, "Hello *there*");
    }
}
