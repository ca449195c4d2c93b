//! Sends that wait for their time: an article emailed when its scheduled publication comes,
//! and digests, which collect the articles published since their last issue and go out on
//! their own schedule (skipping empty periods). Both are started by `Store::start_due_sends`,
//! which any number of nodes may run: each start is one write transaction that first takes
//! its row (a scheduled send is deleted, a digest's `digest_last_at` moved on) and goes no
//! further when another node took it first.

use super::catalogue::from_row as newsletter_from_row;
use super::sends::SCHEDULED;
use super::{NEWSLETTERS_TAG, NewSend};
use crate::entity::{article, newsletter, newsletter_send as row};
use crate::{Store, StoreError, audit, changes};
use byline_core::ArticleStatus;
use byline_core::audit::{Actor, AuditRecord};
use byline_core::newsletters::{Segment, Send};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder,
};

impl Store {
    /// Emails the article `slug` to `newsletter` (the first open newsletter that is not a
    /// digest when `None`), its title as the subject: at once when it is published, at its
    /// time when it is scheduled. What `byline newsletter send`, the Admin API and the
    /// editor's "publish and email" all do.
    pub async fn email_article(
        &self,
        slug: &str,
        newsletter: Option<&str>,
        segment: &Segment,
        actor: &Actor,
    ) -> Result<Send, StoreError> {
        let a = article::Entity::find()
            .filter(article::Column::Slug.eq(slug.trim()))
            .one(self.db())
            .await?
            .ok_or_else(|| {
                StoreError::Conflict(format!("article: no article has the slug {slug:?}"))
            })?;
        let newsletter = match newsletter {
            Some(n) => n.to_owned(),
            None => self
                .newsletters()
                .await?
                .into_iter()
                .find(|n| !n.archived && n.digest.is_none())
                .map(|n| n.slug)
                .ok_or_else(|| {
                    StoreError::Conflict(
                        "newsletter: there is no open newsletter to send to".into(),
                    )
                })?,
        };
        let new = NewSend {
            newsletter,
            article_ids: vec![a.id],
            subject: a.title.clone(),
            segment: segment.clone(),
        };
        if a.status == ArticleStatus::Scheduled.as_str() {
            return self.schedule_send(&new, actor).await;
        }
        if a.status != ArticleStatus::Published.as_str() {
            return Err(StoreError::Conflict(format!(
                "article: {} is {}; publish or schedule it before emailing it",
                a.slug, a.status
            )));
        }
        self.create_send(&new, actor).await
    }

