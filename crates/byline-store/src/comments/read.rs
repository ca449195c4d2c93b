//! What pages, moderators and the mail jobs read: an article's public comments, counts for
//! lists, a member's own comments on an article, the moderation queue, and what a report
//! email says.

use super::comment_from;
use crate::entity::{article, comment as row, comment_report, member};
use crate::{Paged, Store, StoreError};
use byline_core::comments::{Comment, CommentStatus};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use std::collections::HashMap;

/// One page of the moderation queue: each comment with its article and writer.
#[derive(Debug, Clone)]
pub struct CommentQueue {
    pub status: CommentStatus,
    pub page: Paged<QueuedComment>,
    /// How many comments each queue holds.
    pub counts: Vec<(CommentStatus, u64)>,
}

#[derive(Debug, Clone)]
pub struct QueuedComment {
    pub comment: Comment,
    pub article_title: String,
    pub article_slug: String,
    pub member_email: Option<String>,
    /// Why readers reported it (open reports).
    pub report_reasons: Vec<String>,
}

/// The depth of comment `id` on `article_id` (0: top level) and its parent, if it is there
/// and public (replies go only under comments readers can see).
pub(crate) async fn parent_in(
    db: &impl ConnectionTrait,
    id: i64,
    article_id: i64,
) -> Result<Option<(u32, Option<i64>)>, StoreError> {
    let Some(p) = row::Entity::find_by_id(id).one(db).await? else { return Ok(None) };
    if p.article_id != article_id || p.status != "approved" || p.hidden {
        return Ok(None);
    }
    let mut depth = 0;
    let mut up = p.parent_id;
    while let Some(pid) = up {
        depth += 1;
        if depth > byline_core::comments::MAX_DEPTH + 1 {
            break;
        }
        up = row::Entity::find_by_id(pid).one(db).await?.and_then(|c| c.parent_id);
    }
    Ok(Some((depth, p.parent_id)))
}

async fn open_reports(
    db: &impl ConnectionTrait,
    ids: Vec<i64>,
) -> Result<HashMap<i64, Vec<String>>, StoreError> {
    let mut out: HashMap<i64, Vec<String>> = HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    for r in comment_report::Entity::find()
        .filter(comment_report::Column::CommentId.is_in(ids))
        .filter(comment_report::Column::Resolved.eq(false))
        .order_by_asc(comment_report::Column::Id)
        .all(db)
        .await?
    {
        out.entry(r.comment_id).or_default().push(r.reason);
    }
    Ok(out)
}

impl Store {
    /// The comments an article's page shows, oldest first: approved ones not hidden, and
    /// deleted ones (without their text) so that their replies keep their place.
    pub async fn article_comments(&self, article_id: i64) -> Result<Vec<Comment>, StoreError> {
        let rows = row::Entity::find()
            .filter(row::Column::ArticleId.eq(article_id))
            .filter(row::Column::Status.is_in(["approved", "deleted"]))
            .filter(row::Column::Hidden.eq(false))
            .order_by_asc(row::Column::CreatedAt)
            .order_by_asc(row::Column::Id)
            .all(self.db())
            .await?;
        Ok(rows.into_iter().map(|r| comment_from(r, 0)).collect())
    }

    /// How many public comments each of these articles has (absent: none).
    pub async fn comment_counts(&self, ids: &[i64]) -> Result<HashMap<i64, u64>, StoreError> {
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        let rows: Vec<(i64, i64)> = row::Entity::find()
            .select_only()
            .column(row::Column::ArticleId)
            .column_as(row::Column::Id.count(), "n")
            .filter(row::Column::ArticleId.is_in(ids.to_vec()))
            .filter(row::Column::Status.eq("approved"))
            .filter(row::Column::Hidden.eq(false))
            .group_by(row::Column::ArticleId)
            .into_tuple()
            .all(self.db())
            .await?;
        Ok(rows.into_iter().map(|(a, n)| (a, n.max(0) as u64)).collect())
    }

    /// A member's own comments on an article (pending and approved), oldest first.
    pub async fn member_comments_on(
        &self,
        member_id: i64,
        article_id: i64,
    ) -> Result<Vec<Comment>, StoreError> {
        let rows = row::Entity::find()
            .filter(row::Column::ArticleId.eq(article_id))
            .filter(row::Column::MemberId.eq(member_id))
            .filter(row::Column::Status.is_in(["pending", "approved"]))
            .order_by_asc(row::Column::CreatedAt)
            .all(self.db())
            .await?;
        Ok(rows.into_iter().map(|r| comment_from(r, 0)).collect())
    }

