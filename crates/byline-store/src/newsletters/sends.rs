//! Sends: one issue (an article, or a digest of several) to a segment of one newsletter's
//! subscribers. Creating a send writes one row per recipient and queues the delivery job in
//! the same transaction, so a send either exists with everyone it must reach, or not at all.

use super::catalogue::{find_in, from_row as newsletter_from_row};
use crate::entity::{
    email_suppression, member, member_newsletter as sub, newsletter, newsletter_recipient as rcpt,
    newsletter_send as row,
};
use crate::{Store, StoreError, audit, changes, jobs};
use byline_core::audit::{Actor, AuditRecord};
use byline_core::jobs::Job;
use byline_core::member_list::MemberQuery;
use byline_core::members::{Access, MemberStatus};
use byline_core::newsletters::{Audience, DeliverSend, Segment, Send, SendCounts};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use std::collections::HashSet;

/// What a send is made of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSend {
    pub newsletter: String,
    /// The articles (one; several for a digest), by id; each must be published.
    pub article_ids: Vec<i64>,
    pub subject: String,
    pub segment: Segment,
}

/// How many delivery jobs each send gets: so that two nodes (or two workers) work one send
/// at once, each claiming its own batches of recipients. A job that finds nothing left to
/// claim waits for the other's claims to be marked, or takes them over when their hold runs
/// out (their node died); the one that finds the send done just stops.
pub const SEND_JOBS: usize = 2;

pub(crate) const SCHEDULED: &str = "scheduled";
pub(crate) const SENDING: &str = "sending";
const DONE: &str = "done";

pub(crate) fn ids_of(s: &str) -> Vec<i64> {
    s.split(',').filter_map(|p| p.trim().parse().ok()).collect()
}

impl Store {
    /// Creates a send: picks its recipients (subscribers of the newsletter in the segment,
    /// within its audience, not on the suppression list), decides for each whether the
    /// article goes in full or as its preview, and queues its delivery; all in one
    /// transaction with its audit line. A segment or newsletter that reaches nobody is
    /// still a send (of nobody), done at once.
    pub async fn create_send(&self, new: &NewSend, actor: &Actor) -> Result<Send, StoreError> {
        let accesses = self.accesses_of(&new.article_ids).await?;
        let txn = self.write().await?;
        let id = self.create_send_in(&txn, new, &accesses, actor).await?;
        txn.commit().await?;
        self.send(id).await
    }

    /// The access of each of `ids`, which must all be published articles (read before a
    /// write transaction, which then only writes).
    pub(crate) async fn accesses_of(&self, ids: &[i64]) -> Result<Vec<Access>, StoreError> {
        if ids.is_empty() {
            return Err(StoreError::Conflict("article: a send needs an article".into()));
        }
        let articles = self.published_articles_by_id(ids).await?;
        for id in ids {
            if !articles.iter().any(|a| a.id == *id) {
                return Err(StoreError::Conflict(format!(
                    "article: article {id} is not published (yet); publish it before emailing it"
                )));
            }
        }
        Ok(articles.iter().map(|a| a.access.clone()).collect())
    }

