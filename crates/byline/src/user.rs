//! `byline user add`, `byline user list` and `byline user two-factor-off`.

use crate::cli::UserAddArgs;
use crate::config::Settings;
use anyhow::Context;
use byline_core::audit::Actor;
use byline_core::staff::{Role, StaffInput};
use std::io::BufRead;
use std::process::ExitCode;

pub async fn add(settings: Settings, args: &UserAddArgs) -> anyhow::Result<ExitCode> {
    let role: Role = args.role.parse().map_err(|e: String| anyhow::anyhow!(e))?;
    let mut password = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut password)
        .context("cannot read the password from standard input")?;
    let password = password.trim_end_matches(['\r', '\n']).to_owned();
    if password.is_empty() {
        anyhow::bail!(
            "give the password on standard input, e.g. `read -s P && echo \"$P\" | byline user add …`"
        );
    }
    let store = crate::node::open(&settings).await?;
    let input = StaffInput {
        email: args.email.clone(),
        name: args.name.clone(),
        role: Some(role),
        password,
    };
    let user = store.add_staff(&Actor::command_line(), &input).await?;
    outln!("added {} <{}> as {}", user.name, user.email, user.role);
    Ok(ExitCode::SUCCESS)
}

pub async fn list(settings: Settings) -> anyhow::Result<ExitCode> {
    let store = crate::node::open(&settings).await?;
    for u in store.staff().await? {
        let state = if u.disabled { " (disabled)" } else { "" };
        outln!("{:<14} {} <{}>{state}", u.role.as_str(), u.name, u.email);
    }
    Ok(ExitCode::SUCCESS)
}

/// Turns two-factor sign-in off for someone who lost their device: the same use case as
/// the admin's, acting as the command line.
pub async fn two_factor_off(settings: Settings, email: &str) -> anyhow::Result<ExitCode> {
    let store = crate::node::open(&settings).await?;
    let user = store.staff_by_email(email).await?;
    let user = store.disable_two_factor(&Actor::command_line(), user.id).await?;
    outln!(
        "two-factor sign-in is off for {} <{}>; they sign in with their password",
        user.name,
        user.email
    );
    Ok(ExitCode::SUCCESS)
}
