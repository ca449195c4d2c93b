//! `byline export static` against `hugo` building the same corpus: each run into an empty
//! folder, timed from spawn to exit, the median of `repeat` runs; and what each wrote.

use crate::byline::{Byline, timed};
use crate::report::Value;
use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

pub struct ExportTimes {
    pub byline: Value,
    pub hugo: Value,
    pub notes: Vec<String>,
}

/// Times both builds. `hugo` is `Err(why)` when Hugo is missing; `site` is the Hugo site.
pub fn compare(
    byline: &Byline,
    data: &Path,
    hugo: Result<&str, &str>,
    site: &Path,
    dir: &Path,
    repeat: usize,
) -> ExportTimes {
    let mut notes = Vec::new();
    let byline_out = dir.join("export-byline");
    let byline_time = if byline.has_export {
        median_of(repeat, &byline_out, || byline.export(data, &byline_out))
    } else {
        Err("this binary has no `byline export static` yet: not available".to_owned())
    };
    if byline_time.is_ok() {
        notes.push(format!("`byline export static` wrote {}.", summary(&byline_out)));
    }
    let hugo_out = dir.join("export-hugo");
    let hugo_time = match hugo {
        Ok(_) => median_of(repeat, &hugo_out, || {
            let mut cmd = Command::new("hugo");
            cmd.arg("--quiet").arg("--source").arg(site).arg("--destination").arg(&hugo_out);
            cmd.env("HUGO_CACHEDIR", dir.join("hugo-cache"));
            timed(cmd, "hugo")
        }),
        Err(why) => Err(why.to_owned()),
    };
    if hugo_time.is_ok() {
        notes.push(format!("`hugo` wrote {}.", summary(&hugo_out)));
    }
    ExportTimes { byline: byline_time, hugo: hugo_time, notes }
}

/// Runs `build` into an emptied `out` `repeat` times; the median, in seconds.
fn median_of(
    repeat: usize,
    out: &Path,
    mut build: impl FnMut() -> anyhow::Result<Duration>,
) -> Value {
    let mut times = Vec::new();
    for _ in 0..repeat.max(1) {
        let _ = fs::remove_dir_all(out);
        times.push(build().map_err(|e| format!("{e:#}"))?.as_secs_f64());
    }
    Ok(median(&mut times))
}

pub fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n == 0 {
        0.0
    } else if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

/// "12,034 files (9,120 HTML pages), 210.3 MB".
fn summary(dir: &Path) -> String {
    let (mut files, mut html, mut bytes) = (0u64, 0u64, 0u64);
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = fs::read_dir(&d) else { continue };
        for e in entries.flatten() {
            let Ok(meta) = e.metadata() else { continue };
            if meta.is_dir() {
                stack.push(e.path());
            } else {
                files += 1;
                bytes += meta.len();
                html += u64::from(e.path().extension().is_some_and(|x| x == "html"));
            }
        }
    }
    format!(
        "{} files ({} HTML pages), {:.1} MB",
        crate::markdown::thousands(files as f64),
        crate::markdown::thousands(html as f64),
        bytes as f64 / 1e6
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians() {
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&mut [4.0, 1.0, 2.0, 3.0]), 2.5);
    }

    #[test]
    fn summarises_a_folder() {
        let dir = std::env::temp_dir().join(format!("bench-export-test-{}", std::process::id()));
        fs::create_dir_all(dir.join("a")).unwrap();
        fs::write(dir.join("a/index.html"), "12345").unwrap();
        fs::write(dir.join("feed.xml"), "12345").unwrap();
        assert_eq!(summary(&dir), "2 files (1 HTML pages), 0.0 MB");
        fs::remove_dir_all(&dir).unwrap();
    }
}
