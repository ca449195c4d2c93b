//! A member's standing as a commenter: banned (with a reason, until a date or until lifted),
//! all their comments hidden, and whether they are told of replies.

use crate::entity::{comment as row, commenter, member};
use crate::{Store, StoreError, audit, changes};
use byline_core::audit::{Actor, AuditRecord};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

/// A ban on commenting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ban {
    pub reason: String,
    pub since: DateTime<Utc>,
    /// `None`: until a moderator lifts it.
    pub until: Option<DateTime<Utc>>,
    pub by: Option<String>,
}

/// A member as a commenter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Commenter {
    pub member_id: i64,
    pub email: String,
    pub name: Option<String>,
    /// A ban in force now.
    pub ban: Option<Ban>,
    pub hide_comments: bool,
    pub reply_emails: bool,
}

pub(crate) async fn banned_in(
    db: &impl ConnectionTrait,
    member_id: i64,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let c = commenter::Entity::find_by_id(member_id).one(db).await?;
    Ok(c.is_some_and(|c| c.banned_at.is_some() && c.ban_expires_at.is_none_or(|u| u > now)))
}

pub(crate) async fn hides_all_in(
    db: &impl ConnectionTrait,
    member_id: i64,
) -> Result<bool, StoreError> {
    Ok(commenter::Entity::find_by_id(member_id).one(db).await?.is_some_and(|c| c.hide_comments))
}

/// The member's row, made with the defaults when they have none; fails when there is no
/// such member.
async fn ensure(db: &impl ConnectionTrait, member_id: i64) -> Result<member::Model, StoreError> {
    let m = member::Entity::find_by_id(member_id)
        .one(db)
        .await?
        .ok_or_else(|| StoreError::not_found("member", member_id.to_string()))?;
    commenter::Entity::insert(commenter::ActiveModel {
        member_id: Set(member_id),
        reply_emails: Set(true),
        hide_comments: Set(false),
        ban_reason: Set(None),
        banned_at: Set(None),
        ban_expires_at: Set(None),
        banned_by: Set(None),
    })
    .on_conflict(OnConflict::column(commenter::Column::MemberId).do_nothing().to_owned())
    .exec_without_returning(db)
    .await?;
    Ok(m)
}

/// The articles whose pages show any comment of this member.
async fn articles_of(db: &impl ConnectionTrait, member_id: i64) -> Result<Vec<String>, StoreError> {
    let rows = row::Entity::find()
        .filter(row::Column::MemberId.eq(member_id))
        .filter(row::Column::Status.eq("approved"))
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|r| changes::article(r.article_id)).collect())
}

impl Store {
    /// The member's standing as a commenter.
    pub async fn commenter(&self, member_id: i64) -> Result<Commenter, StoreError> {
        let m = member::Entity::find_by_id(member_id)
            .one(self.db())
            .await?
            .ok_or_else(|| StoreError::not_found("member", member_id.to_string()))?;
        let c = commenter::Entity::find_by_id(member_id).one(self.db()).await?;
        let now = Utc::now();
        let ban = c.as_ref().and_then(|c| {
            let since = c.banned_at?;
            c.ban_expires_at.is_none_or(|u| u > now).then(|| Ban {
                reason: c.ban_reason.clone().unwrap_or_default(),
                since,
                until: c.ban_expires_at,
                by: c.banned_by.clone(),
            })
        });
        Ok(Commenter {
            member_id,
            email: m.email,
            name: m.name,
            ban,
            hide_comments: c.as_ref().is_some_and(|c| c.hide_comments),
            reply_emails: c.as_ref().is_none_or(|c| c.reply_emails),
        })
    }

    /// Bans a member from commenting, with a reason, until `until` (or until lifted).
    pub async fn ban_commenter(
        &self,
        member_id: i64,
        reason: &str,
        until: Option<DateTime<Utc>>,
        actor: &Actor,
    ) -> Result<(), StoreError> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(byline_core::Invalid::one(
                "reason",
                "say why (the member is not shown it)",
            )
            .into());
        }
        let now = Utc::now();
        if until.is_some_and(|u| u <= now) {
            return Err(byline_core::Invalid::one("until", "must be in the future").into());
        }
        let txn = self.write().await?;
        let m = ensure(&txn, member_id).await?;
        commenter::Entity::update_many()
            .col_expr(commenter::Column::BanReason, Expr::value(reason))
            .col_expr(commenter::Column::BannedAt, Expr::value(now))
            .col_expr(commenter::Column::BanExpiresAt, Expr::value(until))
            .col_expr(commenter::Column::BannedBy, Expr::value(actor.name.clone()))
            .filter(commenter::Column::MemberId.eq(member_id))
            .exec(&txn)
            .await?;
        let until_words =
            until.map_or("until lifted".to_owned(), |u| format!("until {}", u.format("%Y-%m-%d")));
        audit::write(
            &txn,
            actor,
            &AuditRecord::new("commenter.ban", format!("member {} <{}>", m.id, m.email))
                .detail(format!("{until_words}: {reason}")),
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }

    /// Lifts a member's ban.
    pub async fn lift_comment_ban(&self, member_id: i64, actor: &Actor) -> Result<(), StoreError> {
        let txn = self.write().await?;
        let m = ensure(&txn, member_id).await?;
        commenter::Entity::update_many()
            .col_expr(commenter::Column::BannedAt, Expr::value(Option::<DateTime<Utc>>::None))
            .col_expr(commenter::Column::BanExpiresAt, Expr::value(Option::<DateTime<Utc>>::None))
            .filter(commenter::Column::MemberId.eq(member_id))
            .exec(&txn)
            .await?;
        audit::write(
            &txn,
            actor,
            &AuditRecord::new("commenter.unban", format!("member {} <{}>", m.id, m.email)),
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }

    /// Hides (or shows again) every comment of a member, those to come included. The
    /// pages of the articles they commented on change.
    pub async fn hide_member_comments(
        &self,
        member_id: i64,
        hide: bool,
        actor: &Actor,
    ) -> Result<(), StoreError> {
        let txn = self.write().await?;
        let m = ensure(&txn, member_id).await?;
        commenter::Entity::update_many()
            .col_expr(commenter::Column::HideComments, Expr::value(hide))
            .filter(commenter::Column::MemberId.eq(member_id))
            .exec(&txn)
            .await?;
        let mut q = row::Entity::update_many()
            .col_expr(row::Column::Hidden, Expr::value(hide))
            .filter(row::Column::MemberId.eq(member_id));
        if hide {
            q = q.col_expr(row::Column::Pinned, Expr::value(false));
        }
        q.exec(&txn).await?;
        let tags = articles_of(&txn, member_id).await?;
        let action = if hide { "commenter.hide_all" } else { "commenter.show_all" };
        audit::write(
            &txn,
            actor,
            &AuditRecord::new(action, format!("member {} <{}>", m.id, m.email)),
        )
        .await?;
        changes::log(&txn, &tags).await?;
        txn.commit().await?;
        Ok(())
    }

    /// A member turns emails about replies to their comments on or off.
    pub async fn set_reply_emails(&self, member_id: i64, on: bool) -> Result<(), StoreError> {
        let txn = self.write().await?;
        ensure(&txn, member_id).await?;
        commenter::Entity::update_many()
            .col_expr(commenter::Column::ReplyEmails, Expr::value(on))
            .filter(commenter::Column::MemberId.eq(member_id))
            .exec(&txn)
            .await?;
        txn.commit().await?;
        Ok(())
    }
}
