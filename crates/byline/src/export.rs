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
