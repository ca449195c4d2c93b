//! Byline's benchmark harness (issue 5). In one run on one machine it generates a reproducible
//! corpus, imports it, and measures Byline side by side with nginx serving the same bytes,
//! Ghost 5 serving the same article, and Hugo building the same site; then writes the ratios
//! against the targets to `bench/results/latest.{md,json}`. See `bench/README.md`.
//!
//! It drives the `byline` binary from the outside, like a user, and depends on no Byline
//! crate. It starts servers, so nothing here runs under `cargo test` but pure unit tests.

mod beside;
mod byline;
mod content_api;
mod corpus;
mod export;
mod fts5;
mod ghost;
mod ghost_import;
mod http;
mod hugo;
mod imports;
mod markdown;
mod newsletter;
mod nginx;
mod process;
mod report;
mod run;
mod search;
mod text;
mod tools;
mod upload;
mod wrk;
mod wxr;

use anyhow::Context;
use clap::Parser;
use report::{Report, SizeResult};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "byline-bench",
    about = "Benchmark Byline against nginx (same bytes), Ghost 5 and Hugo on this machine"
)]
struct Args {
    /// Corpus sizes, in articles (100000 is allowed but slow; 0 for none)
    #[arg(long, value_delimiter = ',', default_values_t = [1_000, 10_000])]
    articles: Vec<usize>,
    /// Articles in the search row's own corpus (search against SQLite FTS5); 0 skips it
    #[arg(long, default_value_t = 100_000)]
    search_articles: usize,
    /// Posts in the import rows' WordPress and Ghost exports; 0 skips them
    #[arg(long, default_value_t = 10_000)]
    import_posts: usize,
    /// Size in MB of the WXR imported for the importer's memory target; 0 skips it
    #[arg(long, default_value_t = 1024)]
    wxr_mb: u64,
    /// Members the newsletter row sends an article to; 0 skips the row
    #[arg(long, default_value_t = 100_000)]
    newsletter_members: usize,
    /// Skip the row that uploads an image at the pixel limit
    #[arg(long)]
    no_upload: bool,
    /// Seed of the generated corpus: the same seed and size give the same files
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// wrk threads
    #[arg(long, default_value_t = 2)]
    threads: u32,
    /// wrk connections
    #[arg(long, default_value_t = 32)]
    connections: u32,
    /// Seconds of load per page and server
    #[arg(long, default_value_t = 10)]
    duration: u32,
    /// Seconds of unmeasured load before each measurement
    #[arg(long, default_value_t = 2)]
    warmup: u32,
    /// Seconds before wrk counts a request as timed out (and leaves it out of the latencies)
    #[arg(long, default_value_t = 30)]
    timeout: u32,
    /// Starts and static builds per measure (the median is reported)
    #[arg(long, default_value_t = 3)]
    repeat: usize,
    /// Use this byline binary instead of building the workspace's with
    /// `cargo build --release -p byline`
    #[arg(long, value_name = "PATH")]
    byline: Option<PathBuf>,
    /// Skip Ghost (its comparisons are then reported as not measured)
    #[arg(long)]
    no_ghost: bool,
    /// The Ghost package to install from npm
    #[arg(long, default_value = "ghost@5")]
    ghost_package: String,
    /// Where Ghost is installed, and reused by later runs
    #[arg(long, value_name = "DIR", default_value = "/tmp/bench-ghost")]
    ghost_dir: PathBuf,
    /// Scratch folder for corpora, databases and logs [default: /tmp/bench-run-TIMESTAMP]
    #[arg(long, value_name = "DIR")]
    work_dir: Option<PathBuf>,
    /// Keep the scratch folder afterwards
    #[arg(long)]
    keep: bool,
    /// Where latest.md and latest.json go [default: bench/results in the workspace]
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
}

fn main() {
    if let Err(e) = run() {
        eprintln!("error: {e:#}");
        std::process::exit(1);
    }
}