    /// [`Store::create_send`] in the caller's write transaction; returns the send's id.
    pub(crate) async fn create_send_in(
        &self,
        txn: &impl ConnectionTrait,
        new: &NewSend,
        accesses: &[Access],
        actor: &Actor,
    ) -> Result<i64, StoreError> {
        let subject = new.subject.trim();
        if subject.is_empty() {
            return Err(StoreError::Conflict("subject: a send needs a subject".into()));
        }
        let n = find_in(txn, &new.newsletter).await?;
        if n.archived_at.is_some() {
            return Err(StoreError::Conflict(format!(
                "newsletter: {} is archived; bring it back before sending to it",
                n.slug
            )));
        }
        let now = Utc::now();
        let tracking = super::tracking::tracking_in(txn).await?;
        let send = row::ActiveModel {
            newsletter_id: Set(n.id),
            article_ids: Set(new
                .article_ids
                .iter()
                .map(|i| i.to_string())
                .collect::<Vec<_>>()
                .join(",")),
            subject: Set(subject.chars().take(255).collect()),
            segment: Set(new.segment.as_string()),
            state: Set(SENDING.into()),
            last_error: Set(None),
            unsubscribed: Set(0),
            created_at: Set(now),
            finished_at: Set(None),
            track_opens: Set(tracking.opens),
            track_clicks: Set(tracking.clicks),
            opens: Set(0),
            clicks: Set(0),
            ..Default::default()
        }
        .insert(txn)
        .await?;

        let people = self.recipients_of(txn, &n, &new.segment).await?;
        let full = self.full_readers(txn, accesses).await?;
        for chunk in people.chunks(500) {
            rcpt::Entity::insert_many(chunk.iter().map(|(id, email)| rcpt::ActiveModel {
                send_id: Set(send.id),
                member_id: Set(Some(*id)),
                email: Set(email.clone()),
                variant: Set(if full.as_ref().is_none_or(|f| f.contains(id)) {
                    "full".into()
                } else {
                    "preview".into()
                }),
                state: Set("pending".into()),
                attempts: Set(0),
                due_at: Set(now),
                claimed_until: Set(None),
                last_error: Set(None),
                sent_at: Set(None),
                ..Default::default()
            }))
            .exec(txn)
            .await?;
        }
        if people.is_empty() {
            row::Entity::update_many()
                .col_expr(row::Column::State, Expr::value(DONE))
                .col_expr(row::Column::FinishedAt, Expr::value(Some(now)))
                .filter(row::Column::Id.eq(send.id))
                .exec(txn)
                .await?;
        } else {
            for _ in 0..SEND_JOBS {
                jobs::enqueue(txn, &DeliverSend { send_id: send.id }).await?;
            }
        }
        audit::write(
            txn,
            actor,
            &AuditRecord::new("newsletter.send", format!("send {}", send.id)).detail(format!(
                "{} to {} ({})",
                n.slug,
                new.segment.as_string(),
                people.len()
            )),
        )
        .await?;
        changes::log(txn, &[super::NEWSLETTERS_TAG.to_owned()]).await?;
        Ok(send.id)
    }

    /// Member ids and addresses a send to `n`'s `segment` reaches.
    async fn recipients_of(
        &self,
        db: &impl ConnectionTrait,
        n: &newsletter::Model,
        segment: &Segment,
    ) -> Result<Vec<(i64, String)>, StoreError> {
        let q = match segment {
            Segment::Tier(t) => MemberQuery { tier: Some(t.clone()), ..Default::default() },
            Segment::Label(l) => MemberQuery { label: Some(l.clone()), ..Default::default() },
            Segment::Free => MemberQuery { status: Some(MemberStatus::Free), ..Default::default() },
            _ => MemberQuery::default(),
        };
        if let Segment::Tier(t) = segment
            && t != "free"
        {
            crate::entity::tier::Entity::find()
                .filter(crate::entity::tier::Column::Slug.eq(t.as_str()))
                .one(db)
                .await?
                .ok_or_else(|| StoreError::not_found("tier", t.clone()))?;
        }
        let mut s = self.members_select(&q);
        let paid_only = matches!(segment, Segment::Paid)
            || Audience::parse(&n.audience).unwrap_or_default() == Audience::Paid;
        if paid_only {
            s = s.filter(
                member::Column::Status
                    .is_in([MemberStatus::Paid.as_str(), MemberStatus::Comped.as_str()]),
            );
        }
        let subscribers = Query::select()
            .column(sub::Column::MemberId)
            .from(sub::Entity)
            .and_where(sub::Column::NewsletterId.eq(n.id))
            .to_owned();
        let suppressed = Query::select()
            .column(email_suppression::Column::Email)
            .from(email_suppression::Entity)
            .to_owned();
        let rows: Vec<(i64, String)> = s
            .filter(member::Column::Id.in_subquery(subscribers))
            .filter(member::Column::Email.not_in_subquery(suppressed))
            .select_only()
            .column(member::Column::Id)
            .column(member::Column::Email)
            .order_by_asc(member::Column::Id)
            .into_tuple()
            .all(db)
            .await?;
        Ok(rows)
    }

