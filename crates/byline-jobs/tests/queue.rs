//! The queue with its workers, on SQLite and (when configured) PostgreSQL: jobs raced for by
//! several workers, in one process and across two store handles (two nodes), each run exactly
//! once; a failing job retried until it is dead; stopping lets the running job finish.

use byline_core::jobs::{Job, JobState};
use byline_jobs::{Registry, Settings};
use byline_store::Store;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Serialize, Deserialize)]
struct Count {
    n: u32,
}

impl Job for Count {
    const KIND: &'static str = "test.count";
}

type Runs = Arc<Mutex<HashMap<u32, u32>>>;

fn counting(runs: &Runs) -> Registry {
    let mut r = Registry::new();
    let runs = runs.clone();
    r.register(move |job: Count| {
        let runs = runs.clone();
        async move {
            *runs.lock().unwrap().entry(job.n).or_default() += 1;
            tokio::task::yield_now().await;
            Ok(())
        }
    });
    r
}

fn settings(workers: usize) -> Settings {
    Settings { workers, poll: Duration::from_millis(20), ..Default::default() }
}

/// Waits until `n` jobs are done (a guard against hanging, not a timing check).
async fn until_done(store: &Store, n: u64) {
    let give_up = Instant::now() + Duration::from_secs(300);
    loop {
        let counts = store.job_counts().await.unwrap();
        if counts.iter().any(|(s, c)| *s == JobState::Done && *c == n) {
            return;
        }
        assert!(Instant::now() < give_up, "not all done: {counts:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn enqueue(store: &Store, n: u32) {
    for i in 0..n {
        store.enqueue(&Count { n: i }).await.unwrap();
    }
}

fn each_ran_once(runs: &Runs, n: u32) {
    let runs = runs.lock().unwrap();
    assert_eq!(runs.len(), n as usize);
    let twice: Vec<_> = runs.iter().filter(|(_, c)| **c != 1).collect();
    assert!(twice.is_empty(), "run more than once: {twice:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_workers_racing_for_a_thousand_jobs_run_each_once() {
    for db in byline_store::testing::databases().await {
        enqueue(&db.store, 1000).await;
        let runs = Runs::default();
        let pool = byline_jobs::start(db.store.clone(), counting(&runs), settings(2));
        until_done(&db.store, 1000).await;
        pool.stop().await;
        each_ran_once(&runs, 1000);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_nodes_racing_for_a_thousand_jobs_run_each_once() {
    for db in byline_store::testing::databases().await {
        enqueue(&db.store, 1000).await;
        // A second node: its own connections to the same database.
        let other = Store::connect(&db.url).await.unwrap();
        let runs = Runs::default();
        let a = byline_jobs::start(db.store.clone(), counting(&runs), settings(2));
        let b = byline_jobs::start(other.clone(), counting(&runs), settings(2));
        until_done(&db.store, 1000).await;
        a.stop().await;
        b.stop().await;
        each_ran_once(&runs, 1000);
    }
}

#[derive(Serialize, Deserialize)]
struct Broken;

impl Job for Broken {
    const KIND: &'static str = "test.broken";
    const MAX_ATTEMPTS: u32 = 2;
}

#[tokio::test]
async fn a_failing_job_is_kept_with_its_error_and_a_panic_fails_only_the_try() {
    for db in byline_store::testing::databases().await {
        let id = db.store.enqueue(&Broken).await.unwrap();
        let tries = Arc::new(Mutex::new(0));
        let mut r = Registry::new();
        let t = tries.clone();
        r.register(move |_: Broken| {
            let t = t.clone();
            async move {
                let n = {
                    let mut n = t.lock().unwrap();
                    *n += 1;
                    *n
                };
                if n == 1 {
                    panic!("the handler fell over");
                }
                anyhow::bail!("the printer is out of paper")
            }
        });
        let pool = byline_jobs::start(db.store.clone(), r, settings(1));
        let give_up = Instant::now() + Duration::from_secs(60);
        while db.store.job(id).await.unwrap().state != JobState::Failed {
            assert!(Instant::now() < give_up);
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        pool.stop().await;
        let j = db.store.job(id).await.unwrap();
        assert!(j.last_error.as_deref().unwrap().contains("the handler stopped"), "{j:?}");
        // The backoff keeps it from the workers for now; the queue's clock can be moved on.
        let later = chrono::Utc::now() + chrono::Duration::minutes(5);
        let claimed = db
            .store
            .claim_job(&[Broken::KIND], later, chrono::Duration::seconds(30))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(claimed.attempt, 2);
        db.store.fail_job(&claimed, "the printer is out of paper", later).await.unwrap();
        let j = db.store.job(id).await.unwrap();
        assert_eq!(j.state, JobState::Dead);
        assert_eq!(j.last_error.as_deref(), Some("the printer is out of paper"));
    }
}

#[derive(Serialize, Deserialize)]
struct Slow;

impl Job for Slow {
    const KIND: &'static str = "test.slow";
}

#[tokio::test]
async fn stopping_lets_the_running_job_finish() {
    for db in byline_store::testing::databases().await {
        let id = db.store.enqueue(&Slow).await.unwrap();
        let (started_tx, started) = tokio::sync::oneshot::channel::<()>();
        let started_tx = Arc::new(Mutex::new(Some(started_tx)));
        let mut r = Registry::new();
        r.register(move |_: Slow| {
            let tx = started_tx.lock().unwrap().take();
            async move {
                if let Some(tx) = tx {
                    let _ = tx.send(());
                }
                tokio::time::sleep(Duration::from_millis(300)).await;
                Ok(())
            }
        });
        let pool = byline_jobs::start(db.store.clone(), r, settings(1));
        started.await.unwrap();
        pool.stop().await;
        assert_eq!(db.store.job(id).await.unwrap().state, JobState::Done);
    }
}
