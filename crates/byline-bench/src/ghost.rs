//! Ghost 5 as the reference publishing platform: installed from npm (no ghost-cli) into a
//! cached folder, run in production mode on SQLite with its own content folder per corpus
//! size, given the same articles through its own JSON import, and measured on one article.
//! Every failure becomes the reason the Ghost comparisons were not made.

use crate::byline::tail;
use crate::corpus::Corpus;
use crate::export::median;
use crate::process::{RssSampler, Server, free_addr};
use crate::report::Value;
use crate::wrk::{self, Load, WrkResult};
use crate::{content_api, ghost_import, http};
use anyhow::{Context, bail};
use std::fs;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

pub struct Ghost {
    /// The unpacked `ghost` package with its production dependencies installed.
    pub app: PathBuf,
    pub version: String,
}

const MARKER: &str = ".byline-bench-installed";

/// Installs `spec` (e.g. `ghost@5`) under `dir`, or reuses an earlier installation of the
/// same spec there (the marker file holds it).
pub fn prepare(dir: &Path, spec: &str) -> Result<Ghost, String> {
    let app = dir.join("app");
    let installed = fs::read_to_string(app.join(MARKER)).unwrap_or_default();
    if installed.trim() != spec {
        eprintln!("installing {spec} from npm into {} (once; takes minutes)", app.display());
        install(dir, &app, spec)
            .map_err(|e| format!("could not install {spec} from npm: {e:#}"))?;
    }
    let package = fs::read_to_string(app.join("package.json")).map_err(|e| e.to_string())?;
    let package: serde_json::Value = serde_json::from_str(&package).map_err(|e| e.to_string())?;
    let version = package["version"].as_str().unwrap_or("5").to_owned();
    Ok(Ghost { app, version })
}

fn install(dir: &Path, app: &Path, spec: &str) -> anyhow::Result<()> {
    let _ = fs::remove_dir_all(app);
    fs::create_dir_all(app)?;
    let packed = run(Command::new("npm").args(["pack", spec, "--pack-destination"]).arg(dir))?;
    let tarball = dir.join(packed.lines().last().context("npm pack printed nothing")?.trim());
    run(Command::new("tar")
        .arg("xzf")
        .arg(&tarball)
        .arg("-C")
        .arg(app)
        .arg("--strip-components=1"))?;
    // The package ships the monorepo's yarn.lock and devDependencies, some of them fetched
    // from GitHub; production needs neither, so resolve the production tree from npm alone.
    let _ = fs::remove_file(app.join("yarn.lock"));
    let manifest = app.join("package.json");
    let mut package: serde_json::Value = serde_json::from_str(&fs::read_to_string(&manifest)?)?;
    if let Some(p) = package.as_object_mut() {
        p.remove("devDependencies");
    }
    fs::write(&manifest, serde_json::to_string_pretty(&package)?)?;
    // bookshelf declares an old knex as a peer; Ghost's own yarn install ignores peers too.
    run(Command::new("npm")
        .args(["install", "--omit=dev", "--legacy-peer-deps", "--no-audit", "--no-fund"])
        .current_dir(app))?;
    run(Command::new("node").args(["-e", "require('sqlite3')"]).current_dir(app))
        .context("the sqlite3 native module is not usable")?;
    fs::write(app.join(MARKER), spec)?;
    Ok(())
}

