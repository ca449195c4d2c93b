//! `byline members import|export|list|grant`: members from and to CSV files in Ghost's
//! columns, the list with filters, and complimentary tiers. The command line acts as the
//! owner would, and its changes are audited as "command line".

use crate::cli::PublicationArgs;
use crate::config::Settings;
use anyhow::Context;
use byline_core::audit::Actor;
use byline_core::member_list::{MemberQuery, parse_day};
use clap::{Args, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Subcommand)]
pub enum Members {
    /// Import members from a CSV file in Ghost's columns (email, name, note,
    /// subscribed_to_emails, complimentary_plan, stripe_customer_id, labels, created_at).
    /// Bad rows are named by line; the rest are imported. Importing again updates members.
    Import(ImportArgs),
    /// Write every member to a CSV file in the same columns.
    Export(ExportArgs),
    /// List members, newest first.
    List(ListArgs),
    /// Give a member a paid tier free of charge, for good or until a date.
    Grant(GrantArgs),
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The CSV file
    pub file: PathBuf,
    /// Check every row and report, without saving anything
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub publication: PublicationArgs,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The CSV file to write (replaced if it exists)
    pub file: PathBuf,
    #[command(flatten)]
    pub publication: PublicationArgs,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// free, paid or comped
    #[arg(long)]
    pub status: Option<String>,
    /// Part of an email address or name
    #[arg(long)]
    pub search: Option<String>,
    /// Holding this tier now (its slug)
    #[arg(long)]
    pub tier: Option<String>,
    /// Carrying this label
    #[arg(long)]
    pub label: Option<String>,
    #[command(flatten)]
    pub publication: PublicationArgs,
}

#[derive(Debug, Args)]
pub struct GrantArgs {
    /// The member's email address
    pub email: String,
    /// The paid tier's slug
    #[arg(long, value_name = "SLUG")]
    pub tier: String,
    /// When it ends: the start of this day, UTC (YYYY-MM-DD); without it, for good
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,
    #[command(flatten)]
    pub publication: PublicationArgs,
}

pub async fn run(command: Members) -> anyhow::Result<ExitCode> {
    match command {
        Members::Import(a) => import(Settings::load(&a.publication, None)?, &a).await,
        Members::Export(a) => export(Settings::load(&a.publication, None)?, &a).await,
        Members::List(a) => list(Settings::load(&a.publication, None)?, &a).await,
        Members::Grant(a) => grant(Settings::load(&a.publication, None)?, &a).await,
    }
}

/// Prints the report; exits non-zero when any row was bad (the others are imported).
async fn import(settings: Settings, a: &ImportArgs) -> anyhow::Result<ExitCode> {
    let bytes =
        std::fs::read(&a.file).with_context(|| format!("cannot read {}", a.file.display()))?;
    let store = crate::node::open(&settings).await?;
    let name = a.file.display().to_string();
    let report = byline_import::members_csv::import(
        &store,
        &name,
        &bytes,
        a.dry_run,
        Some(&Actor::command_line()),
    )
    .await?;
    outln!("{report}");
    if !report.errors.is_empty() {
        eprintln!(
            "{} row(s) could not be imported (see the errors above); the rest were{}.",
            report.errors.len(),
            if a.dry_run { " checked" } else { "" }
        );
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

async fn export(settings: Settings, a: &ExportArgs) -> anyhow::Result<ExitCode> {
    let store = crate::node::open(&settings).await?;
    let members = store.members_all(&MemberQuery::default()).await?;
    let subscribed = store.members_subscribed().await?;
    let file = std::fs::File::create(&a.file)
        .with_context(|| format!("cannot write {}", a.file.display()))?;
    byline_import::members_csv::write_members(&members, &subscribed, std::io::BufWriter::new(file))
        .with_context(|| format!("cannot write {}", a.file.display()))?;
    outln!("{} member(s) written to {}", members.len(), a.file.display());
    Ok(ExitCode::SUCCESS)
}

async fn list(settings: Settings, a: &ListArgs) -> anyhow::Result<ExitCode> {
    let q = MemberQuery::parse(
        a.search.as_deref(),
        a.tier.as_deref(),
        a.status.as_deref(),
        a.label.as_deref(),
        None,
        None,
    )
    .map_err(|e| anyhow::anyhow!("--{e}"))?;
    let store = crate::node::open(&settings).await?;
    let members = store.members_all(&q).await?;
    for m in members.iter().rev() {
        outln!(
            "#{:<6} {:<7} {}  {}  joined {}{}",
            m.id,
            m.status.as_str(),
            m.email,
            m.name.as_deref().unwrap_or("-"),
            m.created_at.format("%Y-%m-%d"),
            if m.labels.is_empty() {
                String::new()
            } else {
                format!("  [{}]", m.labels.join(", "))
            }
        );
    }
    outln!("{} member(s)", members.len());
    Ok(ExitCode::SUCCESS)
}

async fn grant(settings: Settings, a: &GrantArgs) -> anyhow::Result<ExitCode> {
    let until = match a.until.as_deref() {
        Some(d) => Some(parse_day(d).map_err(|e| anyhow::anyhow!("--until: {e}"))?),
        None => None,
    };
    let store = crate::node::open(&settings).await?;
    let m = store
        .member_by_email(&a.email)
        .await
        .map_err(|e| anyhow::anyhow!("{}: no member has this address ({e})", a.email.trim()))?;
    store.grant_complimentary(m.id, &a.tier, until, &Actor::command_line()).await.map_err(|e| {
        match e {
            byline_store::StoreError::NotFound { .. } => {
                anyhow::anyhow!("--tier: there is no tier {:?} (see the admin's Tiers)", a.tier)
            }
            other => anyhow::anyhow!(other),
        }
    })?;
    let until = until.map_or("for good".to_owned(), |u| format!("until {}", u.format("%Y-%m-%d")));
    outln!("{} now holds {} {until}", m.email, a.tier);
    Ok(ExitCode::SUCCESS)
}
