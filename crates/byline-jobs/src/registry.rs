//! Which handler runs which kind of job.

use byline_core::jobs::Job;
use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// A handler's run of one job, boxed so that handlers of every kind sit in one map.
pub(crate) type Run = Pin<Box<dyn Future<Output = anyhow::Result<()>> + Send>>;
type Handler = Arc<dyn Fn(&str) -> anyhow::Result<Run> + Send + Sync>;

/// The handlers a node runs, by job kind. A worker only claims jobs of kinds registered here,
/// so a node without a handler leaves those jobs to nodes that have one.
#[derive(Clone, Default)]
pub struct Registry {
    handlers: BTreeMap<&'static str, Handler>,
}

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.handlers.keys()).finish()
    }
}

impl Registry {
    pub fn new() -> Self {
        Self::default()
    }

    /// Runs `handler` for jobs of kind `J::KIND`, each read from its stored JSON. An error
    /// (or a panic) fails the try; the queue retries it after a backoff.
    pub fn register<J, F, Fut>(&mut self, handler: F) -> &mut Self
    where
        J: Job,
        F: Fn(J) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = anyhow::Result<()>> + Send + 'static,
    {
        let handler = Arc::new(handler);
        let run: Handler = Arc::new(move |payload: &str| {
            let job: J = serde_json::from_str(payload)
                .map_err(|e| anyhow::anyhow!("the stored {} job cannot be read: {e}", J::KIND))?;
            Ok(Box::pin(handler(job)) as Run)
        });
        self.handlers.insert(J::KIND, run);
        self
    }

    /// The kinds this registry runs.
    pub fn kinds(&self) -> Vec<&'static str> {
        self.handlers.keys().copied().collect()
    }

    /// Starts a run of the job stored as `payload`; an error when it cannot be read or its
    /// kind has no handler here.
    pub(crate) fn start(&self, kind: &str, payload: &str) -> anyhow::Result<Run> {
        match self.handlers.get(kind) {
            Some(h) => h(payload),
            None => anyhow::bail!("no handler for jobs of kind {kind:?} on this node"),
        }
    }
}