fn run() -> anyhow::Result<()> {
    let args = Args::parse();
    let started = chrono::Utc::now();
    let work = args.work_dir.clone().unwrap_or_else(|| {
        PathBuf::from(format!("/tmp/bench-run-{}", started.format("%Y%m%d-%H%M%S")))
    });
    std::fs::create_dir_all(&work).with_context(|| format!("cannot create {work:?}"))?;
    let work = work.canonicalize()?;

    let tools = tools::detect();
    for (name, found) in &tools {
        match found {
            Ok(v) => eprintln!("found {name}: {v}"),
            Err(why) => eprintln!("MISSING {name}: {why}; its comparisons will be skipped"),
        }
    }
    let byline = byline::Byline::locate(args.byline.clone(), &work)?;
    eprintln!(
        "byline: {} at {} (page cache: {}, static export: {})",
        byline.version,
        byline.bin.display(),
        yes_no(byline.has_cache),
        yes_no(byline.has_export)
    );
    let ghost = if args.no_ghost {
        Err("skipped with --no-ghost".to_owned())
    } else if let Some(why) = ["node", "npm"].iter().find_map(|t| tools[*t].as_ref().err()) {
        Err(why.clone())
    } else {
        ghost::prepare(&args.ghost_dir, &args.ghost_package)
    };
    if let Err(why) = &ghost {
        eprintln!("Ghost will not be measured: {why}");
    }

    let load = wrk::Load {
        threads: args.threads,
        connections: args.connections,
        seconds: args.duration,
        warmup_seconds: args.warmup,
        timeout_seconds: args.timeout,
    };
    let runner = run::Run {
        byline: &byline,
        tools: &tools,
        ghost: &ghost,
        load: load.clone(),
        repeat: args.repeat,
        seed: args.seed,
        dir: work.clone(),
    };
    let load_before = load_average();
    let mut sizes = Vec::new();
    // `--articles 0` runs none of the page sizes (only the rows of their own).
    for &n in args.articles.iter().filter(|n| **n > 0) {
        sizes.push(runner.size(n).unwrap_or_else(|e| {
            eprintln!("[{n}] failed: {e:#}");
            SizeResult {
                articles: n,
                notes: vec![format!("The run at this size failed: {e:#}")],
                ..SizeResult::default()
            }
        }));
    }
    if args.search_articles > 0 {
        let n = args.search_articles;
        sizes.push(runner.search(n).unwrap_or_else(|e| {
            eprintln!("[search {n}] failed: {e:#}");
            SizeResult {
                articles: n,
                title: Some(format!("Search, {} articles", markdown::thousands(n as f64))),
                notes: vec![format!("The search row failed: {e:#}")],
                ..SizeResult::default()
            }
        }));
    }
    let mut extra = |what: &str, n: usize, row: anyhow::Result<SizeResult>| {
        sizes.push(row.unwrap_or_else(|e| {
            eprintln!("[{what}] failed: {e:#}");
            SizeResult {
                articles: n,
                title: Some(what.to_owned()),
                notes: vec![format!("The row failed: {e:#}")],
                ..SizeResult::default()
            }
        }))
    };
    if args.import_posts > 0 {
        let n = args.import_posts;
        extra("Imports", n, runner.imports(n, args.wxr_mb));
    }
    if args.newsletter_members > 0 {
        let n = args.newsletter_members;
        extra("Newsletter", n, runner.newsletter(n));
    }
    if !args.no_upload {
        extra("Upload at the pixel limit", 0, runner.upload());
    }
    let load_after = load_average();

    let mut tool_versions: std::collections::BTreeMap<String, String> = tools
        .iter()
        .map(|(k, v)| (k.clone(), v.clone().unwrap_or_else(|why| format!("missing ({why})"))))
        .collect();
    let mut byline_version = byline.version.clone();
    if args.byline.is_none() {
        let root = byline::workspace_root();
        let root = root.to_string_lossy();
        if let Some(commit) =
            tools::version(&["git", "-C", &root, "describe", "--always", "--dirty"])
        {
            byline_version = format!("{byline_version}, built from commit {commit}");
        }
    }
    tool_versions.insert("byline".into(), byline_version.clone());
    tool_versions.insert(
        "ghost".into(),
        match &ghost {
            Ok(g) => g.version.clone(),
            Err(why) => format!("not available ({why})"),
        },
    );
    let mut notes = vec![format!(
        "Byline binary: {}; page cache setting: {}; `export static`: {}.",
        byline_version,
        if byline.has_cache { "present" } else { "absent (no cache yet)" },
        if byline.has_export { "present" } else { "absent (not available yet)" }
    )];
    if let Err(why) = &ghost {
        notes.push(format!("Ghost could not be measured: {why}"));
    }
    notes.push(format!(
        "Other work on the machine: load average (1, 5, 15 min, from `uptime`) {load_before} at \
         the start and {load_after} at the end of the run. Every ratio compares two numbers \
         taken minutes apart under that same load."
    ));
    let report = Report {
        date: started.format("%Y-%m-%d %H:%M UTC").to_string(),
        command: command_line(),
        machine: tools::machine(),
        tools: tool_versions,
        load,
        seed: args.seed,
        sizes,
        notes,
    };
    let out = args.out.clone().unwrap_or_else(|| byline::workspace_root().join("bench/results"));
    std::fs::create_dir_all(&out)?;
    let out = out.canonicalize()?;
    std::fs::write(out.join("latest.json"), serde_json::to_string_pretty(&report)? + "\n")?;
    std::fs::write(out.join("latest.md"), markdown::render(&report))?;
    eprintln!("wrote {} and latest.json", out.join("latest.md").display());
    for (what, status) in report.shortfalls() {
        eprintln!("  {status:?}: {what}");
    }
    if !args.keep {
        let _ = std::fs::remove_dir_all(&work);
    } else {
        eprintln!("kept the scratch folder {}", work.display());
    }
    Ok(())
}

/// The command that reproduces this run: its arguments, less those that only say where
/// scratch files and results go.
fn command_line() -> String {
    let mut cmd = "cargo run --release -p byline-bench --".to_owned();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        if a == "--keep" || a.starts_with("--work-dir=") || a.starts_with("--out=") {
            continue;
        }
        if a == "--work-dir" || a == "--out" {
            args.next();
            continue;
        }
        cmd.push(' ');
        cmd.push_str(&a);
    }
    cmd.trim_end_matches(" --").to_owned()
}

/// The load averages as `uptime` prints them (`3.12, 2.80, 2.10`).
fn load_average() -> String {
    let text = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let parts: Vec<&str> = text.split_whitespace().take(3).collect();
    if parts.len() == 3 { parts.join(", ") } else { "unknown".to_owned() }
}

fn yes_no(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}
