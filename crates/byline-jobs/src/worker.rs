//! The worker pool: N workers claiming, running and recording jobs until told to stop.

use crate::Registry;
use byline_core::jobs::{ClaimedJob, JobState};
use byline_store::Store;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tracing::Instrument;

/// How the pool works.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// Workers in this process; 0 runs none.
    pub workers: usize,
    /// How long a claim holds a job; a worker renews it every third of this while the job
    /// runs, so only a worker that died (or hung) lets it run out.
    pub lease: Duration,
    /// The pause between looks at the queue when it was empty.
    pub poll: Duration,
    /// How long stopping waits for running jobs before leaving them to their leases.
    pub grace: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            workers: 2,
            lease: Duration::from_secs(60),
            poll: Duration::from_millis(500),
            grace: Duration::from_secs(20),
        }
    }
}

/// Running workers. Stop them with [`Pool::stop`].
#[derive(Debug)]
pub struct Pool {
    stop: watch::Sender<bool>,
    workers: Vec<JoinHandle<()>>,
    grace: Duration,
}

/// Starts `settings.workers` workers over `store`, running the kinds in `registry`.
pub fn start(store: Store, registry: Registry, settings: Settings) -> Pool {
    let (stop, stopped) = watch::channel(false);
    let registry = Arc::new(registry);
    let workers = (0..settings.workers)
        .map(|n| {
            let w = Worker {
                n,
                store: store.clone(),
                registry: registry.clone(),
                settings,
                stopped: stopped.clone(),
            };
            tokio::spawn(w.run())
        })
        .collect();
    if settings.workers > 0 {
        tracing::info!(
            workers = settings.workers,
            kinds = ?registry.kinds(),
            lease_secs = settings.lease.as_secs_f64(),
            "job workers started"
        );
    }
    Pool { stop, workers, grace: settings.grace }
}

impl Pool {
    /// Stops claiming jobs and waits (up to the grace period) for the running ones to finish.
    /// A job still running then is left to its lease: another worker takes it up later.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        let all = async {
            for w in self.workers {
                let _ = w.await;
            }
        };
        if tokio::time::timeout(self.grace, all).await.is_err() {
            tracing::warn!("jobs still running at shutdown are left to their leases");
        }
    }
}

struct Worker {
    n: usize,
    store: Store,
    registry: Arc<Registry>,
    settings: Settings,
    stopped: watch::Receiver<bool>,
}

impl Worker {
    async fn run(mut self) {
        let kinds = self.registry.kinds();
        let lease = chrono::Duration::from_std(self.settings.lease)
            .unwrap_or_else(|_| chrono::Duration::seconds(60));
        for round in 0u64.. {
            if *self.stopped.borrow() {
                break;
            }
            if self.n == 0 && round % 20_000 == 0 {
                self.prune().await;
            }
            let pause = match self.store.claim_job(&kinds, chrono::Utc::now(), lease).await {
                Ok(Some(job)) => {
                    let span = tracing::info_span!(
                        "job",
                        id = job.id,
                        kind = %job.kind,
                        attempt = job.attempt
                    );
                    self.work(job, lease).instrument(span).await;
                    continue;
                }
                Ok(None) => self.settings.poll,
                Err(e) => {
                    tracing::warn!(worker = self.n, error = %e, "could not claim a job");
                    self.settings.poll * 4
                }
            };
            tokio::select! {
                _ = tokio::time::sleep(pause) => {}
                _ = self.stopped.changed() => {}
            }
        }
    }

    /// Runs one claimed job to its end, renewing the lease meanwhile. The handler runs as
    /// its own task, so a panic fails the try instead of the worker; losing the lease stops
    /// it, since the job is someone else's now.
    async fn work(&self, job: ClaimedJob, lease: chrono::Duration) {
        let mut run = match self.registry.start(&job.kind, &job.payload) {
            Ok(run) => tokio::spawn(run),
            Err(e) => return self.record(&job, Err(e)).await,
        };
        let mut renew = tokio::time::interval(self.settings.lease / 3);
        renew.tick().await;
        let outcome = loop {
            tokio::select! {
                done = &mut run => break done.unwrap_or_else(|e| {
                    Err(anyhow::anyhow!("the handler stopped: {e}"))
                }),
                _ = renew.tick() => {
                    match self.store.renew_job_lease(&job, chrono::Utc::now(), lease).await {
                        Ok(true) => {}
                        Ok(false) => {
                            run.abort();
                            tracing::warn!("lost the job's lease (it ran out or the job was cancelled); stopped it");
                            return;
                        }
                        Err(e) => tracing::warn!(error = %e, "could not renew the job's lease"),
                    }
                }
            }
        };
        self.record(&job, outcome).await;
    }

    async fn record(&self, job: &ClaimedJob, outcome: anyhow::Result<()>) {
        let recorded = match &outcome {
            Ok(()) => self.store.complete_job(job).await.map(|held| held.then_some(JobState::Done)),
            Err(e) => self.store.fail_job(job, &format!("{e:#}"), chrono::Utc::now()).await,
        };
        match (recorded, outcome) {
            (Ok(Some(JobState::Done)), _) => tracing::info!("job done"),
            (Ok(Some(state)), Err(e)) => {
                tracing::warn!(error = %format!("{e:#}"), %state, "job failed")
            }
            (Ok(_), _) => tracing::warn!("the job's lease was lost before its outcome was kept"),
            (Err(e), _) => tracing::warn!(error = %e, "could not record the job's outcome"),
        }
    }

    async fn prune(&self) {
        let week_ago = chrono::Utc::now() - chrono::Duration::days(7);
        if let Err(e) = self.store.prune_done_jobs(week_ago).await {
            tracing::warn!(error = %e, "could not prune done jobs");
        }
    }
}
