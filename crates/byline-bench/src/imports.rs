//! The import rows (issue 15): the corpus as a WordPress export (WXR) and as a Ghost export,
//! each imported by `byline import` into an empty publication, timed, with the importer's
//! peak resident memory; then a WXR of about a gigabyte (`--wxr-mb`) for the memory target,
//! which says the streamed importer stays flat whatever the file's size.

use crate::corpus::Corpus;
use crate::report::{Bound, Measure, SizeResult, Value};
use crate::run::Run;
use crate::{ghost_import, wxr};
use anyhow::Context;
use std::path::Path;

const MB: f64 = 1024.0 * 1024.0;
/// The Ghost version the generated export claims (the one the harness installs).
const GHOST_VERSION: &str = "5.130.6";

/// The number of `kind` created, from an import report's line `KIND  N created …`.
fn created(report: &str, kinds: &[&str]) -> Option<usize> {
    report.lines().find_map(|line| {
        let mut words = line.split_whitespace();
        let kind = words.next()?;
        let n = words.next()?;
        (kinds.contains(&kind) && words.next() == Some("created")).then(|| n.parse().ok())?
    })
}

/// What one import gave: posts/s, peak memory in MB, and a note on it.
struct Timed {
    per_second: Value,
    peak_mb: Value,
}

impl Run<'_> {
    /// The import rows at `n` posts each, and the big WXR at `wxr_mb` (0 skips it).
    pub fn imports(&self, n: usize, wxr_mb: u64) -> anyhow::Result<SizeResult> {
        let dir = self.dir.join(format!("imports-n{n}"));
        std::fs::create_dir_all(&dir)?;
        let corpus = Corpus::new(n, self.seed);
        let mut result = SizeResult {
            articles: n,
            title: Some(format!("Imports, {} posts", crate::markdown::thousands(n as f64))),
            ..SizeResult::default()
        };

        eprintln!("[imports {n}] writing a WXR and a Ghost export of the corpus");
        let wxr_path = dir.join("wordpress.xml");
        let wxr_bytes = wxr::write(&corpus, n, &wxr_path)?;
        let ghost_path = dir.join("ghost.json");
        std::fs::write(&ghost_path, ghost_import::export_json(&corpus, GHOST_VERSION))?;
        let ghost_bytes = std::fs::metadata(&ghost_path)?.len();

        let wp = self.import_one("wordpress", &wxr_path, n, &dir, &mut result);
        let gh = self.import_one("ghost", &ghost_path, n, &dir, &mut result);
        let m = &mut result.measures;
        let target = Some(Bound::ValueAtLeast(2_000.0));
        let none = || Err("no reference: the target is Byline's own rate".to_owned());
        m.push(Measure::new("WordPress WXR import", "posts/s", wp.per_second, "—", none(), target));
        m.push(Measure::new("Ghost JSON import", "posts/s", gh.per_second, "—", none(), target));
        m.push(Measure::info("WordPress WXR import, peak resident memory", "MB", wp.peak_mb));
        m.push(Measure::info("Ghost JSON import, peak resident memory", "MB", gh.peak_mb));
        result.notes.push(format!(
            "The files: a WXR 1.2 of {n} posts ({:.1} MB; bodies as HTML with headings, lists, \
             quotations and links; authors, categories and tags) and a Ghost 5 export of the \
             same {n} posts ({:.1} MB; Markdown cards), each imported into an empty \
             publication on SQLite.",
            wxr_bytes as f64 / MB,
            ghost_bytes as f64 / MB
        ));

        if wxr_mb > 0 {
            let big = self.big_wxr(wxr_mb, &dir, &mut result);
            result.measures.push(Measure::new(
                &format!("WordPress WXR import of a {wxr_mb} MB file, peak resident memory"),
                "MB",
                big.peak_mb,
                "—",
                Err("no reference: the target is a size".to_owned()),
                Some(Bound::ValueAtMost(100.0)),
            ));
            result.measures.push(Measure::info(
                &format!("WordPress WXR import of a {wxr_mb} MB file"),
                "posts/s",
                big.per_second,
            ));
        }
        let _ = std::fs::remove_dir_all(&dir);
        Ok(result)
    }

    /// `byline import KIND FILE` into a fresh data folder, checking that all `posts` came in.
    fn import_one(
        &self,
        kind: &str,
        file: &Path,
        posts: usize,
        dir: &Path,
        result: &mut SizeResult,
    ) -> Timed {
        eprintln!("[imports {}] byline import {kind} {}", result.articles, file.display());
        let data = dir.join(format!("data-{kind}"));
        let imported = self.byline.import_file(kind, file, &data, &dir.join(format!("{kind}.log")));
        let _ = std::fs::remove_dir_all(&data);
        let run = imported.and_then(|i| {
            let made = created(&i.report, &["articles", "posts"]);
            if made != Some(posts) {
                anyhow::bail!(
                    "the import made {made:?} articles of {posts}; its report: {}",
                    i.report.lines().take(12).collect::<Vec<_>>().join(" / ")
                );
            }
            result.notes.push(format!(
                "`byline import {kind}` of {posts} posts took {:.1} s.",
                i.took.as_secs_f64()
            ));
            Ok(i)
        });
        match run {
            Ok(i) => Timed {
                per_second: Ok(posts as f64 / i.took.as_secs_f64()),
                peak_mb: Ok(i.peak_rss as f64 / MB),
            },
            Err(e) => {
                let why = format!("{e:#}");
                Timed { per_second: Err(why.clone()), peak_mb: Err(why) }
            }
        }
    }

    /// A WXR of about `mb` megabytes, written from a corpus of the size that fills it.
    fn big_wxr(&self, mb: u64, dir: &Path, result: &mut SizeResult) -> Timed {
        let made = (|| -> anyhow::Result<(std::path::PathBuf, usize, u64)> {
            let probe = Corpus::new(1000, self.seed);
            let posts = wxr::posts_for_size(&probe, mb << 20)?;
            let corpus = Corpus::new(posts, self.seed);
            let path = dir.join("wordpress-big.xml");
            eprintln!("[imports] writing a WXR of {posts} posts (about {mb} MB)");
            let bytes = wxr::write(&corpus, posts, &path).context("cannot write the big WXR")?;
            Ok((path, posts, bytes))
        })();
        match made {
            Ok((path, posts, bytes)) => {
                result
                    .notes
                    .push(format!("The big WXR: {posts} posts in {:.0} MB.", bytes as f64 / MB));
                let timed = self.import_one("wordpress", &path, posts, dir, result);
                let _ = std::fs::remove_file(&path);
                timed
            }
            Err(e) => {
                let why = format!("{e:#}");
                Timed { per_second: Err(why.clone()), peak_mb: Err(why) }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_created_count_of_either_report() {
        let wxr = "authors       20 created      0 updated      0 unchanged      0 failed\n\
                   articles   10000 created      0 updated      0 unchanged      0 failed\n";
        assert_eq!(created(wxr, &["articles", "posts"]), Some(10_000));
        let ghost = "Ghost 5.130.6 export\nposts       250 created      0 updated\n";
        assert_eq!(created(ghost, &["articles", "posts"]), Some(250));
        assert_eq!(created("articles: none", &["articles"]), None);
    }
}