    /// The members who may read every one of the articles with these `accesses` in full;
    /// `None` when everyone the send reaches may (public and members-only articles).
    async fn full_readers(
        &self,
        db: &impl ConnectionTrait,
        accesses: &[Access],
    ) -> Result<Option<HashSet<i64>>, StoreError> {
        let mut out: Option<HashSet<i64>> = None;
        for access in accesses {
            let allowed: HashSet<i64> = match access {
                Access::Public | Access::Members => continue,
                Access::Paid => member::Entity::find()
                    .filter(
                        member::Column::Status
                            .is_in([MemberStatus::Paid.as_str(), MemberStatus::Comped.as_str()]),
                    )
                    .select_only()
                    .column(member::Column::Id)
                    .into_tuple()
                    .all(db)
                    .await?
                    .into_iter()
                    .collect(),
                Access::Tiers(tiers) => {
                    let mut any = HashSet::new();
                    for t in tiers {
                        let q = MemberQuery { tier: Some(t.clone()), ..Default::default() };
                        let ids: Vec<i64> = self
                            .members_select(&q)
                            .select_only()
                            .column(member::Column::Id)
                            .into_tuple()
                            .all(db)
                            .await?;
                        any.extend(ids);
                    }
                    any
                }
            };
            out = Some(match out {
                None => allowed,
                Some(prev) => prev.intersection(&allowed).copied().collect(),
            });
        }
        Ok(out)
    }

    /// One send with its counts.
    pub async fn send(&self, id: i64) -> Result<Send, StoreError> {
        let m = row::Entity::find_by_id(id)
            .one(self.db())
            .await?
            .ok_or_else(|| StoreError::not_found("send", id.to_string()))?;
        Ok(self.sends_from(vec![m]).await?.remove(0))
    }

    /// Sends, newest first, at most `limit`; only finished ones when `done_only`.
    pub async fn sends(&self, limit: u64, done_only: bool) -> Result<Vec<Send>, StoreError> {
        let mut q = row::Entity::find().order_by_desc(row::Column::Id).limit(limit);
        if done_only {
            q = q.filter(row::Column::State.eq(DONE));
        }
        let rows = q.all(self.db()).await?;
        self.sends_from(rows).await
    }

    async fn sends_from(&self, rows: Vec<row::Model>) -> Result<Vec<Send>, StoreError> {
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let counts: Vec<(i64, String, i64)> = rcpt::Entity::find()
            .select_only()
            .column(rcpt::Column::SendId)
            .column(rcpt::Column::State)
            .column_as(rcpt::Column::Id.count(), "n")
            .filter(rcpt::Column::SendId.is_in(ids))
            .group_by(rcpt::Column::SendId)
            .group_by(rcpt::Column::State)
            .into_tuple()
            .all(self.db())
            .await?;
        let newsletters = self.newsletters().await?;
        Ok(rows
            .into_iter()
            .map(|r| {
                let mut c = SendCounts {
                    unsubscribed: r.unsubscribed.max(0) as u64,
                    opens: r.track_opens.then_some(r.opens.max(0) as u64),
                    clicks: r.track_clicks.then_some(r.clicks.max(0) as u64),
                    ..Default::default()
                };
                for (_, state, n) in counts.iter().filter(|(s, _, _)| *s == r.id) {
                    let n = (*n).max(0) as u64;
                    c.total += n;
                    match state.as_str() {
                        "pending" | "claimed" => c.pending += n,
                        "sent" => c.sent += n,
                        "failed" => c.failed += n,
                        "bounced" => c.bounced += n,
                        _ => c.skipped += n,
                    }
                }
                let n = newsletters.iter().find(|n| n.id == r.newsletter_id);
                Send {
                    id: r.id,
                    newsletter_id: r.newsletter_id,
                    newsletter_slug: n.map(|n| n.slug.clone()).unwrap_or_default(),
                    newsletter_name: n.map(|n| n.name.clone()).unwrap_or_default(),
                    article_ids: ids_of(&r.article_ids),
                    subject: r.subject,
                    segment: Segment::parse(&r.segment).unwrap_or_default(),
                    state: r.state,
                    last_error: r.last_error,
                    counts: c,
                    created_at: r.created_at,
                    finished_at: r.finished_at,
                }
            })
            .collect())
    }

