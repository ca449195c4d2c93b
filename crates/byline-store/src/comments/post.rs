//! What members do with comments: post one (or a reply), edit it within the edit window,
//! delete it, and report someone else's.
//!
//! Posting is one write transaction that checks everything against the database: the
//! article is published and open, the member is not banned, the rate limits (per member and
//! per client address, counted from the comments themselves so they hold across nodes), a
//! duplicate, the parent; then the rules of `byline_core::comments` decide approved, held or
//! refused. An approved comment logs its article's tag and queues the reply email; a held
//! one queues the moderators' digest.

use super::{bans, comment_from, read, replies, settings};
use crate::entity::{article, comment as row, comment_report, member};
use crate::{Store, StoreError, changes, jobs};
use byline_core::comment_text;
use byline_core::comments::{
    self, Comment, CommentStatus, HoldReason, PER_CLIENT, PER_MEMBER, RATE_WINDOW, Refusal, Verdict,
};
use byline_core::jobs::{SendCommentDigest, SendCommentReply, SendCommentReport};
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder,
};

/// A member's new comment, its text already read from the form.
#[derive(Debug, Clone)]
pub struct NewComment {
    pub article_id: i64,
    pub member_id: i64,
    pub parent_id: Option<i64>,
    pub body: String,
    /// The client's address, for the per-client limit.
    pub client: String,
}

/// Why a comment was not kept (or an edit not made). Nothing the writer typed is lost: the
/// form shows it again with this message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommentRefused {
    /// Comments are not open to this member here.
    Closed(Refusal),
    /// Empty, too long, or a reply to a comment that is not there.
    Invalid(String),
    /// Contains a blocked word.
    Blocked(String),
    /// The same text was posted on this article lately.
    Duplicate,
    /// Too many comments lately; try again after this many seconds.
    TooMany { retry_after: u64 },
    /// The edit window has passed, or the comment is not theirs.
    NotEditable,
}

impl CommentRefused {
    /// In words for the form.
    pub fn message(&self) -> String {
        match self {
            CommentRefused::Closed(r) => r.message().to_owned(),
            CommentRefused::Invalid(m) | CommentRefused::Blocked(m) => m.clone(),
            CommentRefused::Duplicate => {
                "You already posted this comment here; it is below (or waiting for a moderator)."
                    .into()
            }
            CommentRefused::TooMany { retry_after } => format!(
                "You have commented a lot in the last few minutes. Please try again in {} minutes.",
                retry_after.div_ceil(60).max(1)
            ),
            CommentRefused::NotEditable => format!(
                "A comment can be edited for {} minutes after it is posted; this one no longer can.",
                comments::EDIT_WINDOW.num_minutes()
            ),
        }
    }
}

/// The article if comments may be posted on it now.
pub(crate) async fn open_article(
    db: &impl ConnectionTrait,
    article_id: i64,
    s: &comments::CommentSettings,
    now: DateTime<Utc>,
) -> Result<Result<article::Model, CommentRefused>, StoreError> {
    let a = article::Entity::find_by_id(article_id)
        .one(db)
        .await?
        .filter(|a| {
            a.trashed_at.is_none()
                && matches!(a.status.as_str(), "published" | "scheduled")
                && a.published_at.is_some_and(|p| p <= now)
        })
        .ok_or_else(|| StoreError::not_found("article", article_id.to_string()))?;
    let own_days = a.comments_close_days.map(|d| u32::try_from(d).unwrap_or(0));
    Ok(s.open_with(a.comments, own_days, a.published_at, now)
        .map(|()| a)
        .map_err(CommentRefused::Closed))
}

/// Who posts a new comment, for the checks every new comment meets before it is kept.
pub(crate) struct Poster<'a> {
    /// Their comments: a member's, or those from a guest's address.
    pub whose: Condition,
    /// How many of their comments [`RATE_WINDOW`] allows.
    pub per_window: u64,
    /// The statuses of their comments an identical text counts as a duplicate among.
    pub counted: &'a [&'a str],
    /// The client's address, for the per-client limit.
    pub client: &'a str,
}

