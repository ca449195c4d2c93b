//! One corpus size, end to end: generate, import, time starts, load Byline with the cache on
//! and off, load nginx with the bytes Byline served, export against Hugo, then Ghost; and
//! turn it all into the measures of the targets.

use crate::byline::Byline;
use crate::corpus::Corpus;
use crate::export::{self, median};
use crate::ghost::{self, Ghost, GhostResult};
use crate::process::{RssSampler, Server};
use crate::report::{Bound, LoadRow, Measure, SizeResult, Value};
use crate::tools::Tools;
use crate::wrk::{self, Load};
use crate::{content_api, http, hugo, nginx};
use anyhow::{Context, bail};
use std::path::{Path, PathBuf};
use std::time::Duration;

pub struct Run<'a> {
    pub byline: &'a Byline,
    pub tools: &'a Tools,
    pub ghost: &'a Result<Ghost, String>,
    pub load: Load,
    pub repeat: usize,
    pub seed: u64,
    pub dir: PathBuf,
}

/// The four pages measured, by role.
pub struct Pages {
    pub paths: Vec<(&'static str, String)>,
    /// A members-only article, loaded by Byline (cache on) with a paid member's cookie.
    pub gated: String,
    /// The Ghost Content API request with Byline's key (or why there is none).
    pub content_api: Result<String, String>,
}

impl Pages {
    pub fn article(&self) -> &str {
        &self.paths[0].1
    }
}

/// Everything a size's measures are made of.
struct Observed {
    cached: Served,
    uncached: Served,
    nginx: Result<Served, String>,
    ghost: GhostResult,
    start: Value,
    exports: export::ExportTimes,
}

/// What loading one server gave: requests/s per page and its memory.
#[derive(Default)]
struct Served {
    rps: Vec<Value>,
    /// Byline with the cache on only: the gated article for a member, and the Content API.
    gated: Option<Value>,
    content_api: Option<Value>,
    idle_rss_mb: Option<f64>,
    peak_rss_mb: Option<f64>,
}

/// The bodies Byline served, by path.
type Bodies = Vec<(String, Vec<u8>)>;

const MB: f64 = 1024.0 * 1024.0;
const START_TIMEOUT: Duration = Duration::from_secs(120);

impl Run<'_> {
    pub fn size(&self, n: usize) -> anyhow::Result<SizeResult> {
        let dir = self.dir.join(format!("n{n}"));
        let corpus = Corpus::new(n, self.seed);
        eprintln!("[{n}] writing the corpus to {}", dir.display());
        corpus.write_byline(&dir.join("corpus")).context("cannot write the corpus")?;
        let mut result = SizeResult { articles: n, ..SizeResult::default() };
        let mut pages = Pages {
            paths: vec![
                ("article", format!("/articles/{}/", corpus.sample().slug)),
                ("home", "/".to_owned()),
                ("term", format!("/regions/{}/", corpus.sample_region())),
                ("feed", "/feed.xml".to_owned()),
            ],
            gated: format!("/articles/{}/", corpus.gated().slug),
            content_api: Err("not made yet".into()),
        };
        result.pages = pages.paths.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();

        eprintln!("[{n}] byline import markdown");
        let data = dir.join("data");
        let took = self.byline.import(&dir.join("corpus"), &data)?;
        result.import_seconds = Some(took.as_secs_f64());
        pages.content_api = self
            .byline
            .content_api_key(&data)
            .map(|key| content_api::path(&key))
            .map_err(|e| format!("{e:#}"));

        eprintln!("[{n}] byline: time to the first 200 ({} starts)", self.repeat);
        let start = self.start_times(&data, &dir, pages.article());
        let (cached, bodies) = self.load_byline(&data, &dir, &pages, true, &mut result)?;
        let uncached = match self.load_byline(&data, &dir, &pages, false, &mut result) {
            Ok((served, _)) => served,
            Err(e) => Served { rps: vec![Err(format!("{e:#}")); 4], ..Served::default() },
        };
        let reference = self.load_nginx(&dir, &pages, &bodies, &mut result);

        let hugo_tool = self.tools["hugo"].as_deref().map_err(String::as_str);
        if hugo_tool.is_ok() {
            hugo::write_site(&corpus, &dir.join("hugo-site"))?;
        }
        eprintln!("[{n}] byline export static and hugo");
        let exports = export::compare(
            self.byline,
            &data,
            hugo_tool,
            &dir.join("hugo-site"),
            &dir,
            self.repeat,
        );
        result.notes.extend(exports.notes.iter().cloned());

        let ghost = match self.ghost {
            Ok(g) => {
                eprintln!("[{n}] Ghost");
                ghost::measure(g, &corpus, &dir.join("ghost"), &self.load, self.repeat)
            }
            Err(why) if why.len() <= 80 => GhostResult::unavailable(why),
            Err(_) => GhostResult::unavailable("not available here (see the notes at the top)"),
        };
        if let Some(row) = ghost.load.as_ref().and_then(|r| r.as_ref().ok()) {
            result.loads.push(LoadRow {
                server: format!("Ghost {}", ghost.version),
                page: format!("article `{}`", ghost.article_path),
                result: Ok(row.clone()),
                peak_rss_mb: ghost.peak_rss_mb.as_ref().ok().copied(),
            });
        }
        if let Some(run) = &ghost.content_api_load {
            result.loads.push(LoadRow {
                server: format!("Ghost {}", ghost.version),
                page: format!("Content API `{}`", content_api::REQUEST),
                result: run.clone(),
                peak_rss_mb: None,
            });
        }
        result.notes.extend(ghost.notes.iter().cloned());

        let seen = Observed { cached, uncached, nginx: reference, ghost, start, exports };
        self.measures(n, &mut result, seen);
        Ok(result)
    }

