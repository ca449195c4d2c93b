//! The Byline binary under test: build it, find out what it can do (page cache, static
//! export), import a corpus, serve it, export it. Every child runs in the run's folder with
//! no inherited `BYLINE_*` variables, so a stray `byline.toml` or environment cannot change
//! what is measured.

use crate::process::{RssSampler, Server, free_addr};
use anyhow::{Context, bail};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

pub struct Byline {
    pub bin: PathBuf,
    pub version: String,
    /// `byline serve` knows the `cache_mb` setting.
    pub has_cache: bool,
    /// `byline export static` exists.
    pub has_export: bool,
    /// Where children run (and where a `byline.toml` would be looked for: there is none).
    pub workdir: PathBuf,
}

/// The workspace this harness was built from.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

impl Byline {
    /// Uses `bin` if given, otherwise builds the workspace's binary with
    /// `cargo build --release -p byline` and uses `target/release/byline`.
    pub fn locate(bin: Option<PathBuf>, workdir: &Path) -> anyhow::Result<Byline> {
        let bin = match bin {
            Some(bin) => bin,
            None => build()?,
        };
        let bin = bin.canonicalize().with_context(|| format!("no Byline binary at {bin:?}"))?;
        let mut b = Byline {
            bin,
            version: String::new(),
            has_cache: false,
            has_export: false,
            workdir: workdir.to_owned(),
        };
        let version = b.run(&["--version"])?;
        b.version = String::from_utf8_lossy(&version.stdout).trim().to_owned();
        let serve_help = b.run(&["serve", "--help"])?;
        b.has_cache = String::from_utf8_lossy(&serve_help.stdout).contains("cache");
        b.has_export = b.run(&["export", "static", "--help"])?.status.success();
        Ok(b)
    }

    fn command(&self) -> Command {
        let mut cmd = Command::new(&self.bin);
        cmd.current_dir(&self.workdir);
        for (key, _) in std::env::vars_os() {
            if key.to_string_lossy().starts_with("BYLINE_") {
                cmd.env_remove(key);
            }
        }
        cmd
    }

    fn run(&self, args: &[&str]) -> anyhow::Result<Output> {
        self.command().args(args).output().with_context(|| format!("cannot run {:?}", self.bin))
    }

    /// `byline import markdown CORPUS --data DATA`; returns how long it took.
    pub fn import(&self, corpus: &Path, data: &Path) -> anyhow::Result<Duration> {
        let mut cmd = self.command();
        cmd.args(["import", "markdown"]).arg(corpus).arg("--data").arg(data);
        timed(cmd, "byline import markdown")
    }

    /// `byline ARGS --data DATA`, failing with the end of its output if it fails.
    pub fn cli(&self, data: &Path, args: &[&str]) -> anyhow::Result<Output> {
        let mut cmd = self.command();
        cmd.args(args).arg("--data").arg(data);
        let out = cmd.output().with_context(|| format!("cannot run {:?}", self.bin))?;
        if !out.status.success() {
            bail!("byline {} failed: {}", args.join(" "), tail(&out, 8));
        }
        Ok(out)
    }

    /// `byline import KIND FILE --data DATA` (wordpress, ghost), with its resident memory
    /// sampled: how long it took, its peak, and the report it printed. Its output goes to `log`.
    pub fn import_file(
        &self,
        kind: &str,
        file: &Path,
        data: &Path,
        log: &Path,
    ) -> anyhow::Result<Imported> {
        let mut cmd = self.command();
        cmd.args(["import", kind]).arg(file).arg("--data").arg(data);
        let out = std::fs::File::create(log).with_context(|| format!("cannot create {log:?}"))?;
        cmd.stdin(std::process::Stdio::null()).stdout(out.try_clone()?).stderr(out);
        let start = Instant::now();
        let mut child = cmd.spawn().with_context(|| format!("cannot run byline import {kind}"))?;
        let sampler = RssSampler::start(child.id());
        let status = child.wait()?;
        let took = start.elapsed();
        let peak_rss = sampler.stop();
        let report = std::fs::read_to_string(log).unwrap_or_default();
        if !status.success() {
            let end: Vec<&str> = report.lines().rev().take(12).collect();
            bail!("byline import {kind} failed ({status}): {}", end.join(" / "));
        }
        Ok(Imported { took, peak_rss, report })
    }

