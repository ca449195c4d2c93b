//! `byline jobs list|retry|cancel`: the job queue from the command line, through the same
//! store use cases as the admin's Jobs screen.

use crate::config::Settings;
use byline_core::audit::Actor;
use byline_core::jobs::JobState;
use std::process::ExitCode;

pub async fn list(settings: Settings, state: Option<&str>, limit: u64) -> anyhow::Result<ExitCode> {
    let state = state.map(str::parse::<JobState>).transpose().map_err(anyhow::Error::msg)?;
    let store = crate::node::open(&settings).await?;
    let counts = store.job_counts().await?;
    let summary: Vec<String> = counts.iter().map(|(s, n)| format!("{n} {s}")).collect();
    eprintln!("jobs: {}", summary.join(", "));
    for j in store.jobs(state, limit).await? {
        let when = j.run_at.format("%Y-%m-%d %H:%M:%S");
        println!(
            "{:<6} {:<8} {:<22} tries {}/{}  run at {when}  {}{}",
            j.id,
            j.state.as_str(),
            j.kind,
            j.attempts,
            j.max_attempts,
            j.payload,
            j.last_error.map(|e| format!("  last error: {e}")).unwrap_or_default()
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn retry(settings: Settings, id: i64) -> anyhow::Result<ExitCode> {
    let store = crate::node::open(&settings).await?;
    let j = store.retry_job(&Actor::command_line(), id).await?;
    println!("job {id} ({}) is queued again", j.kind);
    Ok(ExitCode::SUCCESS)
}

pub async fn cancel(settings: Settings, id: i64) -> anyhow::Result<ExitCode> {
    let store = crate::node::open(&settings).await?;
    let j = store.cancel_job(&Actor::command_line(), id).await?;
    println!("cancelled job {id} ({}, was {})", j.kind, j.state);
    Ok(ExitCode::SUCCESS)
}
