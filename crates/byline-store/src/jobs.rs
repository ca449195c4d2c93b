//! The durable job queue: jobs are rows, enqueued in the transaction of the write that calls
//! for them (so a write that rolls back leaves no job), claimed under a lease, retried with
//! exponential backoff, and kept as dead with their last error when out of tries.
//!
//! Claiming is one `UPDATE … WHERE id IN (SELECT … LIMIT 1) RETURNING`: on PostgreSQL the
//! inner select takes the row `FOR UPDATE SKIP LOCKED`, so workers on many nodes skip each
//! other's rows instead of waiting; on SQLite the statement runs under `BEGIN IMMEDIATE`, one
//! writer at a time. Each claim counts an attempt, and the attempt number is the lease's token:
//! renewing, completing or failing a job only counts while the row still shows the attempt the
//! worker claimed, so a worker that lost its lease (and whose job someone else re-claimed)
//! cannot complete it a second time.

use crate::entity::job as row;
use crate::{Store, StoreError};
use byline_core::audit::{Actor, AuditRecord};
use byline_core::jobs::{ClaimedJob, Job, JobRecord, JobState, backoff};
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Expr, LockBehavior, LockType, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};

const QUEUED: &str = "queued";
const RUNNING: &str = "running";
const FAILED: &str = "failed";
const DEAD: &str = "dead";
const DONE: &str = "done";

/// The longest error text kept with a job.
const MAX_ERROR_CHARS: usize = 2000;

fn from_row(m: row::Model) -> JobRecord {
    JobRecord {
        id: m.id,
        kind: m.kind,
        payload: m.payload,
        state: m.state.parse().unwrap_or(JobState::Dead),
        attempts: m.attempts.max(0) as u32,
        max_attempts: m.max_attempts.max(0) as u32,
        run_at: m.run_at,
        lease_until: m.lease_until,
        last_error: m.last_error,
        created_at: m.created_at,
        updated_at: m.updated_at,
    }
}

fn subject(j: &JobRecord) -> String {
    format!("job {} ({})", j.id, j.kind)
}

/// Queues a job in `db`'s transaction: it exists only if that transaction commits.
pub(crate) async fn enqueue<J: Job>(db: &impl ConnectionTrait, job: &J) -> Result<i64, StoreError> {
    let payload = serde_json::to_string(job).map_err(|e| {
        StoreError::Conflict(format!("a {} job could not be written as JSON: {e}", J::KIND))
    })?;
    let now = Utc::now();
    let res = row::Entity::insert(row::ActiveModel {
        kind: Set(J::KIND.to_owned()),
        payload: Set(payload),
        state: Set(QUEUED.to_owned()),
        attempts: Set(0),
        max_attempts: Set(J::MAX_ATTEMPTS.max(1) as i32),
        run_at: Set(now),
        lease_until: Set(None),
        last_error: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    })
    .exec(db)
    .await?;
    Ok(res.last_insert_id)
}

/// The row, if it is still held by this attempt.
fn held(id: i64, attempt: u32) -> Condition {
    Condition::all()
        .add(row::Column::Id.eq(id))
        .add(row::Column::State.eq(RUNNING))
        .add(row::Column::Attempts.eq(attempt as i32))
}

fn cut(error: &str) -> String {
    error.chars().take(MAX_ERROR_CHARS).collect()
}

impl Store {
    /// Queues a job on its own (not tied to another write).
    pub async fn enqueue<J: Job>(&self, job: &J) -> Result<i64, StoreError> {
        let txn = self.write().await?;
        let id = enqueue(&txn, job).await?;
        txn.commit().await?;
        Ok(id)
    }