fn run(cmd: &mut Command) -> anyhow::Result<String> {
    let out = cmd.output().with_context(|| format!("cannot run {cmd:?}"))?;
    if !out.status.success() {
        bail!("{cmd:?} failed ({}): {}", out.status, tail(&out, 15));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// What Ghost gave for one corpus size; every value carries its reason when missing.
pub struct GhostResult {
    pub version: String,
    pub article_path: String,
    pub rps: Value,
    pub load: Option<Result<WrkResult, String>>,
    pub idle_rss_mb: Value,
    pub peak_rss_mb: Value,
    pub start: Value,
    /// The Content API request ([`content_api::REQUEST`]), requests/s, and wrk's numbers.
    pub content_api: Value,
    pub content_api_load: Option<Result<WrkResult, String>>,
    pub notes: Vec<String>,
}

impl GhostResult {
    pub fn unavailable(why: &str) -> GhostResult {
        let why = why.to_owned();
        GhostResult {
            version: "5".into(),
            article_path: String::new(),
            rps: Err(why.clone()),
            load: None,
            idle_rss_mb: Err(why.clone()),
            peak_rss_mb: Err(why.clone()),
            start: Err(why.clone()),
            content_api: Err(why),
            content_api_load: None,
            notes: Vec::new(),
        }
    }
}

const MB: f64 = 1024.0 * 1024.0;

/// Imports the corpus into a fresh Ghost, then restarts it `repeat` times on the imported
/// database, timing the first 200 of the article, and loads the last of those processes (so
/// Ghost is measured in its steady state, not busy with the import's aftermath).
pub fn measure(g: &Ghost, corpus: &Corpus, dir: &Path, load: &Load, repeat: usize) -> GhostResult {
    let article_path = format!("/{}/", corpus.sample().slug);
    let mut r = GhostResult::unavailable("not reached");
    r.version = g.version.clone();
    r.article_path = article_path.clone();
    let mut key = Err("Ghost was not seeded".to_owned());
    let started = seeded(g, corpus, dir, &article_path, &mut r.notes).and_then(|(seeded, k)| {
        key = Ok(k);
        seeded.stop(Duration::from_secs(30));
        eprintln!("[{}] Ghost: time to the first 200 ({repeat} starts)", corpus.articles);
        let mut times = Vec::new();
        loop {
            let log = dir.join(format!("ghost-start-{}.log", times.len()));
            let mut server = start(g, dir, &log)?;
            times.push(server.wait_for_200(&article_path, Duration::from_secs(300))?.as_secs_f64());
            if times.len() >= repeat.max(1) {
                return Ok((server, median(&mut times)));
            }
            server.stop(Duration::from_secs(30));
        }
    });
    let server = match started {
        Ok((server, start)) => {
            r.start = Ok(start);
            server
        }
        Err(e) => {
            let mut failed = GhostResult::unavailable("Ghost did not run here (see the notes)");
            failed.version = g.version.clone();
            failed.notes = std::mem::take(&mut r.notes);
            failed.notes.push(format!("Ghost {} did not run here: {e:#}", g.version));
            return failed;
        }
    };
    for _ in 0..20 {
        let _ = http::get(server.addr, &article_path);
    }
    std::thread::sleep(Duration::from_secs(1));
    r.idle_rss_mb = server.rss().map(|b| b as f64 / MB).ok_or_else(|| "not sampled".into());
    eprintln!("[{}] wrk Ghost: article {article_path}", corpus.articles);
    let sampler = RssSampler::start(server.pid());
    let result = wrk::measure(load, server.addr, &article_path).map_err(|e| format!("{e:#}"));
    r.peak_rss_mb = Ok(sampler.stop() as f64 / MB);
    r.rps = wrk::rps(&result);
    r.load = Some(result);
    eprintln!("[{}] wrk Ghost: {}", corpus.articles, content_api::REQUEST);
    let (rps, run) = match key {
        Ok(key) => content_api::load(load, server.addr, &content_api::path(&key)),
        Err(why) => (Err(why.clone()), Err(why)),
    };
    (r.content_api, r.content_api_load) = (rps, Some(run));
    server.stop(Duration::from_secs(30));
    r
}

/// Starts Ghost on a fresh content folder, creates the owner, imports the corpus and makes a
/// Content API key; returns the running server once the sample article answers 200, and
/// the key.
fn seeded(
    g: &Ghost,
    corpus: &Corpus,
    dir: &Path,
    article: &str,
    notes: &mut Vec<String>,
) -> anyhow::Result<(Server, String)> {
    let _ = fs::remove_dir_all(dir);
    let content = dir.join("content");
    for sub in ["data", "images", "media", "files", "logs", "settings", "adapters", "public"] {
        fs::create_dir_all(content.join(sub))?;
    }
    copy_dir(&g.app.join("content/themes"), &content.join("themes"))?;
    let mut server = start(g, dir, &dir.join("ghost-setup.log"))?;
    let first = server.wait_for_200("/", Duration::from_secs(600))?;
    notes.push(format!(
        "Ghost {}: first boot (creating its SQLite database) took {:.1} s.",
        g.version,
        first.as_secs_f64()
    ));
    let cookie = ghost_import::owner_session(server.addr)?;
    eprintln!("[{}] Ghost: importing {} posts", corpus.articles, corpus.articles);
    let began = Instant::now();
    ghost_import::import(server.addr, &cookie, corpus, &g.version)?;
    let deadline = Duration::from_secs(120 + corpus.articles as u64 / 5);
    // While the import runs, Ghost's one SQLite connection is busy and the API may time out.
    loop {
        let count = ghost_import::post_count(server.addr, &cookie);
        if matches!(count, Ok(n) if n >= corpus.articles) {
            break;
        }
        if began.elapsed() > deadline {
            let seen = count.map_or_else(|e| format!("{e:#}"), |n| format!("{n} posts"));
            bail!(
                "Ghost's import of {} posts had not finished after {deadline:?}: {seen}",
                corpus.articles
            );
        }
        std::thread::sleep(Duration::from_secs(2));
    }
    server.wait_for_200(article, began.elapsed() + Duration::from_secs(300))?;
    notes.push(format!(
        "Ghost {}: importing the {} articles (its JSON import, Markdown cards) took {:.1} s; \
         they are filed under tags (regions, themes, tags) and bylined to the owner.",
        g.version,
        corpus.articles,
        began.elapsed().as_secs_f64()
    ));
    let key = ghost_import::content_key(server.addr, &cookie)?;
    Ok((server, key))
}

/// Starts `node index.js` in production mode with SQLite in `dir/content`, on a free port.
fn start(g: &Ghost, dir: &Path, log: &Path) -> anyhow::Result<Server> {
    let addr: SocketAddr = free_addr()?;
    let content = dir.join("content");
    let mut cmd = Command::new("node");
    cmd.arg("index.js").current_dir(&g.app);
    cmd.env("NODE_ENV", "production")
        .env("url", format!("http://{addr}"))
        .env("server__host", addr.ip().to_string())
        .env("server__port", addr.port().to_string())
        .env("database__client", "sqlite3")
        .env("database__connection__filename", content.join("data/ghost.db"))
        .env("database__useNullAsDefault", "true")
        .env("paths__contentPath", &content)
        .env("privacy__useTinfoil", "true")
        .env("security__staffDeviceVerification", "false")
        .env("logging__level", "warn")
        .env("mail__transport", "stub");
    Server::spawn("Ghost", cmd, addr, log)
}

fn copy_dir(from: &Path, to: &Path) -> anyhow::Result<()> {
    fs::create_dir_all(to)?;
    for e in fs::read_dir(from).with_context(|| format!("cannot read {from:?}"))? {
        let e = e?;
        let target = to.join(e.file_name());
        if e.file_type()?.is_dir() {
            copy_dir(&e.path(), &target)?;
        } else {
            fs::copy(e.path(), &target)?;
        }
    }
    Ok(())
}
