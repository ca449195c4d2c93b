//! Comments by guests, in the `everyone` mode: a reader who is not signed in gives a name
//! and an email address with their comment. The comment is kept `unconfirmed` (nobody sees
//! it, moderators neither) and a one-time link is mailed through the queue; following the
//! link confirms the address, and the comment then goes through the usual rules (the first
//! comment from that address held, the hold rules, blocked words), as a member's would.
//!
//! - Posting checks what it can at once, so the writer hears it with their text still in
//!   the form: the mode, the article open, blocked words, the rate limits (per client
//!   address and per email address, counted from the comments themselves), duplicates.
//! - The link is stored as the hash of a token nobody is given; the mail job mints the real
//!   one just before sending ([`Store::mint_comment_confirmation`]). It works for
//!   [`CONFIRM_VALID_FOR`] and once: spending it is one write transaction.

use super::post::{
    CommentRefused, Poster, approved, approved_before, open_article, queue_digest,
    refused_before_saving,
};
use super::{comment_from, settings};
use crate::entity::{article, comment as row, comment_confirmation as link};
use crate::{Store, StoreError, jobs};
use byline_core::comment_text;
use byline_core::comments::{
    CONFIRM_VALID_FOR, Comment, CommentMode, CommentStatus, HoldReason, PER_GUEST_EMAIL, Refusal,
    Verdict, check_body,
};
use byline_core::jobs::SendCommentConfirmation;
use byline_core::secret::{hash_token, new_token};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
};

/// What held comments say until their writer confirms the address.
const UNCONFIRMED: &str = "email address not confirmed yet";

/// A guest's comment, its name and address already checked (`comment_form::check_guest`).
#[derive(Debug, Clone)]
pub struct NewGuestComment {
    pub article_id: i64,
    pub parent_id: Option<i64>,
    pub name: String,
    pub email: String,
    pub body: String,
    /// The client's address, for the per-client limit.
    pub client: String,
}

/// A confirmation link's token, minted for its mail.
#[derive(Debug, Clone)]
pub struct MintedConfirmation {
    pub token: String,
    pub email: String,
    pub name: String,
    pub article_title: String,
    pub expires_at: DateTime<Utc>,
}

/// Why a confirmation link does not release its comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfirmRefused {
    /// No such link (mistyped, or replaced by a newer mail).
    Unknown,
    /// Used already.
    Used,
    /// Older than [`CONFIRM_VALID_FOR`].
    Expired,
    /// Confirmed, but the comment cannot be kept now (comments closed since, or a word
    /// blocked since).
    Comment(CommentRefused),
}

impl ConfirmRefused {
    /// In words for the page.
    pub fn message(&self) -> String {
        match self {
            ConfirmRefused::Unknown => {
                "This link does not work. Copy the whole link from the email, or post your \
                 comment again for a new one."
                    .into()
            }
            ConfirmRefused::Used => "This link was used already: your comment is confirmed.".into(),
            ConfirmRefused::Expired => format!(
                "This link has expired (links work for {} hours). Post your comment again for \
                 a new one.",
                CONFIRM_VALID_FOR.num_hours()
            ),
            ConfirmRefused::Comment(r) => r.message(),
        }
    }
}

/// A comment the guest just confirmed, and the article it is on.
#[derive(Debug, Clone)]
pub struct ConfirmedComment {
    pub comment: Comment,
    pub article_slug: String,
}

