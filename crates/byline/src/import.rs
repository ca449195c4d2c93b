//! `byline import markdown DIR`, `byline import wordpress FILE` and `byline import json FILE`.

use crate::config::Settings;
use anyhow::Context;
use std::path::Path;
use std::process::ExitCode;

/// Imports the folder (a whole Hugo, Jekyll or Zola site when its configuration is there)
/// and prints the report; exits non-zero when any file failed (the others are imported all
/// the same).
pub async fn markdown(settings: Settings, dir: &Path, dry_run: bool) -> anyhow::Result<ExitCode> {
    let options = byline_import::Options { dry_run };
    let site =
        byline_import::read_site(dir).map_err(|p| anyhow::anyhow!("{}: {}", dir.display(), p))?;
    let store = crate::node::open(&settings).await?;
    let bar = crate::progress::bar("files");
    let report = match &site {
        Some(site) => {
            eprintln!("importing the {} site in {}", site.config.generator.name(), dir.display());
            let progress = crate::progress::callback(&bar);
            byline_import::import_site(&store, site, chrono::Utc::now(), &options, &progress).await
        }
        None => {
            let files = byline_import::read_dir(dir)
                .with_context(|| format!("cannot read {}", dir.display()))?;
            let progress = crate::progress::callback(&bar);
            byline_import::import_with(&store, &files, chrono::Utc::now(), &options, &progress)
                .await
        }
    };
    bar.finish_and_clear();
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
/// Restores an export into this (empty) publication, media files included when the file is
/// a `--with-media` archive.
pub async fn json(settings: Settings, file: &Path, dry_run: bool) -> anyhow::Result<ExitCode> {
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let name = file.display().to_string();
    let unpacked = byline_import::json::unpack(&name, bytes).map_err(|p| anyhow::anyhow!("{p}"))?;
    let store = crate::node::open(&settings).await?;
    let (media, _) = settings.media()?;
    let report = byline_import::json::import_json(&store, &name, &unpacked, Some(&media), dry_run)
        .await
        .map_err(|p| anyhow::anyhow!("{p}"))?;
    out!("{report}");
    if !unpacked.media.is_empty() {
        outln!(
            "{} media files {}",
            unpacked.media.len(),
            if dry_run { "checked" } else { "restored" }
        );
    }
    if report.total().failed > 0 {
        return Ok(ExitCode::FAILURE);
    }
    if !dry_run {
        eprintln!(
            "restored; staff accounts are not part of an export: add yours with `byline user add`, \
             and rebuild the search index with `byline search reindex`"
        );
    }
    Ok(ExitCode::SUCCESS)
}
