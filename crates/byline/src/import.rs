//! `byline import markdown DIR` and `byline import wordpress FILE`.

use crate::config::Settings;
use anyhow::Context;
use std::path::Path;
use std::process::ExitCode;

/// Imports the folder and prints the report; exits non-zero when any file failed (the others
/// are imported all the same).
pub async fn markdown(settings: Settings, dir: &Path) -> anyhow::Result<ExitCode> {
    let files =
        byline_import::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))?;
    let store = crate::node::open(&settings).await?;
    let report = byline_import::import(&store, &files, chrono::Utc::now()).await;
    out!("{report}");
    let failed = report.total().failed;
    if failed > 0 {
        eprintln!("{failed} file(s) could not be imported (see the errors above); the rest were.");
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

/// Imports a WordPress export with a progress bar on a terminal, and prints the report;
/// exits non-zero when anything failed (everything valid was imported all the same).
pub async fn wordpress(
    settings: Settings,
    args: &crate::cli::ImportWordPressArgs,
) -> anyhow::Result<ExitCode> {
    use byline_import::wordpress::{MediaTarget, WordPressOptions, import_wordpress};
    if !args.file.is_file() {
        anyhow::bail!("{} is not a file", args.file.display());
    }
    if let Some(dir) = &args.uploads
        && !dir.is_dir()
    {
        anyhow::bail!("--uploads {} is not a folder", dir.display());
    }
    let store = crate::node::open(&settings).await?;
    let (storage, limits) = settings.media()?;
    let options = WordPressOptions {
        uploads: args.uploads.clone(),
        fetch_media: args.fetch_media,
        media: Some(MediaTarget { storage, limits }),
        map: args.map.clone(),
        dry_run: args.dry_run,
    };
    let started = std::time::Instant::now();
    let report = import_wordpress(&store, &args.file, &options, &Bar::new()).await;
    out!("{report}");
    eprintln!("read {} in {:.1} s", args.file.display(), started.elapsed().as_secs_f32());
    let failed = report.failed() + report.errors.len().min(1);
    if failed > 0 {
        eprintln!("some of the file could not be imported (see the errors above); the rest was.");
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

/// The progress bar, on a terminal only.
struct Bar(Option<indicatif::ProgressBar>);

impl Bar {
    fn new() -> Self {
        if !std::io::IsTerminal::is_terminal(&std::io::stderr()) {
            return Self(None);
        }
        let bar = indicatif::ProgressBar::new(0);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{bar:40} {bytes}/{total_bytes} ({bytes_per_sec}, {eta} left)",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        Self(Some(bar))
    }
}

impl byline_import::wordpress::Progress for Bar {
    fn start(&self, total: u64) {
        if let Some(b) = &self.0 {
            b.set_length(total);
        }
    }
    fn at(&self, done: u64) {
        if let Some(b) = &self.0 {
            b.set_position(done);
        }
    }
    fn finish(&self) {
        if let Some(b) = &self.0 {
            b.finish_and_clear();
        }
    }
}