impl Store {
    /// Keeps a guest's comment unconfirmed and queues the mail with its confirmation link,
    /// or refuses it with the reason.
    pub async fn post_guest_comment(
        &self,
        new: &NewGuestComment,
    ) -> Result<Result<Comment, CommentRefused>, StoreError> {
        let body = match check_body(&new.body) {
            Ok(b) => b,
            Err(why) => return Ok(Err(CommentRefused::Invalid(why))),
        };
        let txn = self.write().await?;
        let now = Utc::now();
        let s = settings::settings_in(&txn).await?;
        if s.mode != CommentMode::Everyone {
            let why = if s.mode == CommentMode::Off { Refusal::Off } else { Refusal::SignIn };
            return Ok(Err(CommentRefused::Closed(why)));
        }
        let article = match open_article(&txn, new.article_id, &s, now).await? {
            Ok(a) => a,
            Err(refused) => return Ok(Err(refused)),
        };
        let who = Poster {
            whose: Condition::all().add(row::Column::GuestEmail.eq(new.email.as_str())),
            per_window: PER_GUEST_EMAIL,
            counted: &["unconfirmed", "pending", "approved", "spam"],
            client: &new.client,
        };
        let parent_id =
            match refused_before_saving(&txn, &who, &s, article.id, &body, new.parent_id, now)
                .await?
            {
                Ok(p) => p,
                Err(refused) => return Ok(Err(refused)),
            };
        // Blocked words are refused now, while the text is still in the form; holding is
        // decided once the address is confirmed.
        if let Verdict::Refused(why) = s.judge(&body, true) {
            return Ok(Err(CommentRefused::Blocked(why)));
        }
        let saved = row::Entity::insert(row::ActiveModel {
            article_id: Set(article.id),
            parent_id: Set(parent_id),
            member_id: Set(None),
            staff_id: Set(None),
            guest_email: Set(Some(new.email.clone())),
            author_name: Set(new.name.clone()),
            body_html: Set(comment_text::to_html(&body)),
            body: Set(body),
            status: Set(CommentStatus::Unconfirmed.as_str().to_owned()),
            held_because: Set(UNCONFIRMED.to_owned()),
            pinned: Set(false),
            hidden: Set(false),
            client: Set(Some(new.client.chars().take(64).collect())),
            created_at: Set(now),
            edited_at: Set(None),
            updated_at: Set(now),
            reply_mailed: Set(false),
            ..Default::default()
        })
        .exec_with_returning(&txn)
        .await?;
        let confirmation_id = link::Entity::insert(link::ActiveModel {
            comment_id: Set(saved.id),
            // Nobody is ever given this token: the mail job mints the one that works.
            token_hash: Set(hash_token(&new_token())),
            email: Set(new.email.clone()),
            created_at: Set(now),
            expires_at: Set(now + CONFIRM_VALID_FOR),
            used_at: Set(None),
            ..Default::default()
        })
        .exec(&txn)
        .await?
        .last_insert_id;
        jobs::enqueue(&txn, &SendCommentConfirmation { confirmation_id }).await?;
        txn.commit().await?;
        Ok(Ok(comment_from(saved, 0)))
    }

    /// Mints the token of a confirmation link about to be mailed: a new token whose hash
    /// replaces the stored one. `None` when the link is gone, spent or expired.
    pub async fn mint_comment_confirmation(
        &self,
        confirmation_id: i64,
    ) -> Result<Option<MintedConfirmation>, StoreError> {
        let txn = self.write().await?;
        let Some(l) = link::Entity::find_by_id(confirmation_id).one(&txn).await? else {
            return Ok(None);
        };
        if l.used_at.is_some() || l.expires_at <= Utc::now() {
            return Ok(None);
        }
        let Some(c) = row::Entity::find_by_id(l.comment_id).one(&txn).await? else {
            return Ok(None);
        };
        let title = article::Entity::find_by_id(c.article_id).one(&txn).await?.map(|a| a.title);
        let token = new_token();
        link::Entity::update_many()
            .col_expr(link::Column::TokenHash, Expr::value(hash_token(&token)))
            .filter(link::Column::Id.eq(l.id))
            .exec(&txn)
            .await?;
        txn.commit().await?;
        Ok(Some(MintedConfirmation {
            token,
            email: l.email,
            name: c.author_name,
            article_title: title.unwrap_or_default(),
            expires_at: l.expires_at,
        }))
    }

    /// Whether the link with `token` may still be used (the page that shows the button;
    /// nothing is spent, so mail scanners cannot use the link up).
    pub async fn comment_confirmation_usable(
        &self,
        token: &str,
    ) -> Result<Result<(), ConfirmRefused>, StoreError> {
        Ok(usable(self.db(), token, Utc::now()).await?.map(|_| ()))
    }

