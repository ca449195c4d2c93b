//! A comment as moderators and pages see it, and where it is in moderation.

use super::EDIT_WINDOW;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Where a comment is in moderation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CommentStatus {
    Pending,
    Approved,
    Spam,
    Trash,
    /// Deleted by its writer: kept (as "deleted") only while replies hang from it.
    Deleted,
    /// A guest's comment whose email address is not confirmed yet: nobody sees it, and
    /// moderators only once it is confirmed (it then goes through the usual rules).
    Unconfirmed,
}

impl CommentStatus {
    /// The statuses moderators see as queues.
    pub const QUEUES: [CommentStatus; 4] = [
        CommentStatus::Pending,
        CommentStatus::Approved,
        CommentStatus::Spam,
        CommentStatus::Trash,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CommentStatus::Pending => "pending",
            CommentStatus::Approved => "approved",
            CommentStatus::Spam => "spam",
            CommentStatus::Trash => "trash",
            CommentStatus::Deleted => "deleted",
            CommentStatus::Unconfirmed => "unconfirmed",
        }
    }

    pub fn parse(s: &str) -> Option<CommentStatus> {
        [
            CommentStatus::Pending,
            CommentStatus::Approved,
            CommentStatus::Spam,
            CommentStatus::Trash,
            CommentStatus::Deleted,
            CommentStatus::Unconfirmed,
        ]
        .into_iter()
        .find(|c| c.as_str() == s)
    }
}

/// A comment as moderators and pages see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Comment {
    pub id: i64,
    pub article_id: i64,
    pub parent_id: Option<i64>,
    pub member_id: Option<i64>,
    /// A guest's email address (never shown to readers); `None` for members and staff.
    pub guest_email: Option<String>,
    /// The name shown: the member's name, or "A member"; a guest's given name; a staff
    /// reply's staff name.
    pub author_name: String,
    /// A reply by staff, marked as such.
    pub staff: bool,
    pub body: String,
    pub body_html: String,
    pub status: CommentStatus,
    /// Why it was held, in words (empty when it was not).
    pub held_because: String,
    pub pinned: bool,
    /// Hidden with all of its writer's comments (not shown, whatever its status).
    pub hidden: bool,
    pub created_at: DateTime<Utc>,
    pub edited_at: Option<DateTime<Utc>>,
    /// Open reports by readers.
    pub reports: i64,
}

impl Comment {
    /// May its writer still edit it at `now`?
    pub fn editable(&self, now: DateTime<Utc>) -> bool {
        now < self.created_at + EDIT_WINDOW
            && matches!(self.status, CommentStatus::Pending | CommentStatus::Approved)
    }

    /// Is it shown on the article's page?
    pub fn public(&self) -> bool {
        self.status == CommentStatus::Approved && !self.hidden
    }
}
