//! Byline's background workers: a pool of workers that claim jobs from the durable queue in
//! the database (`byline_store`'s `claim_job`), run each with the handler registered for its
//! kind, hold it by renewing its lease while it runs, and record the outcome (done, or failed
//! and retried with backoff, or dead with its last error).
//!
//! The queue itself, and the guarantee that a job runs to completion at most once at a time
//! across nodes, live in the store; handlers live beside the code that knows the work (image
//! copies beside the upload code in byline-web) and are registered by the binary's wiring.
//! This crate depends on the store and core only; never on HTTP or rendering.

mod registry;
mod worker;

pub use registry::Registry;
pub use worker::{Pool, Settings, start};
