//! Byline's webhooks engine, run by the job queue's `webhooks.deliver` handler: for one
//! delivery it builds Ghost's payload (`{"post": {"current": …, "previous": …}}`, the objects
//! from `byline-ghost`), signs it (`X-Ghost-Signature`), checks where the target resolves
//! ([`guard`]: no private, loopback or link-local address unless allowed) and POSTs it to
//! exactly that address, recording each try in the delivery log. A failed try fails the job,
//! which the queue retries with its backoff.
//!
//! It sits beneath the binary beside `byline-web` and must not depend on it or on HTTP
//! serving; the store keeps subscriptions and the log.

pub mod guard;
mod payload;
mod send;

pub use payload::payload;
pub use send::{Outcome, post};

use byline_core::jobs::{DeliverWebhook, Job};
use byline_store::{Attempt, Store};
use std::time::Duration;

/// How deliveries are made.
#[derive(Debug, Clone)]
pub struct Deliverer {
    /// Let webhooks reach private, loopback and link-local addresses (setting
    /// `webhooks_allow_private`; tests and closed networks).
    pub allow_private: bool,
    /// How long one try may take, connection included.
    pub timeout: Duration,
    /// The site's address when the publication sets none (for the objects' URLs).
    pub base_url: String,
}

impl Deliverer {
    pub fn new(base_url: impl Into<String>, allow_private: bool) -> Self {
        Self { allow_private, timeout: Duration::from_secs(10), base_url: base_url.into() }
    }

    /// Runs one [`DeliverWebhook`] job. A delivery whose webhook was removed is dropped.
    pub async fn deliver(&self, store: &Store, job: DeliverWebhook) -> anyhow::Result<()> {
        let work = match store.webhook_delivery(job.delivery_id).await {
            Ok(w) => w,
            Err(e) if e.is_not_found() => return Ok(()),
            Err(e) => return Err(e.into()),
        };
        if work.delivery.state == "delivered" {
            return Ok(());
        }
        let body = payload(store, &self.base_url, &work).await?;
        let last = work.delivery.attempts + 1 >= DeliverWebhook::MAX_ATTEMPTS as i32;
        let outcome = post(
            &work.webhook.target_url,
            &work.webhook.secret,
            &body,
            self.allow_private,
            self.timeout,
        )
        .await;
        let attempt = Attempt {
            response_code: outcome.status.map(i32::from),
            error: outcome.error.clone(),
            last,
        };
        store.webhook_attempted(work.delivery.id, &attempt).await?;
        match outcome.error {
            None => Ok(()),
            Some(why) => Err(anyhow::anyhow!(
                "webhook {} ({} → {}): {why}",
                work.webhook.id,
                work.delivery.event,
                work.webhook.target_url
            )),
        }
    }
}