    /// One comment, whatever its status.
    pub async fn comment(&self, id: i64) -> Result<Comment, StoreError> {
        let r = row::Entity::find_by_id(id)
            .one(self.db())
            .await?
            .ok_or_else(|| StoreError::not_found("comment", id.to_string()))?;
        let reports = open_reports(self.db(), vec![id]).await?;
        Ok(comment_from(r, reports.get(&id).map_or(0, |v| v.len() as i64)))
    }

    /// One page (1-based) of a moderation queue, newest first; reported comments first in
    /// the approved queue.
    pub async fn comment_queue(
        &self,
        status: CommentStatus,
        page: u64,
        per_page: u64,
    ) -> Result<CommentQueue, StoreError> {
        let db = self.db();
        let page = page.max(1);
        let q = row::Entity::find().filter(row::Column::Status.eq(status.as_str()));
        let total = q.clone().count(db).await?;
        let rows = q
            .order_by_desc(row::Column::CreatedAt)
            .order_by_desc(row::Column::Id)
            .limit(per_page)
            .offset((page - 1) * per_page)
            .all(db)
            .await?;
        let article_ids: Vec<i64> = rows.iter().map(|r| r.article_id).collect();
        let articles: HashMap<i64, article::Model> = article::Entity::find()
            .filter(article::Column::Id.is_in(article_ids))
            .all(db)
            .await?
            .into_iter()
            .map(|a| (a.id, a))
            .collect();
        let member_ids: Vec<i64> = rows.iter().filter_map(|r| r.member_id).collect();
        let emails: HashMap<i64, String> = member::Entity::find()
            .filter(member::Column::Id.is_in(member_ids))
            .all(db)
            .await?
            .into_iter()
            .map(|m| (m.id, m.email))
            .collect();
        let mut reports = open_reports(db, rows.iter().map(|r| r.id).collect()).await?;
        let items = rows
            .into_iter()
            .map(|r| {
                let a = articles.get(&r.article_id);
                let reasons = reports.remove(&r.id).unwrap_or_default();
                QueuedComment {
                    article_title: a.map(|a| a.title.clone()).unwrap_or_default(),
                    article_slug: a.map(|a| a.slug.clone()).unwrap_or_default(),
                    member_email: r.member_id.and_then(|m| emails.get(&m).cloned()),
                    comment: comment_from(r, reasons.len() as i64),
                    report_reasons: reasons,
                }
            })
            .collect();
        let mut counts = Vec::new();
        for s in CommentStatus::QUEUES {
            let n =
                row::Entity::find().filter(row::Column::Status.eq(s.as_str())).count(db).await?;
            counts.push((s, n));
        }
        Ok(CommentQueue { status, page: Paged { items, page, per_page, total }, counts })
    }

    /// The pending comments moderators are told of (newest first, at most `limit`) and how
    /// many wait in all.
    pub async fn pending_digest(
        &self,
        limit: u64,
    ) -> Result<(u64, Vec<QueuedComment>), StoreError> {
        let q = self.comment_queue(CommentStatus::Pending, 1, limit).await?;
        Ok((q.page.total, q.page.items))
    }

    /// One comment with its article, writer's address and open reports (its admin page).
    pub async fn queued_comment(&self, id: i64) -> Result<QueuedComment, StoreError> {
        let c = self.comment(id).await?;
        let a = article::Entity::find_by_id(c.article_id)
            .one(self.db())
            .await?
            .ok_or_else(|| StoreError::not_found("article", c.article_id.to_string()))?;
        let member_email = match c.member_id {
            Some(m) => member::Entity::find_by_id(m).one(self.db()).await?.map(|m| m.email),
            None => None,
        };
        let report_reasons =
            open_reports(self.db(), vec![id]).await?.remove(&id).unwrap_or_default();
        Ok(QueuedComment {
            comment: c,
            article_title: a.title,
            article_slug: a.slug,
            member_email,
            report_reasons,
        })
    }

    /// A report and the comment it is about, for the moderators' email.
    pub async fn comment_report(&self, id: i64) -> Result<(String, QueuedComment), StoreError> {
        let r = comment_report::Entity::find_by_id(id)
            .one(self.db())
            .await?
            .ok_or_else(|| StoreError::not_found("comment report", id.to_string()))?;
        Ok((r.reason, self.queued_comment(r.comment_id).await?))
    }
}