    /// Claims the oldest due job of one of `kinds` for `lease`: a queued job, a failed one
    /// whose backoff is over, or a running one whose worker's lease ran out. `None` when
    /// there is nothing to do. A running job whose lease ran out on its last try is kept as
    /// dead instead (its worker died or hung every time).
    pub async fn claim_job(
        &self,
        kinds: &[&str],
        now: DateTime<Utc>,
        lease: Duration,
    ) -> Result<Option<ClaimedJob>, StoreError> {
        if kinds.is_empty() {
            return Ok(None);
        }
        let expired = Condition::all()
            .add(row::Column::State.eq(RUNNING))
            .add(row::Column::LeaseUntil.lt(now));
        let due = Condition::all().add(row::Column::Kind.is_in(kinds.iter().copied())).add(
            Condition::any()
                .add(
                    Condition::all()
                        .add(row::Column::State.is_in([QUEUED, FAILED]))
                        .add(row::Column::RunAt.lte(now)),
                )
                .add(expired.clone()),
        );
        // An idle queue is only read: workers poll it often, and on SQLite a write
        // transaction would take the database's one write lock each time.
        let any: Option<i64> = row::Entity::find()
            .select_only()
            .column(row::Column::Id)
            .filter(due.clone())
            .limit(1)
            .into_tuple()
            .one(self.db())
            .await?;
        if any.is_none() {
            return Ok(None);
        }
        let txn = self.write().await?;
        row::Entity::update_many()
            .col_expr(row::Column::State, Expr::value(DEAD))
            .col_expr(row::Column::LeaseUntil, Expr::value(Option::<DateTime<Utc>>::None))
            .col_expr(
                row::Column::LastError,
                Expr::value("the worker stopped (its lease ran out) during the last try"),
            )
            .col_expr(row::Column::UpdatedAt, Expr::value(now))
            .filter(expired.clone())
            .filter(sea_orm::sea_query::ExprTrait::gte(
                Expr::col(row::Column::Attempts),
                Expr::col(row::Column::MaxAttempts),
            ))
            .exec(&txn)
            .await?;
        let mut oldest = Query::select();
        oldest
            .column(row::Column::Id)
            .from(row::Entity)
            .cond_where(due)
            .order_by(row::Column::RunAt, sea_orm::Order::Asc)
            .order_by(row::Column::Id, sea_orm::Order::Asc)
            .limit(1)
            // PostgreSQL: skip rows other workers hold; SQLite's builder leaves this out.
            .lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
        let claimed = row::Entity::update_many()
            .col_expr(row::Column::State, Expr::value(RUNNING))
            .col_expr(
                row::Column::Attempts,
                sea_orm::sea_query::ExprTrait::add(Expr::col(row::Column::Attempts), 1),
            )
            .col_expr(row::Column::LeaseUntil, Expr::value(Some(now + lease)))
            .col_expr(row::Column::UpdatedAt, Expr::value(now))
            .filter(row::Column::Id.in_subquery(oldest))
            .exec_with_returning(&txn)
            .await?;
        txn.commit().await?;
        Ok(claimed.into_iter().next().map(|m| ClaimedJob {
            id: m.id,
            kind: m.kind,
            payload: m.payload,
            attempt: m.attempts.max(0) as u32,
            max_attempts: m.max_attempts.max(0) as u32,
        }))
    }

    /// Extends a worker's hold on a job it is still running. `false`: the lease was lost (it
    /// ran out and another worker claimed the job, or someone cancelled it).
    pub async fn renew_job_lease(
        &self,
        job: &ClaimedJob,
        now: DateTime<Utc>,
        lease: Duration,
    ) -> Result<bool, StoreError> {
        let res = row::Entity::update_many()
            .col_expr(row::Column::LeaseUntil, Expr::value(Some(now + lease)))
            .col_expr(row::Column::UpdatedAt, Expr::value(now))
            .filter(held(job.id, job.attempt))
            .exec(self.db())
            .await?;
        Ok(res.rows_affected == 1)
    }

    /// Marks a job done. `false` (and nothing changed) when this worker no longer holds it.
    pub async fn complete_job(&self, job: &ClaimedJob) -> Result<bool, StoreError> {
        let res = row::Entity::update_many()
            .col_expr(row::Column::State, Expr::value(DONE))
            .col_expr(row::Column::LeaseUntil, Expr::value(Option::<DateTime<Utc>>::None))
            .col_expr(row::Column::UpdatedAt, Expr::value(Utc::now()))
            .filter(held(job.id, job.attempt))
            .exec(self.db())
            .await?;
        Ok(res.rows_affected == 1)
    }