/// The checks a new comment meets before it is kept, whoever posts it: the rate limits (the
/// poster's and the client's, counted from the comments themselves so they hold across
/// nodes), a duplicate on this article within a day, and the parent it replies to. `Ok`
/// with the parent the reply is kept under (see [`comments::CommentSettings::reply_parent`]).
pub(crate) async fn refused_before_saving(
    db: &impl ConnectionTrait,
    who: &Poster<'_>,
    s: &comments::CommentSettings,
    article_id: i64,
    body: &str,
    parent: Option<i64>,
    now: DateTime<Utc>,
) -> Result<Result<Option<i64>, CommentRefused>, StoreError> {
    let since = now - RATE_WINDOW;
    let by_client = Condition::all().add(row::Column::Client.eq(who.client));
    for (whose, max) in [(who.whose.clone(), who.per_window), (by_client, PER_CLIENT)] {
        let (n, oldest) = recent(db, whose, since).await?;
        if n >= max {
            let retry_after =
                (oldest.unwrap_or(now) + RATE_WINDOW - now).num_seconds().max(1) as u64;
            return Ok(Err(CommentRefused::TooMany { retry_after }));
        }
    }
    let duplicate = row::Entity::find()
        .filter(who.whose.clone())
        .filter(row::Column::ArticleId.eq(article_id))
        .filter(row::Column::Body.eq(body))
        .filter(row::Column::Status.is_in(who.counted.iter().copied()))
        .filter(row::Column::CreatedAt.gt(now - Duration::days(1)))
        .count(db)
        .await?;
    if duplicate > 0 {
        return Ok(Err(CommentRefused::Duplicate));
    }
    let Some(pid) = parent else { return Ok(Ok(None)) };
    Ok(match read::parent_in(db, pid, article_id).await? {
        Some((depth, grandparent)) => Ok(s.reply_parent(pid, depth, grandparent)),
        None => {
            Err(CommentRefused::Invalid("The comment you replied to is not there any more.".into()))
        }
    })
}

/// Has the poster (`whose`: a member, or a guest's address) had a comment approved before?
/// (Their first is held when the publication says so.)
pub(crate) async fn approved_before(
    db: &impl ConnectionTrait,
    whose: Condition,
) -> Result<bool, StoreError> {
    let n = row::Entity::find()
        .filter(whose)
        .filter(row::Column::Status.eq("approved"))
        .count(db)
        .await?;
    Ok(n > 0)
}

/// Comments counted by `whose` since the window began, and when the oldest leaves it.
pub(crate) async fn recent(
    db: &impl ConnectionTrait,
    whose: Condition,
    since: DateTime<Utc>,
) -> Result<(u64, Option<DateTime<Utc>>), StoreError> {
    let q = row::Entity::find().filter(whose).filter(row::Column::CreatedAt.gt(since));
    let n = q.clone().count(db).await?;
    let oldest = q.order_by_asc(row::Column::CreatedAt).one(db).await?.map(|c| c.created_at);
    Ok((n, oldest))
}

/// Queues the moderators' digest unless one is waiting; it runs a little later, so that a
/// burst of held comments makes one message.
pub(crate) async fn queue_digest(db: &impl ConnectionTrait) -> Result<(), StoreError> {
    use crate::entity::job;
    use byline_core::jobs::Job;
    let waiting = job::Entity::find()
        .filter(job::Column::Kind.eq(SendCommentDigest::KIND))
        .filter(job::Column::State.eq("queued"))
        .count(db)
        .await?;
    if waiting == 0 {
        let id = jobs::enqueue(db, &SendCommentDigest {}).await?;
        job::Entity::update_many()
            .col_expr(job::Column::RunAt, Expr::value(Utc::now() + Duration::minutes(15)))
            .filter(job::Column::Id.eq(id))
            .exec(db)
            .await?;
    }
    Ok(())
}

