//! `byline export static DIR`.

use crate::cli::ExportStaticArgs;
use crate::config::Settings;
use anyhow::Context;
use byline_render::Theme;
use std::process::ExitCode;
use std::time::Instant;

pub async fn static_site(settings: Settings, args: &ExportStaticArgs) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let store = crate::node::open(&settings).await?;
    let theme = Theme::load(settings.theme_dir()).context("cannot load the theme")?;
    let publication = store.publication().await?;
    let base_url = args
        .base_url
        .clone()
        .or(publication.base_url)
        .unwrap_or_else(|| settings.base_url())
        .trim_end_matches('/')
        .to_owned();
    let options =
        byline_export::Options { base_url, per_page: settings.per_page, threads: args.threads };
    let report = byline_export::export(&store, &theme, &options, &args.dir).await?;
    let (media, _) = settings.media()?;
    let copied = byline_export::copy_media(&media, &args.dir).await?;
    outln!(
        "wrote {} files ({:.1} MB) for {} articles and {} media files ({:.1} MB) into {} in {:.2} s",
        report.files,
        report.bytes as f64 / 1e6,
        report.articles,
        copied.files,
        copied.bytes as f64 / 1e6,
        args.dir.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}

/// `byline export json FILE [--with-media]`.
pub async fn json(
    settings: Settings,
    args: &crate::cli::ExportJsonArgs,
) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let store = crate::node::open(&settings).await?;
    let (media, _) = settings.media()?;
    let bar = crate::progress::bar("tables");
    let progress = crate::progress::callback(&bar);
    let storage = args.with_media.then_some(&media);
    let report = byline_export::export_json(&store, &args.file, storage, &progress).await?;
    bar.finish_and_clear();
    for (table, rows) in &report.tables {
        outln!("{table:<18} {rows:>7} rows");
    }
    if args.with_media {
        outln!(
            "{:<18} {:>7} files ({:.1} MB)",
            "media files",
            report.media_files,
            report.media_bytes as f64 / 1e6
        );
    }
    outln!(
        "wrote {} ({:.1} MB of JSON) in {:.2} s",
        args.file.display(),
        report.bytes as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}
