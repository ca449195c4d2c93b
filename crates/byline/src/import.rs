//! `byline import markdown DIR`.

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
