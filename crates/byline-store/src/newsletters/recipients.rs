//! Claiming and recording a send's recipients: the ledger behind "nothing lost, nothing
//! twice". A sender claims a batch of due recipients in one write transaction (on
//! PostgreSQL `FOR UPDATE SKIP LOCKED`, so senders on other nodes take other rows; on SQLite
//! under the one write lock), holds them until `claimed_until`, and marks each `sent` as soon
//! as the SMTP server accepted it. A sender that dies leaves its claims to run out; another
//! then takes them up. So after a crash only the messages on the wire at that moment (accepted
//! by the server but not yet marked) can go twice.

use crate::entity::{email_suppression, member, newsletter_recipient as row, newsletter_send};
use crate::{Store, StoreError};
use byline_core::newsletters::{MAX_RECIPIENT_ATTEMPTS, retry_after};
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Expr, LockBehavior, LockType};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

/// A recipient a sender holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimedRecipient {
    pub id: i64,
    pub email: String,
    /// The member's public id (for their unsubscribe link); `None` once deleted.
    pub member_uuid: Option<String>,
    /// May they read the article(s) in full (else the preview).
    pub full: bool,
}

/// A recipient the send could not reach, with the server's answer.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Failure {
    pub email: String,
    pub state: String,
    pub attempts: u32,
    pub error: Option<String>,
}

/// The longest SMTP answer kept with a recipient.
const MAX_ERROR: usize = 1000;

fn cut(s: &str) -> String {
    s.chars().take(MAX_ERROR).collect()
}

