//! `byline token create|list|revoke`: Admin API tokens from the command line.

use crate::cli::TokenCreateArgs;
use crate::config::Settings;
use byline_core::audit::Actor;
use byline_core::staff::Role;
use std::process::ExitCode;

pub async fn create(settings: Settings, args: &TokenCreateArgs) -> anyhow::Result<ExitCode> {
    let role: Role = args.role.parse().map_err(|e: String| anyhow::anyhow!(e))?;
    if role == Role::Owner {
        anyhow::bail!("a token cannot act as the owner; use --role administrator at most");
    }
    let store = crate::node::open(&settings).await?;
    let made = store.issue_api_token(&Actor::command_line(), &args.name, Some(role)).await?;
    eprintln!(
        "made API token {} “{}” acting as {role}; its secret is shown this once:",
        made.token.id, made.token.name
    );
    outln!("{}", made.secret);
    Ok(ExitCode::SUCCESS)
}

pub async fn list(settings: Settings) -> anyhow::Result<ExitCode> {
    let store = crate::node::open(&settings).await?;
    for t in store.api_tokens().await? {
        let state = if t.revoked { " (revoked)" } else { "" };
        let used = t.last_used_at.map_or("never used".to_owned(), |d| {
            format!("last used {}", d.format("%Y-%m-%d %H:%M"))
        });
        outln!("{:<4} {:<14} {} ({used}){state}", t.id, t.role.as_str(), t.name);
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn revoke(settings: Settings, id: i64) -> anyhow::Result<ExitCode> {
    let store = crate::node::open(&settings).await?;
    let t = store.api_token(id).await?;
    store.revoke_api_token_as(&Actor::command_line(), id).await?;
    outln!("revoked API token {id} “{}”", t.name);
    Ok(ExitCode::SUCCESS)
}