    /// Says why a send is waiting (the SMTP server unreachable, …), or that it no longer is.
    pub async fn set_send_waiting(&self, id: i64, why: Option<&str>) -> Result<(), StoreError> {
        row::Entity::update_many()
            .col_expr(row::Column::LastError, Expr::value(why.map(str::to_owned)))
            .filter(row::Column::Id.eq(id))
            .exec(self.db())
            .await?;
        Ok(())
    }

    /// Marks a send done when none of its recipients is left to try; says whether it is.
    pub async fn finish_send_if_done(&self, id: i64) -> Result<bool, StoreError> {
        let txn = self.write().await?;
        let left = rcpt::Entity::find()
            .filter(rcpt::Column::SendId.eq(id))
            .filter(rcpt::Column::State.is_in(["pending", "claimed"]))
            .count(&txn)
            .await?;
        if left == 0 {
            row::Entity::update_many()
                .col_expr(row::Column::State, Expr::value(DONE))
                .col_expr(row::Column::LastError, Expr::value(Option::<String>::None))
                .col_expr(row::Column::FinishedAt, Expr::value(Some(Utc::now())))
                .filter(row::Column::Id.eq(id))
                .filter(row::Column::State.eq(SENDING))
                .exec(&txn)
                .await?;
            changes::log(&txn, &[super::NEWSLETTERS_TAG.to_owned()]).await?;
        }
        txn.commit().await?;
        Ok(left == 0)
    }

    /// Tries a send's failed recipients again (not the bounced: their addresses are
    /// suppressed), with the send going on as a new job.
    pub async fn retry_failed(&self, id: i64, actor: &Actor) -> Result<Send, StoreError> {
        let txn = self.write().await?;
        row::Entity::find_by_id(id)
            .one(&txn)
            .await?
            .ok_or_else(|| StoreError::not_found("send", id.to_string()))?;
        let res = rcpt::Entity::update_many()
            .col_expr(rcpt::Column::State, Expr::value("pending"))
            .col_expr(rcpt::Column::Attempts, Expr::value(0))
            .col_expr(rcpt::Column::DueAt, Expr::value(Utc::now()))
            .filter(rcpt::Column::SendId.eq(id))
            .filter(rcpt::Column::State.eq("failed"))
            .exec(&txn)
            .await?;
        if res.rows_affected > 0 {
            row::Entity::update_many()
                .col_expr(row::Column::State, Expr::value(SENDING))
                .col_expr(row::Column::FinishedAt, Expr::value(Option::<DateTime<Utc>>::None))
                .filter(row::Column::Id.eq(id))
                .exec(&txn)
                .await?;
            for _ in 0..SEND_JOBS {
                jobs::enqueue(&txn, &DeliverSend { send_id: id }).await?;
            }
        }
        audit::write(
            &txn,
            actor,
            &AuditRecord::new("newsletter.retry", format!("send {id}"))
                .detail(format!("{} recipient(s)", res.rows_affected)),
        )
        .await?;
        txn.commit().await?;
        self.send(id).await
    }

    /// The newsletter a send went to.
    pub async fn send_newsletter(
        &self,
        send: &Send,
    ) -> Result<byline_core::newsletters::Newsletter, StoreError> {
        newsletter::Entity::find_by_id(send.newsletter_id)
            .one(self.db())
            .await?
            .map(newsletter_from_row)
            .ok_or_else(|| StoreError::not_found("newsletter", send.newsletter_id.to_string()))
    }

    /// The kind of job that delivers sends (for workers that run only these).
    pub fn send_job_kind() -> &'static str {
        DeliverSend::KIND
    }
}
