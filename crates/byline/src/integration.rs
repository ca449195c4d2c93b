//! `byline integration create|list|revoke`: Ghost Content API keys from the command line.

use crate::config::Settings;
use byline_core::audit::Actor;
use std::process::ExitCode;

pub async fn create(settings: Settings, name: &str) -> anyhow::Result<ExitCode> {
    let store = crate::node::open(&settings).await?;
    let made = store.create_integration(&Actor::command_line(), name).await?;
    let i = &made.integration;
    eprintln!(
        "made integration {} “{}”; its Admin API token (acting as {}) is shown this once",
        i.id, i.name, made.admin_token.token.role
    );
    outln!("content_api_key: {}", i.content_key);
    outln!("admin_api_token: {}", made.admin_token.secret);
    Ok(ExitCode::SUCCESS)
}

pub async fn list(settings: Settings) -> anyhow::Result<ExitCode> {
    let store = crate::node::open(&settings).await?;
    for i in store.integrations().await? {
        let state = if i.revoked { " (revoked)" } else { "" };
        outln!("{:<4} {} {}{state}", i.id, i.content_key, i.name);
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn revoke(settings: Settings, id: i64) -> anyhow::Result<ExitCode> {
    let store = crate::node::open(&settings).await?;
    store.revoke_integration(&Actor::command_line(), id).await?;
    outln!("revoked integration {id}");
    Ok(ExitCode::SUCCESS)
}
