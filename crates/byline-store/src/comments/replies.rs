//! Who is told of a reply, and what their email says. The writer of the comment replied to
//! is told of each approved reply (never of their own), once, through the queue:
//!
//! - a member, unless they turned reply emails off (`commenter.reply_emails`, on their desk);
//! - a guest, only at an address they confirmed by a link (a spent `comment_confirmation`:
//!   an address nobody confirmed is never written to), and not once it is in
//!   `guest_reply_stop`, where the link in every guest's reply email puts it.
//!
//! Both are asked when the reply is approved (is there anyone to tell?) and again when the
//! email is sent (a reply hidden since, or a writer who stopped the emails meanwhile, is not
//! mailed).

use super::comment_from;
use crate::entity::{
    article, comment as row, comment_confirmation as link, commenter, guest_reply_stop as stop,
    member,
};
use crate::{Store, StoreError};
use byline_core::comments::Comment;
use chrono::Utc;
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
};

/// What the email telling a comment's writer of a reply needs.
#[derive(Debug, Clone)]
pub struct ReplyNotice {
    pub to_email: String,
    pub to_name: Option<String>,
    /// The writer is a guest: they stop these emails by the link in it, not on a desk.
    pub guest: bool,
    pub reply: Comment,
    pub article_title: String,
    pub article_slug: String,
}

/// Whom the reply `r` is to be mailed to now, if anyone: the writer of its parent, as the
/// module says.
pub(crate) async fn recipient(
    db: &impl ConnectionTrait,
    r: &row::Model,
) -> Result<Option<(String, Option<String>, bool)>, StoreError> {
    let Some(pid) = r.parent_id else { return Ok(None) };
    let Some(p) = row::Entity::find_by_id(pid).one(db).await? else { return Ok(None) };
    if let Some(m) = p.member_id {
        if r.member_id == Some(m) {
            return Ok(None);
        }
        let Some(to) = member::Entity::find_by_id(m).one(db).await? else { return Ok(None) };
        let off = commenter::Entity::find_by_id(m).one(db).await?.is_some_and(|c| !c.reply_emails);
        return Ok((!off).then_some((to.email, to.name, false)));
    }
    let Some(email) = p.guest_email else { return Ok(None) };
    if r.guest_email.as_deref() == Some(email.as_str()) {
        return Ok(None);
    }
    let confirmed = link::Entity::find()
        .filter(link::Column::Email.eq(email.as_str()))
        .filter(link::Column::UsedAt.is_not_null())
        .count(db)
        .await?
        > 0;
    if !confirmed || stopped(db, &email).await? {
        return Ok(None);
    }
    Ok(Some((email, Some(p.author_name), true)))
}

async fn stopped(db: &impl ConnectionTrait, email: &str) -> Result<bool, StoreError> {
    Ok(stop::Entity::find_by_id(email.to_owned()).one(db).await?.is_some())
}

impl Store {
    /// What the reply email for comment `id` says, if it should be sent now: the reply is
    /// public, and its parent's writer is one to tell (see the module).
    pub async fn reply_notice(&self, id: i64) -> Result<Option<ReplyNotice>, StoreError> {
        let db = self.db();
        let Some(r) = row::Entity::find_by_id(id).one(db).await? else { return Ok(None) };
        if r.status != "approved" || r.hidden {
            return Ok(None);
        }
        let Some((to_email, to_name, guest)) = recipient(db, &r).await? else {
            return Ok(None);
        };
        let Some(a) = article::Entity::find_by_id(r.article_id).one(db).await? else {
            return Ok(None);
        };
        Ok(Some(ReplyNotice {
            to_email,
            to_name,
            guest,
            reply: comment_from(r, 0),
            article_title: a.title,
            article_slug: a.slug,
        }))
    }

    /// A guest's address gets no more reply emails, for any of its comments, now or later
    /// (the link in their reply email; the web checks its signature). Stopping twice is
    /// the same as once.
    pub async fn stop_guest_reply_emails(&self, email: &str) -> Result<(), StoreError> {
        let email = email.trim().to_lowercase();
        if email.is_empty() || email.len() > 254 {
            return Err(byline_core::Invalid::one("email", "is not an email address").into());
        }
        let txn = self.write().await?;
        stop::Entity::insert(stop::ActiveModel { email: Set(email), created_at: Set(Utc::now()) })
            .on_conflict(OnConflict::column(stop::Column::Email).do_nothing().to_owned())
            .exec_without_returning(&txn)
            .await?;
        txn.commit().await?;
        Ok(())
    }

    /// Does a guest's address still get reply emails (it has not stopped them)?
    pub async fn guest_reply_emails(&self, email: &str) -> Result<bool, StoreError> {
        Ok(!stopped(self.db(), &email.trim().to_lowercase()).await?)
    }
}