    /// Spends the link with `token`: the address is confirmed, and the comment is judged
    /// as a member's would be (approved, held with its reasons, or refused), in one
    /// transaction.
    pub async fn confirm_guest_comment(
        &self,
        token: &str,
    ) -> Result<Result<ConfirmedComment, ConfirmRefused>, StoreError> {
        let txn = self.write().await?;
        let now = Utc::now();
        let l = match usable(&txn, token, now).await? {
            Ok(l) => l,
            Err(refused) => return Ok(Err(refused)),
        };
        let spent = link::Entity::update_many()
            .col_expr(link::Column::UsedAt, Expr::value(now))
            .filter(link::Column::Id.eq(l.id))
            .filter(link::Column::UsedAt.is_null())
            .exec(&txn)
            .await?;
        let c = row::Entity::find_by_id(l.comment_id).one(&txn).await?;
        let Some(c) = c.filter(|c| spent.rows_affected == 1 && c.status == "unconfirmed") else {
            return Ok(Err(ConfirmRefused::Used));
        };
        let s = settings::settings_in(&txn).await?;
        let a = match open_article(&txn, c.article_id, &s, now).await? {
            Ok(a) => a,
            Err(refused) => {
                txn.commit().await?;
                return Ok(Err(ConfirmRefused::Comment(refused)));
            }
        };
        let by_address = Condition::all().add(row::Column::GuestEmail.eq(l.email.as_str()));
        let (status, why) = match s.judge(&c.body, approved_before(&txn, by_address).await?) {
            Verdict::Refused(why) => {
                set_status(&txn, c.id, "trash", &why, now).await?;
                txn.commit().await?;
                return Ok(Err(ConfirmRefused::Comment(CommentRefused::Blocked(why))));
            }
            Verdict::Approved => ("approved", String::new()),
            Verdict::Held(why) => ("pending", HoldReason::describe_all(&why)),
        };
        set_status(&txn, c.id, status, &why, now).await?;
        let saved = row::Entity::find_by_id(c.id)
            .one(&txn)
            .await?
            .ok_or_else(|| StoreError::not_found("comment", c.id.to_string()))?;
        if status == "approved" {
            approved(&txn, &saved).await?;
        } else {
            queue_digest(&txn).await?;
        }
        txn.commit().await?;
        Ok(Ok(ConfirmedComment { comment: comment_from(saved, 0), article_slug: a.slug }))
    }
}

async fn set_status(
    db: &impl ConnectionTrait,
    id: i64,
    status: &str,
    why: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    row::Entity::update_many()
        .col_expr(row::Column::Status, Expr::value(status))
        .col_expr(row::Column::HeldBecause, Expr::value(why))
        .col_expr(row::Column::UpdatedAt, Expr::value(now))
        .filter(row::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// The link with `token` if it may still be used at `now`.
async fn usable(
    db: &impl ConnectionTrait,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Result<link::Model, ConfirmRefused>, StoreError> {
    let token = token.trim();
    if token.is_empty() || token.len() > 128 {
        return Ok(Err(ConfirmRefused::Unknown));
    }
    let found =
        link::Entity::find().filter(link::Column::TokenHash.eq(hash_token(token))).one(db).await?;
    Ok(match found {
        None => Err(ConfirmRefused::Unknown),
        Some(l) if l.used_at.is_some() => Err(ConfirmRefused::Used),
        Some(l) if l.expires_at <= now => Err(ConfirmRefused::Expired),
        Some(l) => Ok(l),
    })
}

#[cfg(feature = "testing")]
impl Store {
    /// Tests only: moves every confirmation link's expiry `by` into the past.
    pub async fn age_comment_confirmations(&self, by: chrono::Duration) -> Result<(), StoreError> {
        let txn = self.write().await?;
        for l in link::Entity::find().all(&txn).await? {
            link::Entity::update_many()
                .col_expr(link::Column::ExpiresAt, Expr::value(l.expires_at - by))
                .filter(link::Column::Id.eq(l.id))
                .exec(&txn)
                .await?;
        }
        txn.commit().await?;
        Ok(())
    }
}