/// What follows a comment's approval: its article's page changes, and the writer of the
/// comment it replies to is told (once; whom: see [`replies`]).
pub(crate) async fn approved(db: &impl ConnectionTrait, c: &row::Model) -> Result<(), StoreError> {
    changes::log(db, &[changes::article(c.article_id)]).await?;
    if c.reply_mailed {
        return Ok(());
    }
    if replies::recipient(db, c).await?.is_some() {
        jobs::enqueue(db, &SendCommentReply { comment_id: c.id }).await?;
        row::Entity::update_many()
            .col_expr(row::Column::ReplyMailed, Expr::value(true))
            .filter(row::Column::Id.eq(c.id))
            .exec(db)
            .await?;
    }
    Ok(())
}

impl Store {
    /// Posts a member's comment: approved, held for moderation (the comment says why), or
    /// refused with the reason.
    pub async fn post_comment(
        &self,
        new: &NewComment,
    ) -> Result<Result<Comment, CommentRefused>, StoreError> {
        let body = match comments::check_body(&new.body) {
            Ok(b) => b,
            Err(why) => return Ok(Err(CommentRefused::Invalid(why))),
        };
        let txn = self.write().await?;
        let now = Utc::now();
        let s = settings::settings_in(&txn).await?;
        let article = match open_article(&txn, new.article_id, &s, now).await? {
            Ok(a) => a,
            Err(refused) => return Ok(Err(refused)),
        };
        let m = member::Entity::find_by_id(new.member_id)
            .one(&txn)
            .await?
            .ok_or_else(|| StoreError::not_found("member", new.member_id.to_string()))?;
        if bans::banned_in(&txn, m.id, now).await? {
            return Ok(Err(CommentRefused::Closed(Refusal::Banned)));
        }
        let who = Poster {
            whose: Condition::all().add(row::Column::MemberId.eq(m.id)),
            per_window: PER_MEMBER,
            counted: &["pending", "approved", "spam"],
            client: &new.client,
        };
        let parent_id =
            match refused_before_saving(&txn, &who, &s, article.id, &body, new.parent_id, now)
                .await?
            {
                Ok(p) => p,
                Err(refused) => return Ok(Err(refused)),
            };
        let (status, why) = match s.judge(&body, approved_before(&txn, who.whose).await?) {
            Verdict::Refused(why) => return Ok(Err(CommentRefused::Blocked(why))),
            Verdict::Approved => (CommentStatus::Approved, String::new()),
            Verdict::Held(why) => (CommentStatus::Pending, HoldReason::describe_all(&why)),
        };
        let hidden = bans::hides_all_in(&txn, m.id).await?;
        let saved = row::Entity::insert(row::ActiveModel {
            article_id: Set(article.id),
            parent_id: Set(parent_id),
            member_id: Set(Some(m.id)),
            staff_id: Set(None),
            author_name: Set(m
                .name
                .clone()
                .filter(|n| !n.trim().is_empty())
                .unwrap_or_else(|| "A member".to_owned())),
            body_html: Set(comment_text::to_html(&body)),
            body: Set(body),
            status: Set(status.as_str().to_owned()),
            held_because: Set(why),
            pinned: Set(false),
            hidden: Set(hidden),
            client: Set(Some(new.client.chars().take(64).collect())),
            created_at: Set(now),
            edited_at: Set(None),
            updated_at: Set(now),
            reply_mailed: Set(false),
            ..Default::default()
        })
        .exec_with_returning(&txn)
        .await?;
        match status {
            CommentStatus::Approved => approved(&txn, &saved).await?,
            _ => queue_digest(&txn).await?,
        }
        txn.commit().await?;
        Ok(Ok(comment_from(saved, 0)))
    }

