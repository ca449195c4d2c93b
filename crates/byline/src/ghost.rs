//! `byline import ghost FILE.json` and `byline export ghost FILE.json`, with a progress bar
//! on a terminal and the report per kind at the end.

use crate::cli::{ExportGhostArgs, ImportGhostArgs};
use crate::config::Settings;
use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::Mutex;
use std::time::Instant;

/// A bar on standard error when it is a terminal, nothing otherwise (logs and CI).
fn bar() -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("{msg:>9} {bar:40} {pos}/{len} ({per_sec}, {eta} left)")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar
}

/// Imports the export and prints the report; exits non-zero when anything failed (what
/// could be imported was).
pub async fn import(settings: Settings, args: &ImportGhostArgs) -> anyhow::Result<ExitCode> {
    let text = std::fs::read_to_string(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let store = crate::node::open(&settings).await?;
    let started = Instant::now();
    let bar = bar();
    let stage = Mutex::new(String::new());
    let progress = |kind: &str, done: usize, total: usize| {
        if let Ok(mut s) = stage.lock()
            && *s != kind
        {
            kind.clone_into(&mut s);
            bar.set_message(kind.to_owned());
            bar.set_length(total as u64);
        }
        bar.set_position(done as u64);
    };
    let options =
        byline_import::ghost::Options { dry_run: args.dry_run, ghost_url: args.ghost_url.clone() };
    let name = args.file.display().to_string();
    let report =
        byline_import::ghost::import(&store, &name, &text, &options, chrono::Utc::now(), &progress)
            .await;
    bar.finish_and_clear();
    out!("{report}");
    outln!("in {:.2} s", started.elapsed().as_secs_f64());
    let failed = report.failed();
    if failed > 0 {
        eprintln!("{failed} item(s) could not be imported (see the errors above); the rest were.");
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes the publication as a Ghost import file.
pub async fn export(settings: Settings, args: &ExportGhostArgs) -> anyhow::Result<ExitCode> {
    let store = crate::node::open(&settings).await?;
    let started = Instant::now();
    let bar = bar();
    bar.set_message("articles");
    let progress = |done: usize, total: usize| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    };
    let export = byline_export::ghost_export(&store, chrono::Utc::now(), &progress).await?;
    bar.finish_and_clear();
    std::fs::write(&args.file, &export.json)
        .with_context(|| format!("cannot write {}", args.file.display()))?;
    outln!(
        "wrote {}: {} posts, {} pages, {} tags, {} authors, {} tiers ({:.1} MB) in {:.2} s",
        args.file.display(),
        export.posts,
        export.pages,
        export.tags,
        export.users,
        export.products,
        export.json.len() as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
    for line in &export.shortened {
        outln!("note: {line}");
    }
    Ok(ExitCode::SUCCESS)
}
