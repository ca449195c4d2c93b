//! The job queue's store API on SQLite and (when configured) PostgreSQL: leases and their
//! tokens, backoff, dead jobs, retry and cancel, counts.

use byline_core::audit::Actor;
use byline_core::jobs::{Job, JobState};
use byline_store::testing::databases;
use chrono::{Duration, SubsecRound, Utc};
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize)]
struct Ping {
    n: u32,
}

impl Job for Ping {
    const KIND: &'static str = "test.ping";
    const MAX_ATTEMPTS: u32 = 3;
}

const KINDS: [&str; 1] = [Ping::KIND];

#[tokio::test]
async fn a_lost_lease_cannot_complete_what_another_worker_claimed() {
    for db in databases().await {
        let s = &db.store;
        let id = s.enqueue(&Ping { n: 1 }).await.unwrap();
        let t0 = Utc::now();
        let lease = Duration::seconds(10);
        let old = s.claim_job(&KINDS, t0, lease).await.unwrap().unwrap();
        assert_eq!((old.id, old.attempt, old.payload.as_str()), (id, 1, r#"{"n":1}"#));
        // Held: nobody else gets it, and its holder can renew.
        assert_eq!(s.claim_job(&KINDS, t0 + Duration::seconds(5), lease).await.unwrap(), None);
        assert!(s.renew_job_lease(&old, t0 + Duration::seconds(5), lease).await.unwrap());
        assert_eq!(s.claim_job(&KINDS, t0 + Duration::seconds(12), lease).await.unwrap(), None);
        // The lease runs out (the worker died or hung): the job is claimable again.
        let t1 = t0 + Duration::seconds(16);
        let new = s.claim_job(&KINDS, t1, lease).await.unwrap().unwrap();
        assert_eq!((new.id, new.attempt), (id, 2));
        // The old worker's renewal, completion and failure no longer count.
        assert!(!s.renew_job_lease(&old, t1, lease).await.unwrap());
        assert!(!s.complete_job(&old).await.unwrap());
        assert_eq!(s.fail_job(&old, "late", t1).await.unwrap(), None);
        assert_eq!(s.job(id).await.unwrap().state, JobState::Running);
        assert!(s.complete_job(&new).await.unwrap());
        assert!(!s.complete_job(&new).await.unwrap(), "done once");
        assert_eq!(s.job(id).await.unwrap().state, JobState::Done);
        // Other kinds are left to the nodes that run them.
        s.enqueue(&Ping { n: 2 }).await.unwrap();
        assert_eq!(s.claim_job(&["test.other"], t1, lease).await.unwrap(), None);
        assert_eq!(s.claim_job(&[], t1, lease).await.unwrap(), None);
    }
}

#[tokio::test]
async fn failures_back_off_then_end_dead_with_the_last_error() {
    for db in databases().await {
        let s = &db.store;
        let id = s.enqueue(&Ping { n: 1 }).await.unwrap();
        let lease = Duration::seconds(30);
        // Whole seconds: the databases keep microseconds.
        let mut now = Utc::now().trunc_subsecs(0) + Duration::seconds(1);
        for (attempt, wait) in [(1, 10), (2, 20)] {
            let j = s.claim_job(&KINDS, now, lease).await.unwrap().unwrap();
            assert_eq!(j.attempt, attempt);
            let state = s.fail_job(&j, &format!("try {attempt} failed"), now).await.unwrap();
            assert_eq!(state, Some(JobState::Failed));
            let rec = s.job(id).await.unwrap();
            assert_eq!(rec.run_at, now + Duration::seconds(wait), "doubling backoff");
            assert_eq!(rec.lease_until, None);
            // Not before its time.
            let early = now + Duration::seconds(wait - 1);
            assert_eq!(s.claim_job(&KINDS, early, lease).await.unwrap(), None);
            now += Duration::seconds(wait);
        }
        let j = s.claim_job(&KINDS, now, lease).await.unwrap().unwrap();
        assert_eq!(s.fail_job(&j, "try 3 failed", now).await.unwrap(), Some(JobState::Dead));
        let dead = s.job(id).await.unwrap();
        assert_eq!((dead.state, dead.attempts), (JobState::Dead, 3));
        assert_eq!(dead.last_error.as_deref(), Some("try 3 failed"));
        let far = now + Duration::days(30);
        assert_eq!(s.claim_job(&KINDS, far, lease).await.unwrap(), None, "dead stays dead");
        assert_eq!(s.jobs(Some(JobState::Dead), 10).await.unwrap(), std::slice::from_ref(&dead));
        let counts = s.job_counts().await.unwrap();
        assert!(counts.contains(&(JobState::Dead, 1)) && counts.contains(&(JobState::Queued, 0)));

        // Retried: queued now with three more tries; the attempt count goes on.
        let actor = Actor::command_line();
        let again = s.retry_job(&actor, id).await.unwrap();
        assert_eq!((again.state, again.attempts, again.max_attempts), (JobState::Queued, 3, 6));
        let j = s.claim_job(&KINDS, Utc::now(), lease).await.unwrap().unwrap();
        assert_eq!(j.attempt, 4);
        let e = s.retry_job(&actor, id).await.unwrap_err();
        assert!(e.to_string().contains("only failed and dead"), "{e}");
        assert!(s.cancel_job(&actor, id).await.unwrap_err().to_string().contains("running"));
        assert!(s.complete_job(&j).await.unwrap());
        assert_eq!(s.cancel_job(&actor, id).await.unwrap().state, JobState::Done);
        assert!(s.job(id).await.unwrap_err().is_not_found());
    }
}

#[tokio::test]
async fn a_job_whose_worker_dies_on_its_last_try_is_kept_dead() {
    for db in databases().await {
        let s = &db.store;
        let id = s.enqueue(&Ping { n: 1 }).await.unwrap();
        let lease = Duration::seconds(10);
        let mut now = Utc::now();
        for _ in 0..3 {
            s.claim_job(&KINDS, now, lease).await.unwrap().unwrap();
            now += Duration::seconds(11);
        }
        assert_eq!(s.claim_job(&KINDS, now, lease).await.unwrap(), None);
        let j = s.job(id).await.unwrap();
        assert_eq!((j.state, j.attempts), (JobState::Dead, 3));
        assert!(j.last_error.unwrap().contains("lease ran out"));
    }
}