    /// A member edits their own comment within the edit window. An approved comment stays
    /// approved unless the new text would be held (then it waits again) or is refused.
    pub async fn edit_own_comment(
        &self,
        member_id: i64,
        comment_id: i64,
        body: &str,
    ) -> Result<Result<Comment, CommentRefused>, StoreError> {
        let body = match comments::check_body(body) {
            Ok(b) => b,
            Err(why) => return Ok(Err(CommentRefused::Invalid(why))),
        };
        let txn = self.write().await?;
        let now = Utc::now();
        let c = own_in(&txn, member_id, comment_id).await?;
        if !comment_from(c.clone(), 0).editable(now) {
            return Ok(Err(CommentRefused::NotEditable));
        }
        let s = settings::settings_in(&txn).await?;
        let (status, why) = match (s.judge(&body, true), c.status.as_str()) {
            (Verdict::Refused(why), _) => return Ok(Err(CommentRefused::Blocked(why))),
            (Verdict::Held(why), _) => ("pending", HoldReason::describe_all(&why)),
            (Verdict::Approved, st) => (st, c.held_because.clone()),
        };
        let was_public = c.status == "approved";
        row::Entity::update_many()
            .col_expr(row::Column::BodyHtml, Expr::value(comment_text::to_html(&body)))
            .col_expr(row::Column::Body, Expr::value(body))
            .col_expr(row::Column::Status, Expr::value(status))
            .col_expr(row::Column::HeldBecause, Expr::value(why))
            .col_expr(row::Column::EditedAt, Expr::value(now))
            .col_expr(row::Column::UpdatedAt, Expr::value(now))
            .filter(row::Column::Id.eq(c.id))
            .exec(&txn)
            .await?;
        if was_public {
            changes::log(&txn, &[changes::article(c.article_id)]).await?;
        }
        if status == "pending" {
            queue_digest(&txn).await?;
        }
        let saved = own_in(&txn, member_id, comment_id).await?;
        txn.commit().await?;
        Ok(Ok(comment_from(saved, 0)))
    }

    /// A member deletes their own comment, any time. Its text is gone at once; while
    /// replies hang from it, the thread shows "deleted" in its place.
    pub async fn delete_own_comment(
        &self,
        member_id: i64,
        comment_id: i64,
    ) -> Result<(), StoreError> {
        let txn = self.write().await?;
        let c = own_in(&txn, member_id, comment_id).await?;
        row::Entity::update_many()
            .col_expr(row::Column::Status, Expr::value("deleted"))
            .col_expr(row::Column::Body, Expr::value(""))
            .col_expr(row::Column::BodyHtml, Expr::value(""))
            .col_expr(row::Column::Pinned, Expr::value(false))
            .col_expr(row::Column::UpdatedAt, Expr::value(Utc::now()))
            .filter(row::Column::Id.eq(c.id))
            .exec(&txn)
            .await?;
        if c.status == "approved" {
            changes::log(&txn, &[changes::article(c.article_id)]).await?;
        }
        txn.commit().await?;
        Ok(())
    }

    /// A member reports a comment they can see; moderators are told. Reporting the same
    /// comment twice counts once. Returns whether this report was new.
    pub async fn report_comment(
        &self,
        member_id: i64,
        comment_id: i64,
        reason: &str,
    ) -> Result<bool, StoreError> {
        let reason: String = reason.trim().chars().take(500).collect();
        let txn = self.write().await?;
        let c = row::Entity::find_by_id(comment_id)
            .one(&txn)
            .await?
            .filter(|c| c.status == "approved" && !c.hidden)
            .ok_or_else(|| StoreError::not_found("comment", comment_id.to_string()))?;
        let already = comment_report::Entity::find()
            .filter(comment_report::Column::CommentId.eq(c.id))
            .filter(comment_report::Column::MemberId.eq(member_id))
            .count(&txn)
            .await?;
        if already > 0 {
            return Ok(false);
        }
        let id = comment_report::Entity::insert(comment_report::ActiveModel {
            comment_id: Set(c.id),
            member_id: Set(member_id),
            reason: Set(reason),
            created_at: Set(Utc::now()),
            resolved: Set(false),
            ..Default::default()
        })
        .exec(&txn)
        .await?
        .last_insert_id;
        jobs::enqueue(&txn, &SendCommentReport { report_id: id }).await?;
        txn.commit().await?;
        Ok(true)
    }
}

/// The member's own comment (deleted ones are gone for them).
async fn own_in(
    db: &impl ConnectionTrait,
    member_id: i64,
    comment_id: i64,
) -> Result<row::Model, StoreError> {
    row::Entity::find_by_id(comment_id)
        .one(db)
        .await?
        .filter(|c| c.member_id == Some(member_id) && c.status != "deleted")
        .ok_or_else(|| StoreError::not_found("comment", comment_id.to_string()))
}