    /// Starts `byline serve` on a free port. `cache: false` sets `BYLINE_CACHE_MB=0` (when the
    /// binary has a cache at all: without one every request is rendered anyway, and the
    /// setting would be an unknown key).
    pub fn serve(&self, data: &Path, cache: bool, log: &Path) -> anyhow::Result<Server> {
        self.serve_with(data, cache, &[], log)
    }

    /// [`Byline::serve`] with settings given as `BYLINE_*` variables (`("SEARCH_PER_MINUTE",
    /// "0")`).
    pub fn serve_with(
        &self,
        data: &Path,
        cache: bool,
        settings: &[(&str, &str)],
        log: &Path,
    ) -> anyhow::Result<Server> {
        let addr = free_addr()?;
        let mut cmd = self.command();
        cmd.arg("serve").arg("--data").arg(data).arg("--bind").arg(addr.to_string());
        cmd.arg("--no-demo");
        if !cache && self.has_cache {
            cmd.env("BYLINE_CACHE_MB", "0");
        }
        for (key, value) in settings {
            cmd.env(format!("BYLINE_{key}"), value);
        }
        let name = if cache { "byline (cache on)" } else { "byline (cache off)" };
        Server::spawn(name, cmd, addr, log)
    }

    /// `byline integration create bench --data DATA`: a Ghost Content API key.
    pub fn content_api_key(&self, data: &Path) -> anyhow::Result<String> {
        let mut cmd = self.command();
        cmd.args(["integration", "create", "Benchmark", "--data"]).arg(data);
        let out = cmd.output().with_context(|| format!("cannot run {:?}", self.bin))?;
        if !out.status.success() {
            bail!("byline integration create failed: {}", tail(&out, 5));
        }
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .find_map(|l| l.strip_prefix("content_api_key:"))
            .map(|k| k.trim().to_owned())
            .context("byline integration create printed no content_api_key")
    }

    /// `byline search reindex --data DATA`; returns how long it took.
    pub fn reindex(&self, data: &Path) -> anyhow::Result<Duration> {
        let mut cmd = self.command();
        cmd.args(["search", "reindex", "--data"]).arg(data);
        timed(cmd, "byline search reindex")
    }

    /// `byline member-pass EMAIL --tier paid --data DATA`: the cookie of a signed-in paid
    /// member (`byline_member=…`).
    pub fn member_cookie(&self, data: &Path) -> anyhow::Result<String> {
        let mut cmd = self.command();
        cmd.args(["member-pass", "bench-member@example.org", "--tier", "paid", "--data"]).arg(data);
        let out = cmd.output().with_context(|| format!("cannot run {:?}", self.bin))?;
        if !out.status.success() {
            anyhow::bail!("byline member-pass failed: {}", tail(&out, 5));
        }
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
    }

    /// `byline export static OUT --data DATA`; returns how long it took.
    pub fn export(&self, data: &Path, out: &Path) -> anyhow::Result<Duration> {
        let mut cmd = self.command();
        cmd.args(["export", "static"]).arg(out).arg("--data").arg(data);
        timed(cmd, "byline export static")
    }
}

/// One `byline import` run.
pub struct Imported {
    pub took: Duration,
    /// Peak resident memory, in bytes.
    pub peak_rss: u64,
    /// What it printed (stdout and stderr).
    pub report: String,
}

/// Runs a command to completion and times it; fails with the end of its output if it fails.
pub fn timed(mut cmd: Command, what: &str) -> anyhow::Result<Duration> {
    let start = Instant::now();
    let out = cmd.output().with_context(|| format!("cannot run {what}"))?;
    let took = start.elapsed();
    if !out.status.success() {
        bail!("{what} failed ({}): {}", out.status, tail(&out, 12));
    }
    Ok(took)
}

/// The last `lines` lines of a command's stderr (or stdout if stderr is empty), on one line.
pub fn tail(out: &Output, lines: usize) -> String {
    let text = if out.stderr.iter().any(|b| !b.is_ascii_whitespace()) {
        String::from_utf8_lossy(&out.stderr)
    } else {
        String::from_utf8_lossy(&out.stdout)
    };
    let all: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    all[all.len().saturating_sub(lines)..].join(" / ")
}

fn build() -> anyhow::Result<PathBuf> {
    let root = workspace_root();
    eprintln!("building Byline: cargo build --release -p byline");
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["build", "--release", "-p", "byline"])
        .current_dir(&root)
        .status()
        .context("cannot run cargo")?;
    if !status.success() {
        bail!("`cargo build --release -p byline` failed; fix the build or pass --byline PATH");
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    Ok(target.join("release/byline"))
}
