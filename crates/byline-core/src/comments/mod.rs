//! Comments on articles: who may comment (the publication's setting and the article's own
//! switch), how replies thread, how long a member may edit, and what makes a comment held
//! for moderation or refused outright. The text itself (the small Markdown subset and its
//! sanitizing) is in [`crate::comment_text`].
//!
//! No IO: the store asks these rules with the facts it has read (is this the member's first
//! comment? how old is the article?) and keeps what they answer.
//!
//! - who may comment and why not: here ([`CommentMode`], [`Refusal`]);
//! - the publication's settings and what they decide (open or closed, and until when; held,
//!   approved or refused; where a reply goes): [`settings`];
//! - a comment and its status: [`comment`];
//! - the link in a guest's reply email that stops those emails: [`reply_stop`].

mod comment;
mod reply_stop;
mod settings;

pub use comment::{Comment, CommentStatus};
pub use reply_stop::{reply_stop_email, reply_stop_token};
pub use settings::{CommentSettings, HoldReason, Verdict, count_links};

use crate::members::Reader;
use chrono::Duration;
use serde::{Deserialize, Serialize};

/// How long after posting a member may still edit their comment.
pub const EDIT_WINDOW: Duration = Duration::minutes(15);
/// Comments one member may post within [`RATE_WINDOW`].
pub const PER_MEMBER: u64 = 10;
/// Comments one client address may post within [`RATE_WINDOW`].
pub const PER_CLIENT: u64 = 30;
/// The window the rate limits count over.
pub const RATE_WINDOW: Duration = Duration::minutes(10);
/// The deepest thread a publication may choose.
pub const MAX_DEPTH: u32 = 10;
/// Comments one email address may post as a guest within [`RATE_WINDOW`] (each sends a
/// confirmation email, so this also limits the mail a stranger can cause to one address).
pub const PER_GUEST_EMAIL: u64 = 5;
/// How long a guest's confirmation link works.
pub const CONFIRM_VALID_FOR: Duration = Duration::hours(24);

/// Who may comment: the publication's choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum CommentMode {
    /// Nobody: comments are hidden everywhere.
    Off,
    /// Any signed-in member (their email was confirmed by their sign-in link).
    #[default]
    Members,
    /// Members holding a paid tier.
    Paid,
    /// Anyone: members as they are, and readers who are not signed in with a name and an
    /// email address, their comment held until they confirm the address by a link.
    Everyone,
}

impl CommentMode {
    pub const ALL: [CommentMode; 4] =
        [CommentMode::Off, CommentMode::Members, CommentMode::Paid, CommentMode::Everyone];

    pub fn as_str(self) -> &'static str {
        match self {
            CommentMode::Off => "off",
            CommentMode::Members => "members",
            CommentMode::Paid => "paid",
            CommentMode::Everyone => "everyone",
        }
    }

    pub fn parse(s: &str) -> Option<CommentMode> {
        CommentMode::ALL.into_iter().find(|m| m.as_str() == s.trim().to_ascii_lowercase())
    }

    /// May this reader post? `Err` says why not, in words for the page.
    pub fn allows(self, reader: &Reader) -> Result<(), Refusal> {
        match (self, reader) {
            (CommentMode::Off, _) => Err(Refusal::Off),
            (CommentMode::Paid, Reader::Member { paid: true, .. }) => Ok(()),
            (CommentMode::Paid, Reader::Member { .. }) => Err(Refusal::PaidOnly),
            (CommentMode::Everyone, Reader::Anonymous) => Ok(()),
            (_, Reader::Anonymous) => Err(Refusal::SignIn),
            (CommentMode::Members | CommentMode::Everyone, Reader::Member { .. }) => Ok(()),
        }
    }
}

/// Why a reader may not comment (here, now).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Refusal {
    Off,
    SignIn,
    PaidOnly,
    ClosedByArticle,
    ClosedByAge,
    Banned,
}

impl Refusal {
    pub fn message(self) -> &'static str {
        match self {
            Refusal::Off => "Comments are off on this publication.",
            Refusal::SignIn => "Sign in (or join, free) to comment.",
            Refusal::PaidOnly => "Comments are for paying members.",
            Refusal::ClosedByArticle => "Comments are closed on this article.",
            Refusal::ClosedByAge => "Comments on this article are closed: it is too old.",
            Refusal::Banned => "You may not comment on this publication.",
        }
    }
}

pub use crate::comment_form::{MAX_BODY_CHARS, MIN_SECONDS_TO_POST, check_body};

#[cfg(test)]
mod tests {
    use super::*;

    fn member(paid: bool) -> Reader {
        Reader::Member { paid, tiers: vec!["free".into()] }
    }

    #[test]
    fn who_may_comment() {
        assert_eq!(CommentMode::Members.allows(&member(false)), Ok(()));
        assert_eq!(CommentMode::Members.allows(&Reader::Anonymous), Err(Refusal::SignIn));
        assert_eq!(CommentMode::Paid.allows(&Reader::Anonymous), Err(Refusal::SignIn));
        assert_eq!(CommentMode::Everyone.allows(&Reader::Anonymous), Ok(()));
        assert_eq!(CommentMode::Everyone.allows(&member(false)), Ok(()));
        assert_eq!(CommentMode::Paid.allows(&member(false)), Err(Refusal::PaidOnly));
        assert_eq!(CommentMode::Paid.allows(&member(true)), Ok(()));
        assert_eq!(CommentMode::Off.allows(&member(true)), Err(Refusal::Off));
        assert_eq!(CommentMode::parse(" Everyone"), Some(CommentMode::Everyone));
        assert_eq!(CommentMode::parse("all"), None);
    }
}