    /// Spawns `byline serve` on the imported database `repeat` times and times the first 200
    /// of the article page; the median, in seconds.
    fn start_times(&self, data: &Path, dir: &Path, article: &str) -> Value {
        let mut times = Vec::new();
        for i in 0..self.repeat.max(1) {
            let log = dir.join(format!("byline-start-{i}.log"));
            let mut server = self.byline.serve(data, true, &log).map_err(|e| format!("{e:#}"))?;
            let took = server.wait_for_200(article, START_TIMEOUT).map_err(|e| format!("{e:#}"))?;
            times.push(took.as_secs_f64());
            server.stop(Duration::from_secs(10));
        }
        Ok(median(&mut times))
    }

    /// Serves the corpus and loads each page; with the cache on, also returns the bytes
    /// served (for nginx) and records idle memory.
    fn load_byline(
        &self,
        data: &Path,
        dir: &Path,
        pages: &Pages,
        cache: bool,
        result: &mut SizeResult,
    ) -> anyhow::Result<(Served, Bodies)> {
        let tag = if cache { "cache-on" } else { "cache-off" };
        let mut server = self.byline.serve(data, cache, &dir.join(format!("byline-{tag}.log")))?;
        server.wait_for_200(pages.article(), START_TIMEOUT)?;
        let mut bodies = Vec::new();
        for (role, path) in &pages.paths {
            let r = http::get(server.addr, path)?;
            if r.status != 200 {
                bail!("Byline answered {} for the {role} page {path}", r.status);
            }
            bodies.push((path.clone(), r.body));
            for _ in 0..20 {
                http::get(server.addr, path)?;
            }
        }
        std::thread::sleep(Duration::from_secs(1));
        let mut served =
            Served { idle_rss_mb: server.rss().map(|b| b as f64 / MB), ..Served::default() };
        let name = if !cache {
            "Byline, cache off".to_owned()
        } else if self.byline.has_cache {
            "Byline, cache on".to_owned()
        } else {
            "Byline (no cache in this binary)".to_owned()
        };
        self.load_pages(&mut server, &name, pages, &mut served, result);
        if cache {
            served.gated = Some(self.load_gated(&mut server, data, &pages.gated, result));
            served.content_api = Some(self.load_content_api(&server, pages, result));
        }
        server.stop(Duration::from_secs(10));
        Ok((served, bodies))
    }

    /// Serves Byline's bytes with nginx and loads each page; errors become the reason.
    fn load_nginx(
        &self,
        dir: &Path,
        pages: &Pages,
        bodies: &[(String, Vec<u8>)],
        result: &mut SizeResult,
    ) -> Result<Served, String> {
        self.tools["nginx"].as_ref().map_err(Clone::clone)?;
        eprintln!("[{}] nginx with the same bytes", result.articles);
        let addr = crate::process::free_addr().map_err(|e| e.to_string())?;
        let mut server =
            nginx::start(&dir.join("nginx"), addr, bodies).map_err(|e| format!("{e:#}"))?;
        for (path, body) in bodies {
            let r = http::get(addr, path).map_err(|e| format!("{e:#}"))?;
            if r.status != 200 || &r.body != body {
                return Err(format!("nginx did not serve Byline's bytes for {path}"));
            }
        }
        let mut served = Served::default();
        self.load_pages(&mut server, "nginx, same bytes", pages, &mut served, result);
        result
            .notes
            .push("nginx served byte-for-byte the bodies Byline had served (checked).".into());
        Ok(served)
    }

