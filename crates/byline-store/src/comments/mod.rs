//! Comments on articles: the publication's comment settings ([`settings`]), posting,
//! editing, deleting and reporting by members ([`post`]), what pages and moderators read
//! ([`read`]), moderation by staff ([`moderation`]), commenters' standing: bans, hiding
//! all of a member's comments, reply emails ([`bans`]), guests' comments held until
//! their email address is confirmed by a link (the `everyone` mode, [`guests`]), who is
//! told of a reply and a guest's stop of those emails ([`replies`]), and comments brought
//! by importers ([`imported`]).
//!
//! Every change that alters what an article's page shows logs that article's tag alone
//! (`article:ID`), so the page cache drops that page and nothing else; every staff action is
//! audited in its own transaction.

mod bans;
mod guests;
pub(crate) mod imported;
mod moderation;
mod post;
mod read;
mod replies;
mod settings;

pub use bans::{Ban, Commenter};
pub use guests::{ConfirmRefused, ConfirmedComment, MintedConfirmation, NewGuestComment};
pub use imported::ImportedComment;
pub use moderation::{ModerationAction, StaffReply};
pub use post::{CommentRefused, NewComment};
pub use read::{CommentQueue, QueuedComment};
pub use replies::ReplyNotice;

use crate::entity::comment as row;
use byline_core::comments::{Comment, CommentStatus};

/// A comment from its row, with its count of open reports.
pub(crate) fn comment_from(m: row::Model, reports: i64) -> Comment {
    Comment {
        id: m.id,
        article_id: m.article_id,
        parent_id: m.parent_id,
        member_id: m.member_id,
        // Members and guests write comments, staff write replies (a member's go with them
        // when deleted); an imported comment has neither member nor guest, and is no reply.
        staff: m.member_id.is_none() && m.guest_email.is_none() && m.import_key.is_none(),
        guest_email: m.guest_email,
        author_name: m.author_name,
        body: m.body,
        body_html: m.body_html,
        status: CommentStatus::parse(&m.status).unwrap_or(CommentStatus::Pending),
        held_because: m.held_because,
        pinned: m.pinned,
        hidden: m.hidden,
        created_at: m.created_at,
        edited_at: m.edited_at,
        reports,
    }
}

/// The audit log's name for a comment.
pub(crate) fn subject(id: i64, article_id: i64) -> String {
    format!("comment {id} on article {article_id}")
}

#[cfg(feature = "testing")]
impl crate::Store {
    /// Tests only: moves every comment's posting time `by` into the past, as if that time
    /// had gone by (the edit window, the rate limits).
    pub async fn age_comments(&self, by: chrono::Duration) -> Result<(), crate::StoreError> {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
        let txn = self.write().await?;
        for c in row::Entity::find().all(&txn).await? {
            row::Entity::update_many()
                .col_expr(row::Column::CreatedAt, Expr::value(c.created_at - by))
                .filter(row::Column::Id.eq(c.id))
                .exec(&txn)
                .await?;
        }
        txn.commit().await?;
        Ok(())
    }
}
