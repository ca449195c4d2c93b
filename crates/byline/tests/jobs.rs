//! The job queue through the binary: a `byline work` process killed mid-job, and
//! `byline jobs list|retry|cancel`, on SQLite and (when configured) PostgreSQL.

use byline_core::jobs::{Job, JobState};
use byline_store::Store;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output};
use std::time::{Duration, Instant};

/// The binary's test-only job (`BYLINE_TEST_JOBS`): waits while `hold_while` exists, then
/// appends `token` to `file`.
#[derive(Serialize, Deserialize)]
struct TestMark {
    file: PathBuf,
    token: String,
    hold_while: Option<PathBuf>,
}

impl Job for TestMark {
    const KIND: &'static str = "test.mark";
}

/// A job no node runs, that may be tried once.
#[derive(Serialize, Deserialize)]
struct Doomed {
    n: u32,
}

impl Job for Doomed {
    const KIND: &'static str = "test.doomed";
    const MAX_ATTEMPTS: u32 = 1;
}

fn byline(dir: &Path, url: &str) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_byline"));
    c.current_dir(dir);
    for (k, _) in std::env::vars() {
        if k.starts_with("BYLINE_") {
            c.env_remove(k);
        }
    }
    c.env("RUST_LOG", "warn").env("BYLINE_DATA", dir).env("BYLINE_DATABASE_URL", url);
    c
}

fn text(o: &[u8]) -> String {
    String::from_utf8_lossy(o).into_owned()
}

/// Kills the worker if a test fails before it does.
struct Worker(Child);

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn work(dir: &Path, url: &str) -> Worker {
    let child = byline(dir, url)
        .args(["work", "--workers", "1"])
        .env("BYLINE_TEST_JOBS", "1")
        .env("BYLINE_JOB_LEASE_SECS", "2")
        .spawn()
        .expect("start byline work");
    Worker(child)
}

/// Waits for a job to reach `state` (a guard against hanging, not a timing check).
async fn until(store: &Store, id: i64, state: JobState) {
    let give_up = Instant::now() + Duration::from_secs(120);
    loop {
        let j = store.job(id).await.unwrap();
        if j.state == state {
            return;
        }
        assert!(Instant::now() < give_up, "job {id} never became {state}: {j:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn a_job_whose_worker_is_killed_completes_once_after_its_lease_runs_out() {
    for db in byline_store::testing::databases().await {
        let dir = tempfile::tempdir().unwrap();
        let (marks, hold) = (dir.path().join("marks"), dir.path().join("hold"));
        std::fs::write(&hold, "").unwrap();
        let job =
            TestMark { file: marks.clone(), token: "ran".into(), hold_while: Some(hold.clone()) };
        let id = db.store.enqueue(&job).await.unwrap();

        let mut first = work(dir.path(), &db.url);
        until(&db.store, id, JobState::Running).await;
        // kill -9 in the middle of the job.
        first.0.kill().unwrap();
        first.0.wait().unwrap();
        assert!(!marks.exists());
        std::fs::remove_file(&hold).unwrap();

        let _second = work(dir.path(), &db.url);
        until(&db.store, id, JobState::Done).await;
        assert_eq!(std::fs::read_to_string(&marks).unwrap(), "ran\n", "exactly one completion");
        let j = db.store.job(id).await.unwrap();
        assert_eq!(j.attempts, 2, "the killed try counts: {j:?}");
    }
}

#[tokio::test]
async fn jobs_list_retry_and_cancel() {
    for db in byline_store::testing::databases().await {
        let dir = tempfile::tempdir().unwrap();
        let id = db.store.enqueue(&Doomed { n: 7 }).await.unwrap();
        let now = chrono::Utc::now();
        let claimed = db
            .store
            .claim_job(&[Doomed::KIND], now, chrono::Duration::seconds(30))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            db.store.fail_job(&claimed, "the disk is on fire", now).await.unwrap(),
            Some(JobState::Dead)
        );
        let run =
            |args: &[&str]| -> Output { byline(dir.path(), &db.url).args(args).output().unwrap() };

        let o = run(&["jobs", "list", "--state", "dead"]);
        assert!(o.status.success(), "{}", text(&o.stderr));
        let out = text(&o.stdout);
        assert!(out.contains(&format!("{id} ")) && out.contains("test.doomed"), "{out}");
        assert!(out.contains("last error: the disk is on fire") && out.contains("1/1"), "{out}");
        assert!(text(&o.stderr).contains("1 dead"), "{}", text(&o.stderr));
        assert!(text(&run(&["jobs", "list", "--state", "queued"]).stdout).is_empty());

        let o = run(&["jobs", "list", "--state", "finished"]);
        assert!(!o.status.success());
        assert!(text(&o.stderr).contains("not a job state"), "{}", text(&o.stderr));

        let o = run(&["jobs", "retry", &id.to_string()]);
        assert!(o.status.success(), "{}", text(&o.stderr));
        assert!(text(&o.stdout).contains("queued again"));
        let j = db.store.job(id).await.unwrap();
        assert_eq!((j.state, j.attempts, j.max_attempts), (JobState::Queued, 1, 2));
        assert_eq!(j.last_error.as_deref(), Some("the disk is on fire"), "kept until it runs");

        // A running job cannot be cancelled; a queued one can.
        let running = db
            .store
            .claim_job(&[Doomed::KIND], chrono::Utc::now(), chrono::Duration::seconds(30))
            .await
            .unwrap()
            .unwrap();
        let o = run(&["jobs", "cancel", &id.to_string()]);
        assert!(!o.status.success());
        assert!(text(&o.stderr).contains("is running"), "{}", text(&o.stderr));
        db.store.fail_job(&running, "again", chrono::Utc::now()).await.unwrap();
        let o = run(&["jobs", "cancel", &id.to_string()]);
        assert!(o.status.success(), "{}", text(&o.stderr));
        assert!(db.store.job(id).await.unwrap_err().is_not_found());
        let o = run(&["jobs", "retry", &id.to_string()]);
        assert!(!o.status.success());
        assert!(text(&o.stderr).contains("not found"), "{}", text(&o.stderr));
    }
}

#[test]
fn worker_settings_are_checked() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("byline.db").display());
    let o = byline(dir.path(), &url).args(["work", "--workers", "0"]).output().unwrap();
    assert!(!o.status.success());
    assert!(text(&o.stderr).contains("workers is 0"), "{}", text(&o.stderr));
    let o = byline(dir.path(), &url).arg("serve").env("BYLINE_WORKERS", "500").output().unwrap();
    assert!(!o.status.success());
    assert!(text(&o.stderr).contains("workers must be between 0 and 64"), "{}", text(&o.stderr));
    let o =
        byline(dir.path(), &url).arg("serve").env("BYLINE_JOB_LEASE_SECS", "0").output().unwrap();
    assert!(!o.status.success());
    assert!(text(&o.stderr).contains("job_lease_secs"), "{}", text(&o.stderr));
}