    /// Records a failed try: the job waits out its backoff and is tried again, or, out of
    /// tries, is kept as dead. Returns the state it is left in; `None` when this worker no
    /// longer held it.
    pub async fn fail_job(
        &self,
        job: &ClaimedJob,
        error: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<JobState>, StoreError> {
        let state = if job.attempt >= job.max_attempts { JobState::Dead } else { JobState::Failed };
        let res = row::Entity::update_many()
            .col_expr(row::Column::State, Expr::value(state.as_str()))
            .col_expr(row::Column::LeaseUntil, Expr::value(Option::<DateTime<Utc>>::None))
            .col_expr(row::Column::RunAt, Expr::value(now + backoff(job.attempt)))
            .col_expr(row::Column::LastError, Expr::value(Some(cut(error))))
            .col_expr(row::Column::UpdatedAt, Expr::value(now))
            .filter(held(job.id, job.attempt))
            .exec(self.db())
            .await?;
        Ok((res.rows_affected == 1).then_some(state))
    }

    pub async fn job(&self, id: i64) -> Result<JobRecord, StoreError> {
        find(self.db(), id).await
    }

    /// Jobs in a state (all states when `None`), newest first, at most `limit`.
    pub async fn jobs(
        &self,
        state: Option<JobState>,
        limit: u64,
    ) -> Result<Vec<JobRecord>, StoreError> {
        let mut q = row::Entity::find().order_by_desc(row::Column::Id).limit(limit);
        if let Some(s) = state {
            q = q.filter(row::Column::State.eq(s.as_str()));
        }
        Ok(q.all(self.db()).await?.into_iter().map(from_row).collect())
    }

    /// How many jobs are in each state (every state listed, zeros included).
    pub async fn job_counts(&self) -> Result<Vec<(JobState, u64)>, StoreError> {
        let rows: Vec<(String, i64)> = row::Entity::find()
            .select_only()
            .column(row::Column::State)
            .column_as(row::Column::Id.count(), "n")
            .group_by(row::Column::State)
            .into_tuple()
            .all(self.db())
            .await?;
        Ok(JobState::ALL
            .into_iter()
            .map(|s| {
                let n = rows.iter().find(|(st, _)| st == s.as_str()).map_or(0, |r| r.1);
                (s, n.max(0) as u64)
            })
            .collect())
    }

    /// Tries a failed or dead job again now, with as many tries as it first had.
    pub async fn retry_job(&self, actor: &Actor, id: i64) -> Result<JobRecord, StoreError> {
        let txn = self.write().await?;
        let before = find(&txn, id).await?;
        if !matches!(before.state, JobState::Failed | JobState::Dead) {
            return Err(StoreError::Conflict(format!(
                "job {id} is {}; only failed and dead jobs can be retried",
                before.state
            )));
        }
        // The attempt count goes on (it is the lease's token); the allowance grows instead.
        let first_allowance = before.max_attempts.max(1) as i32;
        let now = Utc::now();
        row::Entity::update_many()
            .col_expr(row::Column::State, Expr::value(QUEUED))
            .col_expr(row::Column::RunAt, Expr::value(now))
            .col_expr(
                row::Column::MaxAttempts,
                sea_orm::sea_query::ExprTrait::add(
                    Expr::col(row::Column::Attempts),
                    first_allowance.min(100),
                ),
            )
            .col_expr(row::Column::UpdatedAt, Expr::value(now))
            .filter(row::Column::Id.eq(id))
            .exec(&txn)
            .await?;
        let after = find(&txn, id).await?;
        crate::audit::write(&txn, actor, &AuditRecord::new("job.retry", subject(&after))).await?;
        txn.commit().await?;
        Ok(after)
    }

    /// Removes a job that is not running (queued, failed, dead or done).
    pub async fn cancel_job(&self, actor: &Actor, id: i64) -> Result<JobRecord, StoreError> {
        let txn = self.write().await?;
        let job = find(&txn, id).await?;
        if job.state == JobState::Running {
            return Err(StoreError::Conflict(format!(
                "job {id} is running; wait until it finishes or fails, then cancel it"
            )));
        }
        row::Entity::delete_by_id(id).exec(&txn).await?;
        crate::audit::write(
            &txn,
            actor,
            &AuditRecord::new("job.cancel", subject(&job)).detail(job.state.as_str()),
        )
        .await?;
        txn.commit().await?;
        Ok(job)
    }

    /// Forgets done jobs finished before `before`.
    pub async fn prune_done_jobs(&self, before: DateTime<Utc>) -> Result<u64, StoreError> {
        let res = row::Entity::delete_many()
            .filter(row::Column::State.eq(DONE))
            .filter(row::Column::UpdatedAt.lt(before))
            .exec(self.db())
            .await?;
        Ok(res.rows_affected)
    }
}

async fn find(db: &impl ConnectionTrait, id: i64) -> Result<JobRecord, StoreError> {
    row::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(from_row)
        .ok_or_else(|| StoreError::not_found("job", id.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use byline_core::jobs::MakeImageCopies;

    /// A job whose write rolls back never exists, so it never runs.
    #[tokio::test]
    async fn a_job_enqueued_with_a_write_that_rolls_back_never_runs() {
        for db in crate::testing::databases().await {
            let store = &db.store;
            let txn = store.write().await.unwrap();
            enqueue(&txn, &MakeImageCopies { media_id: 1 }).await.unwrap();
            crate::audit::write(&txn, &Actor::command_line(), &AuditRecord::new("x", "y"))
                .await
                .unwrap();
            txn.rollback().await.unwrap();
            let later = Utc::now() + Duration::days(1);
            let kinds = [MakeImageCopies::KIND];
            assert_eq!(store.claim_job(&kinds, later, Duration::seconds(30)).await.unwrap(), None);
            assert!(store.jobs(None, 10).await.unwrap().is_empty());
            // The same, committed, is claimed.
            let txn = store.write().await.unwrap();
            let id = enqueue(&txn, &MakeImageCopies { media_id: 1 }).await.unwrap();
            txn.commit().await.unwrap();
            let got = store.claim_job(&kinds, later, Duration::seconds(30)).await.unwrap();
            assert_eq!(got.map(|j| (j.id, j.attempt)), Some((id, 1)));
        }
    }
}
