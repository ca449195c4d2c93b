//! Moderation by staff (editors and up; the edge checks the role): approve, mark as spam,
//! trash, restore, pin and unpin, one comment or many at once; delete for good; and staff
//! replies, marked as staff. Each is one transaction with an audit line per comment and the
//! tags of the articles whose comments changed.

use super::{comment_from, post, subject};
use crate::entity::{article, comment as row, comment_report};
use crate::{Store, StoreError, audit, changes};
use byline_core::audit::{Actor, AuditRecord};
use byline_core::comment_text;
use byline_core::comments::{self, Comment};
use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

/// What a moderator does to comments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModerationAction {
    Approve,
    Spam,
    Trash,
    /// Back from spam or trash to the pending queue.
    Restore,
    Pin,
    Unpin,
}

impl ModerationAction {
    pub fn parse(s: &str) -> Option<ModerationAction> {
        Some(match s {
            "approve" => ModerationAction::Approve,
            "spam" => ModerationAction::Spam,
            "trash" => ModerationAction::Trash,
            "restore" => ModerationAction::Restore,
            "pin" => ModerationAction::Pin,
            "unpin" => ModerationAction::Unpin,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ModerationAction::Approve => "approve",
            ModerationAction::Spam => "spam",
            ModerationAction::Trash => "trash",
            ModerationAction::Restore => "restore",
            ModerationAction::Pin => "pin",
            ModerationAction::Unpin => "unpin",
        }
    }

    /// The status it moves a comment to, if it moves it.
    fn status(self) -> Option<&'static str> {
        match self {
            ModerationAction::Approve => Some("approved"),
            ModerationAction::Spam => Some("spam"),
            ModerationAction::Trash => Some("trash"),
            ModerationAction::Restore => Some("pending"),
            ModerationAction::Pin | ModerationAction::Unpin => None,
        }
    }
}

/// A reply written by staff in the admin.
#[derive(Debug, Clone)]
pub struct StaffReply {
    pub parent_id: i64,
    pub body: String,
}

async fn find_in(db: &impl ConnectionTrait, id: i64) -> Result<row::Model, StoreError> {
    row::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|c| c.status != "deleted")
        .ok_or_else(|| StoreError::not_found("comment", id.to_string()))
}

impl Store {
    /// Does `action` to each comment in `ids` (all or none: an unknown id changes nothing).
    /// Only a public comment may be pinned. Returns the comments as they are now.
    pub async fn moderate_comments(
        &self,
        ids: &[i64],
        action: ModerationAction,
        actor: &Actor,
    ) -> Result<Vec<Comment>, StoreError> {
        let txn = self.write().await?;
        let now = Utc::now();
        let mut tags = Vec::new();
        let mut done = Vec::new();
        for &id in ids {
            let c = find_in(&txn, id).await?;
            let mut q = row::Entity::update_many()
                .col_expr(row::Column::UpdatedAt, Expr::value(now))
                .filter(row::Column::Id.eq(id));
            match action {
                ModerationAction::Pin if c.status != "approved" => {
                    return Err(StoreError::Conflict(format!(
                        "comment {id} is {}; only an approved comment can be pinned",
                        c.status
                    )));
                }
                ModerationAction::Pin | ModerationAction::Unpin => {
                    q = q.col_expr(
                        row::Column::Pinned,
                        Expr::value(action == ModerationAction::Pin),
                    );
                }
                _ => {
                    let to = action.status().unwrap_or("pending");
                    q = q.col_expr(row::Column::Status, Expr::value(to));
                    if to != "approved" {
                        q = q.col_expr(row::Column::Pinned, Expr::value(false));
                    }
                }
            }
            q.exec(&txn).await?;
            if action != ModerationAction::Restore {
                comment_report::Entity::update_many()
                    .col_expr(comment_report::Column::Resolved, Expr::value(true))
                    .filter(comment_report::Column::CommentId.eq(id))
                    .exec(&txn)
                    .await?;
            }
            let now_row = find_in(&txn, id).await?;
            if action == ModerationAction::Approve && c.status != "approved" {
                post::approved(&txn, &now_row).await?;
            }
            let record =
                AuditRecord::new(format!("comment.{}", action.as_str()), subject(id, c.article_id))
                    .detail(format!("was {}", c.status));
            audit::write(&txn, actor, &record).await?;
            tags.push(changes::article(c.article_id));
            done.push(comment_from(now_row, 0));
        }
        changes::log(&txn, &tags).await?;
        txn.commit().await?;
        Ok(done)
    }

    /// Deletes a comment for good. Its replies move up to its parent.
    pub async fn delete_comment(&self, id: i64, actor: &Actor) -> Result<(), StoreError> {
        let txn = self.write().await?;
        let c = row::Entity::find_by_id(id)
            .one(&txn)
            .await?
            .ok_or_else(|| StoreError::not_found("comment", id.to_string()))?;
        row::Entity::update_many()
            .col_expr(row::Column::ParentId, Expr::value(c.parent_id))
            .filter(row::Column::ParentId.eq(id))
            .exec(&txn)
            .await?;
        row::Entity::delete_by_id(id).exec(&txn).await?;
        audit::write(
            &txn,
            actor,
            &AuditRecord::new("comment.delete", subject(id, c.article_id))
                .detail(format!("was {}", c.status)),
        )
        .await?;
        changes::log(&txn, &[changes::article(c.article_id)]).await?;
        txn.commit().await?;
        Ok(())
    }

    /// A staff reply to a comment: approved at once and marked as staff; the comment's
    /// writer is told as of any reply.
    pub async fn reply_as_staff(
        &self,
        reply: &StaffReply,
        actor: &Actor,
    ) -> Result<Comment, StoreError> {
        let body = comments::check_body(&reply.body)
            .map_err(|why| byline_core::Invalid::one("body", why))?;
        let txn = self.write().await?;
        let parent = find_in(&txn, reply.parent_id).await?;
        if parent.status != "approved" {
            return Err(StoreError::Conflict(format!(
                "comment {} is {}; approve it before replying",
                parent.id, parent.status
            )));
        }
        article::Entity::find_by_id(parent.article_id)
            .one(&txn)
            .await?
            .ok_or_else(|| StoreError::not_found("article", parent.article_id.to_string()))?;
        let s = super::settings::settings_in(&txn).await?;
        let depth = super::read::parent_in(&txn, parent.id, parent.article_id)
            .await?
            .map_or((0, None), |d| d);
        let parent_id = s.reply_parent(parent.id, depth.0, depth.1);
        let now = Utc::now();
        let saved = row::Entity::insert(row::ActiveModel {
            article_id: Set(parent.article_id),
            parent_id: Set(parent_id),
            member_id: Set(None),
            staff_id: Set(actor.staff_id),
            author_name: Set(actor.name.clone()),
            body_html: Set(comment_text::to_html(&body)),
            body: Set(body),
            status: Set("approved".into()),
            held_because: Set(String::new()),
            pinned: Set(false),
            hidden: Set(false),
            client: Set(None),
            created_at: Set(now),
            edited_at: Set(None),
            updated_at: Set(now),
            reply_mailed: Set(false),
            ..Default::default()
        })
        .exec_with_returning(&txn)
        .await?;
        post::approved(&txn, &saved).await?;
        audit::write(
            &txn,
            actor,
            &AuditRecord::new("comment.reply", subject(saved.id, saved.article_id))
                .detail(format!("in reply to comment {}", parent.id)),
        )
        .await?;
        txn.commit().await?;
        Ok(comment_from(saved, 0))
    }
}