    /// wrk on every page of `server`, sampling its memory; adds the rows to the result.
    fn load_pages(
        &self,
        server: &mut Server,
        name: &str,
        pages: &Pages,
        served: &mut Served,
        result: &mut SizeResult,
    ) {
        let watch_memory = name.starts_with("Byline");
        for (role, path) in &pages.paths {
            eprintln!("[{}] wrk {name}: {role} {path}", result.articles);
            let sampler = watch_memory.then(|| RssSampler::start(server.pid()));
            let load = match &self.tools["wrk"] {
                Ok(_) => {
                    wrk::measure(&self.load, server.addr, path).map_err(|e| match server.exited() {
                        Some(status) => format!("{} had exited ({status}): {e:#}", server.name),
                        None => format!("{e:#}"),
                    })
                }
                Err(why) => Err(why.clone()),
            };
            let peak = sampler.map(|s| s.stop() as f64 / MB);
            if let Some(p) = peak {
                served.peak_rss_mb = Some(served.peak_rss_mb.map_or(p, |old: f64| old.max(p)));
            }
            served.rps.push(wrk::rps(&load));
            let page = format!("{role} `{path}`");
            result.loads.push(LoadRow {
                server: name.to_owned(),
                page,
                result: load,
                peak_rss_mb: peak,
            });
        }
    }

    fn measures(&self, n: usize, result: &mut SizeResult, seen: Observed) {
        let Observed { cached, uncached, nginx, ghost, start, exports } = seen;
        let nginx = &nginx;
        let rps = |s: &Result<Served, String>, i: usize| -> Value {
            s.as_ref().map_err(Clone::clone).and_then(|s| s.rps[i].clone())
        };
        let at_10k = |b: Bound| (n == 10_000).then_some(b);
        let cache_note = (!self.byline.has_cache)
            .then_some("this binary has no page cache yet: every request was rendered");
        let ghost_v = format!("Ghost {}", ghost.version);
        let m = &mut result.measures;
        let with = |m: Measure, note: Option<&str>| match note {
            Some(n) => m.with_note(n),
            None => m,
        };
        m.push(with(
            Measure::new(
                "Cached article page",
                "req/s",
                cached.rps[0].clone(),
                "nginx, same bytes",
                rps(nginx, 0),
                Some(Bound::RatioAtLeast(0.5)),
            ),
            cache_note,
        ));
        m.push(with(
            Measure::new(
                "Cached article page",
                "req/s",
                cached.rps[0].clone(),
                &ghost_v,
                ghost.rps.clone(),
                Some(Bound::RatioAtLeast(500.0)),
            ),
            cache_note,
        ));
        m.push(with(
            Measure::new(
                "Gated article, signed-in member",
                "req/s",
                cached.gated.clone().unwrap_or_else(|| Err("not measured".into())),
                "Cached article page, same run",
                cached.rps[0].clone(),
                Some(Bound::RatioAtLeast(0.5)),
            ),
            cache_note,
        ));
        m.push(Measure::new(
            "Uncached article page (cache off)",
            "req/s",
            uncached.rps[0].clone(),
            &ghost_v,
            ghost.rps.clone(),
            Some(Bound::RatioAtLeast(100.0)),
        ));
        m.push(with(
            Measure::new(
                "Ghost Content API, 15 posts with tags and authors",
                "req/s",
                cached.content_api.clone().unwrap_or_else(|| Err("not measured".into())),
                &ghost_v,
                ghost.content_api.clone(),
                Some(Bound::RatioAtLeast(100.0)),
            ),
            cache_note,
        ));
        for (i, label) in [(1, "Home page"), (2, "Term archive"), (3, "Feed")] {
            m.push(Measure::new(
                &format!("{label}, cache on"),
                "req/s",
                cached.rps[i].clone(),
                "nginx, same bytes",
                rps(nginx, i),
                None,
            ));
        }
        m.push(Measure::new(
            "Uncached article page (cache off)",
            "req/s",
            uncached.rps[0].clone(),
            "nginx, same bytes",
            rps(nginx, 0),
            None,
        ));
        let mem = |v: Option<f64>| v.ok_or_else(|| "not sampled".to_owned());
        m.push(Measure::new(
            "Resident memory under load",
            "MB",
            mem(cached.peak_rss_mb),
            &ghost_v,
            ghost.peak_rss_mb.clone(),
            at_10k(Bound::ValueAtMost(50.0)),
        ));
        m.push(Measure::new(
            "Resident memory at idle",
            "MB",
            mem(cached.idle_rss_mb),
            &ghost_v,
            ghost.idle_rss_mb.clone(),
            None,
        ));
        m.push(Measure::new(
            "Process start to first 200 (article)",
            "s",
            start,
            &ghost_v,
            ghost.start.clone(),
            at_10k(Bound::RatioAtMost(0.1)),
        ));
        m.push(Measure::new(
            "Static export of the whole site",
            "s",
            exports.byline,
            "Hugo",
            exports.hugo,
            at_10k(Bound::RatioAtMost(0.5)),
        ));
        if n != 10_000 {
            result.notes.push(
                "The memory, start and export targets are set for 10,000 articles; at this size \
                 those rows are for information."
                    .into(),
            );
        }
    }
}
