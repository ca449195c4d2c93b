//! Byline's newsletters, as email: [`render`] makes an issue (an article, or a digest of
//! several) into a multipart message, plain text and HTML with its CSS inlined, readable in
//! dark mode, every link absolute; [`deliver`] sends messages over SMTP through a pool of
//! connections at a set concurrency and rate, with the list headers mail clients need for
//! one-click unsubscribing and DKIM signing when a key is set; [`run`] is the job that works
//! through one send's recipients, recording each in the store as the server accepts it;
//! [`encode`] encodes an issue's bodies once per send, leaving slots for each recipient's
//! links; [`track`] adds open and click counting to an issue when its send counts them.
//!
//! This crate sits beneath byline-web and above the store: it knows SMTP and the email's
//! shape, never HTTP.

pub mod deliver;
pub mod encode;
mod pool;
pub mod render;
pub mod run;
pub mod track;

pub use deliver::{Delivery, DeliverySettings, Dkim, Outcome};
pub use render::{Issue, IssueContext, Personal};
pub use run::{Site, deliver_send};