impl Store {
    /// Claims up to `limit` of send `send_id`'s recipients that are due (pending, or claimed
    /// by a sender whose hold ran out) until `now + hold`. Recipients whose address was
    /// suppressed since the send began are skipped instead.
    pub async fn claim_recipients(
        &self,
        send_id: i64,
        limit: u64,
        now: DateTime<Utc>,
        hold: Duration,
    ) -> Result<Vec<ClaimedRecipient>, StoreError> {
        let txn = self.write().await?;
        // Two picks, each along the index (send_id, state, due_at), so that a claim costs
        // the rows it takes and never a walk past the ones already sent: first those claimed
        // by a sender whose hold ran out, then the pending ones that are due.
        let pick = |state: &'static str, due: Condition, limit: u64| {
            row::Entity::find()
                .select_only()
                .column(row::Column::Id)
                .filter(row::Column::SendId.eq(send_id))
                .filter(row::Column::State.eq(state))
                .filter(due)
                .order_by_asc(row::Column::DueAt)
                .order_by_asc(row::Column::Id)
                .limit(limit)
                .lock_with_behavior(LockType::Update, LockBehavior::SkipLocked)
                .into_tuple::<i64>()
        };
        let expired = Condition::all().add(row::Column::ClaimedUntil.lt(now));
        let mut ids = pick("claimed", expired, limit).all(&txn).await?;
        if (ids.len() as u64) < limit {
            let due = Condition::all().add(row::Column::DueAt.lte(now));
            ids.extend(pick("pending", due, limit - ids.len() as u64).all(&txn).await?);
        }
        if ids.is_empty() {
            txn.commit().await?;
            return Ok(Vec::new());
        }
        let claimed = row::Entity::update_many()
            .col_expr(row::Column::State, Expr::value("claimed"))
            .col_expr(row::Column::ClaimedUntil, Expr::value(Some(now + hold)))
            .filter(row::Column::Id.is_in(ids))
            .exec_with_returning(&txn)
            .await?;
        let emails: Vec<String> = claimed.iter().map(|r| r.email.clone()).collect();
        let suppressed: Vec<String> = email_suppression::Entity::find()
            .filter(email_suppression::Column::Email.is_in(emails))
            .select_only()
            .column(email_suppression::Column::Email)
            .into_tuple()
            .all(&txn)
            .await?;
        if !suppressed.is_empty() {
            row::Entity::update_many()
                .col_expr(row::Column::State, Expr::value("skipped"))
                .col_expr(row::Column::ClaimedUntil, Expr::value(Option::<DateTime<Utc>>::None))
                .filter(row::Column::SendId.eq(send_id))
                .filter(row::Column::Email.is_in(suppressed.clone()))
                .filter(row::Column::State.eq("claimed"))
                .exec(&txn)
                .await?;
        }
        let member_ids: Vec<i64> = claimed.iter().filter_map(|r| r.member_id).collect();
        let uuids: Vec<(i64, String)> = member::Entity::find()
            .filter(member::Column::Id.is_in(member_ids))
            .select_only()
            .column(member::Column::Id)
            .column(member::Column::Uuid)
            .into_tuple()
            .all(&txn)
            .await?;
        txn.commit().await?;
        let mut out: Vec<ClaimedRecipient> = claimed
            .into_iter()
            .filter(|r| !suppressed.contains(&r.email))
            .map(|r| ClaimedRecipient {
                id: r.id,
                member_uuid: r
                    .member_id
                    .and_then(|m| uuids.iter().find(|(id, _)| *id == m).map(|(_, u)| u.clone())),
                email: r.email,
                full: r.variant == "full",
            })
            .collect();
        out.sort_by_key(|r| r.id);
        Ok(out)
    }

    /// The server accepted the message.
    pub async fn mark_recipient_sent(&self, id: i64) -> Result<(), StoreError> {
        self.mark_recipients_sent(&[id]).await
    }

    /// The server accepted these messages: one statement for all of them, so a sender
    /// records every answer that came in while it was writing the last ones at once.
    pub async fn mark_recipients_sent(&self, ids: &[i64]) -> Result<(), StoreError> {
        if ids.is_empty() {
            return Ok(());
        }
        row::Entity::update_many()
            .col_expr(row::Column::State, Expr::value("sent"))
            .col_expr(row::Column::ClaimedUntil, Expr::value(Option::<DateTime<Utc>>::None))
            .col_expr(row::Column::SentAt, Expr::value(Some(Utc::now())))
            .filter(row::Column::Id.is_in(ids.iter().copied()))
            .exec(self.db())
            .await?;
        Ok(())
    }

    /// A temporary failure (4xx, a dropped connection mid-message): tried again after a
    /// backoff, or marked failed once out of tries.
    pub async fn mark_recipient_retry(&self, id: i64, error: &str) -> Result<(), StoreError> {
        let txn = self.write().await?;
        let Some(r) = row::Entity::find_by_id(id).one(&txn).await? else {
            return Ok(());
        };
        let attempts = r.attempts.max(0) as u32 + 1;
        let state = if attempts >= MAX_RECIPIENT_ATTEMPTS { "failed" } else { "pending" };
        row::Entity::update_many()
            .col_expr(row::Column::State, Expr::value(state))
            .col_expr(row::Column::Attempts, Expr::value(attempts as i32))
            .col_expr(row::Column::DueAt, Expr::value(Utc::now() + retry_after(attempts)))
            .col_expr(row::Column::ClaimedUntil, Expr::value(Option::<DateTime<Utc>>::None))
            .col_expr(row::Column::LastError, Expr::value(Some(cut(error))))
            .filter(row::Column::Id.eq(id))
            .exec(&txn)
            .await?;
        txn.commit().await?;
        Ok(())
    }

    /// A permanent failure that is not about the address (the message refused): failed,
    /// not retried, the address not suppressed.
    pub async fn mark_recipient_failed(&self, id: i64, error: &str) -> Result<(), StoreError> {
        row::Entity::update_many()
            .col_expr(row::Column::State, Expr::value("failed"))
            .col_expr(row::Column::ClaimedUntil, Expr::value(Option::<DateTime<Utc>>::None))
            .col_expr(row::Column::LastError, Expr::value(Some(cut(error))))
            .filter(row::Column::Id.eq(id))
            .exec(self.db())
            .await?;
        Ok(())
    }

    /// The server refused the address for good (5xx): bounced, and the address suppressed
    /// from every later send; in one transaction.
    pub async fn mark_recipient_bounced(&self, id: i64, error: &str) -> Result<(), StoreError> {
        let txn = self.write().await?;
        let Some(r) = row::Entity::find_by_id(id).one(&txn).await? else {
            return Ok(());
        };
        row::Entity::update_many()
            .col_expr(row::Column::State, Expr::value("bounced"))
            .col_expr(
                row::Column::Attempts,
                sea_orm::sea_query::ExprTrait::add(Expr::col(row::Column::Attempts), 1),
            )
            .col_expr(row::Column::ClaimedUntil, Expr::value(Option::<DateTime<Utc>>::None))
            .col_expr(row::Column::LastError, Expr::value(Some(cut(error))))
            .filter(row::Column::Id.eq(id))
            .exec(&txn)
            .await?;
        email_suppression::Entity::insert(email_suppression::ActiveModel {
            email: Set(r.email),
            reason: Set("bounced".into()),
            detail: Set(Some(cut(error))),
            created_at: Set(Utc::now()),
        })
        .on_conflict_do_nothing()
        .exec(&txn)
        .await?;
        txn.commit().await?;
        Ok(())
    }

    /// Gives back claims without counting a try (the server could not be reached at all).
    pub async fn release_recipients(&self, ids: &[i64]) -> Result<(), StoreError> {
        if ids.is_empty() {
            return Ok(());
        }
        row::Entity::update_many()
            .col_expr(row::Column::State, Expr::value("pending"))
            .col_expr(row::Column::ClaimedUntil, Expr::value(Option::<DateTime<Utc>>::None))
            .filter(row::Column::Id.is_in(ids.iter().copied()))
            .filter(row::Column::State.eq("claimed"))
            .exec(self.db())
            .await?;
        Ok(())
    }

    /// When the next of a send's recipients falls due (pending ones after a backoff, or
    /// claims held by another sender); `None` when none is left.
    pub async fn next_recipient_due(
        &self,
        send_id: i64,
    ) -> Result<Option<DateTime<Utc>>, StoreError> {
        let rows = row::Entity::find()
            .filter(row::Column::SendId.eq(send_id))
            .filter(row::Column::State.is_in(["pending", "claimed"]))
            .order_by_asc(row::Column::DueAt)
            .limit(200)
            .all(self.db())
            .await?;
        Ok(rows
            .into_iter()
            .map(
                |r| {
                    if r.state == "claimed" {
                        r.claimed_until.unwrap_or(r.due_at)
                    } else {
                        r.due_at
                    }
                },
            )
            .min())
    }

    /// A send's recipients that failed or bounced, with the server's answers.
    pub async fn send_failures(
        &self,
        send_id: i64,
        limit: u64,
    ) -> Result<Vec<Failure>, StoreError> {
        Ok(row::Entity::find()
            .filter(row::Column::SendId.eq(send_id))
            .filter(
                Condition::any()
                    .add(row::Column::State.is_in(["failed", "bounced"]))
                    .add(row::Column::LastError.is_not_null()),
            )
            .order_by_asc(row::Column::Id)
            .limit(limit)
            .all(self.db())
            .await?
            .into_iter()
            .map(|r| Failure {
                email: r.email,
                state: r.state,
                attempts: r.attempts.max(0) as u32,
                error: r.last_error,
            })
            .collect())
    }

    /// Is send `id` still sending (not done, not cancelled)?
    pub async fn send_is_open(&self, id: i64) -> Result<bool, StoreError> {
        Ok(newsletter_send::Entity::find_by_id(id)
            .one(self.db())
            .await?
            .is_some_and(|s| s.state == "sending"))
    }
}
