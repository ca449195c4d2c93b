//! The job queue for administrators: how many jobs are in each state, the jobs of one state
//! (queued, running, failed, dead or done) with their tries and last error, and retrying or
//! cancelling one. The same store use cases serve `byline jobs`.

use super::fields::{done, refused};
use super::frame::{Layout, SignedIn, render};
use crate::{AppState, WebError};
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use byline_core::jobs::{JobRecord, JobState};
use byline_core::staff::Action;
use serde::{Deserialize, Serialize};

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/jobs", get(list))
        .route("/admin/jobs/{id}/retry", post(retry))
        .route("/admin/jobs/{id}/cancel", post(cancel))
}

const SECTION: &str = "/admin/jobs";
/// The most jobs one list shows.
const SHOWN: u64 = 200;

#[derive(Deserialize)]
struct Filter {
    state: Option<String>,
}

#[derive(Serialize)]
struct Tab {
    state: &'static str,
    count: u64,
    current: bool,
}

#[derive(Serialize)]
struct Row {
    id: i64,
    kind: String,
    payload: String,
    state: &'static str,
    attempts: String,
    next: String,
    last_error: Option<String>,
    created: String,
    may_retry: bool,
    may_cancel: bool,
}

#[derive(Serialize)]
struct View {
    tabs: Vec<Tab>,
    state: &'static str,
    jobs: Vec<Row>,
}

fn row(j: JobRecord) -> Row {
    let when = |d: chrono::DateTime<chrono::Utc>| d.format("%Y-%m-%d %H:%M:%S UTC").to_string();
    let next = match j.state {
        JobState::Queued | JobState::Failed => format!("not before {}", when(j.run_at)),
        JobState::Running => {
            j.lease_until.map_or_else(String::new, |l| format!("held until {}", when(l)))
        }
        JobState::Dead | JobState::Done => format!("since {}", when(j.updated_at)),
    };
    Row {
        id: j.id,
        may_retry: matches!(j.state, JobState::Failed | JobState::Dead),
        may_cancel: j.state != JobState::Running,
        kind: j.kind,
        payload: j.payload,
        state: j.state.as_str(),
        attempts: format!("{} of {}", j.attempts, j.max_attempts),
        next,
        last_error: j.last_error,
        created: when(j.created_at),
    }
}

async fn list(
    State(state): State<AppState>,
    who: SignedIn,
    Query(f): Query<Filter>,
) -> Result<Response, WebError> {
    who.require(Action::ManageJobs)?;
    let shown = match f.state.as_deref() {
        None | Some("") => JobState::Queued,
        Some(s) => s.parse::<JobState>().map_err(WebError::BadRequest)?,
    };
    let tabs = state
        .store
        .job_counts()
        .await?
        .into_iter()
        .map(|(s, count)| Tab { state: s.as_str(), count, current: s == shown })
        .collect();
    let jobs = state.store.jobs(Some(shown), SHOWN).await?.into_iter().map(row).collect();
    let layout = Layout::signed_in(&state, &who, "Jobs", SECTION).await?;
    render(&state, "jobs.html", layout, View { tabs, state: shown.as_str(), jobs })
}

async fn retry(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    who.require(Action::ManageJobs)?;
    match state.store.retry_job(&who.actor(), id).await {
        Ok(j) => Ok(done(&who, format!("Job {id} ({}) is queued again.", j.kind), SECTION).await),
        Err(e) => refused(&who, e.into(), SECTION).await,
    }
}

async fn cancel(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    who.require(Action::ManageJobs)?;
    match state.store.cancel_job(&who.actor(), id).await {
        Ok(j) => Ok(done(&who, format!("Cancelled job {id} ({}).", j.kind), SECTION).await),
        Err(e) => refused(&who, e.into(), SECTION).await,
    }
}
