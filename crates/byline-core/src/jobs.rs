//! Background work as data: a job is a small serializable struct with a stable name, written
//! to the queue in the same transaction as the change that calls for it, and run later by a
//! worker (see the `byline-jobs` crate). Only the jobs' shapes live here; the queue is in the
//! store and the handlers beside the code that knows how to do each one.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// How many times a job is tried before it is kept as dead, unless its kind says otherwise.
pub const DEFAULT_MAX_ATTEMPTS: u32 = 5;

/// A kind of job. `KIND` is stored with every job and finds its handler, so it must never
/// change once jobs of that kind may be queued.
pub trait Job: Serialize + DeserializeOwned + Send + Sync + 'static {
    const KIND: &'static str;
    /// Tries before the job is kept as dead with its last error.
    const MAX_ATTEMPTS: u32 = DEFAULT_MAX_ATTEMPTS;
}

/// Make an uploaded image's smaller copies and WebP twins, then point the library (and the
/// pages using the image) at the name that offers them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct MakeImageCopies {
    pub media_id: i64,
}

impl Job for MakeImageCopies {
    const KIND: &'static str = "media.make_copies";
}

/// Email a member their one-time link (sign-in, sign-up or change of email). It carries only
/// the link's id: the token is made when the message is sent (and only its hash kept), so no
/// job row ever holds a usable link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct SendMemberLink {
    pub link_id: i64,
}

impl Job for SendMemberLink {
    const KIND: &'static str = "members.send_link";
}

/// Mail a reader's message from the contact desk on to the publication's contact or media
/// address. The message is already in the admin's inbox, so nothing is lost while SMTP is down.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct SendContactMessage {
    pub message_id: i64,
}

impl Job for SendContactMessage {
    const KIND: &'static str = "contact.send";
    const MAX_ATTEMPTS: u32 = 10;
}

/// POST one webhook delivery (an event to one subscribed URL). Retried with the queue's
/// backoff (10 s, 20 s, … 5 min 20 s) when the receiver fails or answers other than 2xx.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct DeliverWebhook {
    pub delivery_id: i64,
}

impl Job for DeliverWebhook {
    const KIND: &'static str = "webhooks.deliver";
    const MAX_ATTEMPTS: u32 = 6;
}

/// Tell the writer of a comment of an approved reply to it (unless they opted out).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct SendCommentReply {
    pub comment_id: i64,
}

impl Job for SendCommentReply {
    const KIND: &'static str = "comments.reply_mail";
}

/// Send a guest the link that confirms their email address and releases their comment to
/// moderation. The job mints the link's token when it runs, so no row holds a usable link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct SendCommentConfirmation {
    pub confirmation_id: i64,
}

impl Job for SendCommentConfirmation {
    const KIND: &'static str = "comments.confirmation_mail";
}

/// Send moderators the list of comments waiting for them. Queued (to run a little later)
/// when a comment is held and no digest is waiting already, so a burst makes one message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct SendCommentDigest {}

impl Job for SendCommentDigest {
    const KIND: &'static str = "comments.digest";
}

/// Tell moderators that a reader reported a comment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct SendCommentReport {
    pub report_id: i64,
}

impl Job for SendCommentReport {
    const KIND: &'static str = "comments.report_mail";
}

/// Where a job is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum JobState {
    /// Waiting for its first try.
    Queued,
    /// A worker holds it (until its lease runs out).
    Running,
    /// Tried and failed; waiting for its next try.
    Failed,
    /// Failed as many times as it may; kept with its last error until retried or cancelled.
    Dead,
    /// Done.
    Done,
}

impl JobState {
    pub const ALL: [JobState; 5] =
        [JobState::Queued, JobState::Running, JobState::Failed, JobState::Dead, JobState::Done];

    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Queued => "queued",
            JobState::Running => "running",
            JobState::Failed => "failed",
            JobState::Dead => "dead",
            JobState::Done => "done",
        }
    }
}

impl std::fmt::Display for JobState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for JobState {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Self::ALL.into_iter().find(|st| st.as_str() == s).ok_or_else(|| {
            format!("{s:?} is not a job state; use queued, running, failed, dead or done")
        })
    }
}

/// A job as the queue keeps it, for lists and the admin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JobRecord {
    pub id: i64,
    pub kind: String,
    /// The job's fields, as JSON.
    pub payload: String,
    pub state: JobState,
    /// Tries so far (the one running included).
    pub attempts: u32,
    pub max_attempts: u32,
    /// Not tried again before this.
    pub run_at: DateTime<Utc>,
    /// While running: when the worker's hold on it runs out unless renewed.
    pub lease_until: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A job a worker has claimed: it holds it for this `attempt` until its lease runs out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimedJob {
    pub id: i64,
    pub kind: String,
    pub payload: String,
    /// Which try this is (1 for the first); the worker's token for completing it.
    pub attempt: u32,
    pub max_attempts: u32,
}

/// The wait before try number `attempt + 1` after `attempt` failures: 10 s doubling each
/// time, at most an hour.
pub fn backoff(attempt: u32) -> chrono::Duration {
    let secs = 10i64.saturating_mul(1i64 << attempt.saturating_sub(1).min(20));
    chrono::Duration::seconds(secs.min(3600))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_an_hour() {
        let secs: Vec<i64> = (1..=11).map(|a| backoff(a).num_seconds()).collect();
        assert_eq!(secs, [10, 20, 40, 80, 160, 320, 640, 1280, 2560, 3600, 3600]);
    }

    #[test]
    fn states_read_back() {
        for s in JobState::ALL {
            assert_eq!(s.as_str().parse::<JobState>(), Ok(s));
        }
        assert!("finished".parse::<JobState>().unwrap_err().contains("queued"));
    }
}