    /// Keeps a send of a scheduled article until the article is published; its recipients
    /// are those subscribed then.
    pub async fn schedule_send(&self, new: &NewSend, actor: &Actor) -> Result<Send, StoreError> {
        let txn = self.write().await?;
        let n = super::catalogue::find_in(&txn, &new.newsletter).await?;
        let now = Utc::now();
        let m = row::ActiveModel {
            newsletter_id: Set(n.id),
            article_ids: Set(new
                .article_ids
                .iter()
                .map(|i| i.to_string())
                .collect::<Vec<_>>()
                .join(",")),
            subject: Set(new.subject.trim().chars().take(255).collect()),
            segment: Set(new.segment.as_string()),
            state: Set(SCHEDULED.into()),
            last_error: Set(None),
            unsubscribed: Set(0),
            created_at: Set(now),
            finished_at: Set(None),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        audit::write(
            &txn,
            actor,
            &AuditRecord::new("newsletter.schedule", format!("send {}", m.id)).detail(&n.slug),
        )
        .await?;
        txn.commit().await?;
        self.send(m.id).await
    }

    /// Starts the scheduled sends whose articles are published by now, and the digests
    /// that are due. Returns how many sends it started.
    pub async fn start_due_sends(&self, now: DateTime<Utc>) -> Result<u32, StoreError> {
        let mut started = 0;
        let waiting = row::Entity::find()
            .filter(row::Column::State.eq(SCHEDULED))
            .order_by_asc(row::Column::Id)
            .all(self.db())
            .await?;
        for w in waiting {
            let ids = super::sends::ids_of(&w.article_ids);
            let Ok(accesses) = self.accesses_of(&ids).await else { continue };
            let slug = match newsletter::Entity::find_by_id(w.newsletter_id).one(self.db()).await? {
                Some(n) if n.archived_at.is_some() => {
                    // Archived while the article waited: this issue is called off, and
                    // says why on the send's history.
                    row::Entity::update_many()
                        .col_expr(row::Column::State, Expr::value("cancelled"))
                        .col_expr(
                            row::Column::LastError,
                            Expr::value(Some(format!(
                                "not sent: {} was archived before the article was published",
                                n.name
                            ))),
                        )
                        .col_expr(row::Column::FinishedAt, Expr::value(Some(now)))
                        .filter(row::Column::Id.eq(w.id))
                        .filter(row::Column::State.eq(SCHEDULED))
                        .exec(self.db())
                        .await?;
                    continue;
                }
                Some(n) => n.slug,
                None => continue,
            };
            let new = NewSend {
                newsletter: slug,
                article_ids: ids,
                subject: w.subject.clone(),
                segment: Segment::parse(&w.segment).unwrap_or_default(),
            };
            let txn = self.write().await?;
            let taken = row::Entity::delete_many()
                .filter(row::Column::Id.eq(w.id))
                .filter(row::Column::State.eq(SCHEDULED))
                .exec(&txn)
                .await?;
            if taken.rows_affected == 0 {
                continue;
            }
            self.create_send_in(&txn, &new, &accesses, &Actor::command_line()).await?;
            txn.commit().await?;
            started += 1;
        }
        started += self.start_due_digests(now).await?;
        Ok(started)
    }

    async fn start_due_digests(&self, now: DateTime<Utc>) -> Result<u32, StoreError> {
        let mut started = 0;
        let digests = newsletter::Entity::find()
            .filter(newsletter::Column::Digest.is_not_null())
            .filter(newsletter::Column::ArchivedAt.is_null())
            .all(self.db())
            .await?;
        for m in digests {
            let last = m.digest_last_at.unwrap_or(m.created_at);
            let n = newsletter_from_row(m.clone());
            let Some(schedule) = n.digest else { continue };
            let due = schedule.last_due(now);
            if due <= last {
                continue;
            }
            let ids: Vec<i64> = article::Entity::find()
                .filter(article::Column::Status.eq(ArticleStatus::Published.as_str()))
                .filter(article::Column::PublishedAt.gt(last))
                .filter(article::Column::PublishedAt.lte(due))
                .order_by_asc(article::Column::PublishedAt)
                .all(self.db())
                .await?
                .into_iter()
                .map(|a| a.id)
                .take(50)
                .collect();
            let accesses = if ids.is_empty() { Vec::new() } else { self.accesses_of(&ids).await? };
            let txn = self.write().await?;
            let taken = newsletter::Entity::update_many()
                .col_expr(newsletter::Column::DigestLastAt, Expr::value(Some(due)))
                .filter(newsletter::Column::Id.eq(m.id))
                .filter(match m.digest_last_at {
                    Some(at) => newsletter::Column::DigestLastAt.eq(at),
                    None => newsletter::Column::DigestLastAt.is_null(),
                })
                .exec(&txn)
                .await?;
            if taken.rows_affected == 0 {
                continue;
            }
            if !ids.is_empty() {
                let new = NewSend {
                    newsletter: n.slug.clone(),
                    article_ids: ids,
                    subject: format!("{}: {}", n.name, due.format("%-d %B %Y")),
                    segment: Segment::All,
                };
                self.create_send_in(&txn, &new, &accesses, &Actor::command_line()).await?;
                started += 1;
            } else {
                changes::log(&txn, &[NEWSLETTERS_TAG.to_owned()]).await?;
            }
            txn.commit().await?;
        }
        Ok(started)
    }
}
