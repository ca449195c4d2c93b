//! Load with wrk: run it against one address and read requests/s, latency percentiles and
//! errors from its report (`--latency` adds the 50/75/90/99th percentiles).

use anyhow::{Context, bail};
use serde::Serialize;
use std::net::SocketAddr;
use std::path::Path;
use std::process::Command;

/// How hard and how long to load each address.
#[derive(Clone, Debug, Serialize)]
pub struct Load {
    pub threads: u32,
    pub connections: u32,
    pub seconds: u32,
    pub warmup_seconds: u32,
    /// wrk's per-request timeout: answers slower than this count as errors and leave the
    /// latency percentiles (wrk's own default, 2 s, is less than Ghost needs at 10,000 posts).
    pub timeout_seconds: u32,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct WrkResult {
    pub requests_per_sec: f64,
    pub requests: u64,
    /// Milliseconds.
    pub latency_avg_ms: f64,
    pub p50_ms: f64,
    pub p75_ms: f64,
    pub p90_ms: f64,
    pub p99_ms: f64,
    /// Responses other than 2xx or 3xx.
    pub non_2xx: u64,
    /// Connect, read, write and timeout errors.
    pub socket_errors: u64,
}

impl WrkResult {
    /// Whether every answer was a success: otherwise requests/s measures error pages.
    pub fn clean(&self) -> bool {
        self.non_2xx == 0 && self.requests > 0
    }
}

/// Requests/s of a clean run; otherwise why it does not count.
pub fn rps(run: &Result<WrkResult, String>) -> Result<f64, String> {
    match run {
        Ok(w) if w.clean() => Ok(w.requests_per_sec),
        Ok(w) => Err(format!("{} of {} answers were not 2xx/3xx", w.non_2xx, w.requests)),
        Err(e) => Err(e.clone()),
    }
}

/// Warms the address up (results discarded), then measures it.
pub fn measure(load: &Load, addr: SocketAddr, path: &str) -> anyhow::Result<WrkResult> {
    measure_with(load, addr, path, None)
}

/// [`measure`], sending `header` (`Name: value`) with every request (a member's cookie).
pub fn measure_with(
    load: &Load,
    addr: SocketAddr,
    path: &str,
    header: Option<&str>,
) -> anyhow::Result<WrkResult> {
    warm_then_measure(load, addr, &Target { path, header, script: None })
}

/// [`measure`] over several paths in turn (a mix of search queries): each wrk thread asks
/// for the paths of the list one after the other, round and round. The Lua script that does it is
/// written to `script`.
pub fn measure_mix(
    load: &Load,
    addr: SocketAddr,
    paths: &[String],
    script: &Path,
) -> anyhow::Result<WrkResult> {
    let quoted: Vec<String> = paths.iter().map(|p| format!("{p:?}")).collect();
    let lua = format!(
        "local paths = {{{}}}\nlocal i = 0\nrequest = function()\n  i = i % #paths + 1\n  \
         return wrk.format(\"GET\", paths[i])\nend\n",
        quoted.join(", ")
    );
    std::fs::write(script, lua).with_context(|| format!("cannot write {script:?}"))?;
    let first = paths.first().map_or("/", String::as_str);
    warm_then_measure(load, addr, &Target { path: first, header: None, script: Some(script) })
}

fn warm_then_measure(load: &Load, addr: SocketAddr, target: &Target) -> anyhow::Result<WrkResult> {
    if load.warmup_seconds > 0 {
        run(load, load.warmup_seconds, addr, target)?;
    }
    run(load, load.seconds, addr, target)
}

/// What one wrk run asks for: a path (with a header), or the paths a Lua script chooses.
struct Target<'a> {
    path: &'a str,
    header: Option<&'a str>,
    script: Option<&'a Path>,
}

fn run(load: &Load, seconds: u32, addr: SocketAddr, t: &Target) -> anyhow::Result<WrkResult> {
    let url = format!("http://{addr}{}", t.path);
    let mut cmd = Command::new("wrk");
    if let Some(h) = t.header {
        cmd.args(["-H", h]);
    }
    if let Some(script) = t.script {
        cmd.arg("-s").arg(script);
    }
    let out = cmd
        .args(["-t", &load.threads.to_string(), "-c", &load.connections.to_string()])
        .args(["-d", &format!("{seconds}s"), "--timeout", &format!("{}s", load.timeout_seconds)])
        .args(["--latency", &url])
        .output()
        .context("cannot run wrk")?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        bail!("wrk {url} failed: {}{}", stdout, String::from_utf8_lossy(&out.stderr));
    }
    parse(&stdout).with_context(|| format!("cannot read wrk's report for {url}:\n{stdout}"))
}

fn parse(report: &str) -> anyhow::Result<WrkResult> {
    let mut r = WrkResult::default();
    for line in report.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["Latency", "Distribution", ..] => {}
            ["Latency", avg, ..] => r.latency_avg_ms = millis(avg)?,
            ["50%", v] => r.p50_ms = millis(v)?,
            ["75%", v] => r.p75_ms = millis(v)?,
            ["90%", v] => r.p90_ms = millis(v)?,
            ["99%", v] => r.p99_ms = millis(v)?,
            ["Requests/sec:", v] => r.requests_per_sec = v.parse()?,
            [n, "requests", "in", ..] => r.requests = n.parse()?,
            ["Non-2xx", "or", "3xx", "responses:", n] => r.non_2xx = n.parse()?,
            ["Socket", "errors:", rest @ ..] => {
                r.socket_errors =
                    rest.iter().filter_map(|w| w.trim_end_matches(',').parse::<u64>().ok()).sum();
            }
            _ => {}
        }
    }
    if r.requests_per_sec == 0.0 && r.requests == 0 {
        bail!("no Requests/sec line");
    }
    Ok(r)
}

/// wrk prints durations as `812.00us`, `1.23ms`, `2.01s` or `1.00m`.
fn millis(v: &str) -> anyhow::Result<f64> {
    let (number, factor) = if let Some(n) = v.strip_suffix("us") {
        (n, 0.001)
    } else if let Some(n) = v.strip_suffix("ms") {
        (n, 1.0)
    } else if let Some(n) = v.strip_suffix('s') {
        (n, 1000.0)
    } else if let Some(n) = v.strip_suffix('m') {
        (n, 60_000.0)
    } else {
        bail!("not a wrk duration: {v}")
    };
    Ok(number.parse::<f64>().with_context(|| format!("not a wrk duration: {v}"))? * factor)
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPORT: &str = "Running 10s test @ http://127.0.0.1:8080/
  2 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   812.00us  300.10us  12.02ms   90.00%
    Req/Sec    19.50k     1.20k   22.00k    70.00%
  Latency Distribution
     50%  750.00us
     75%    1.01ms
     90%    1.20ms
     99%    2.50s
  388000 requests in 10.00s, 1.20GB read
  Socket errors: connect 0, read 2, write 0, timeout 3
  Non-2xx or 3xx responses: 7
Requests/sec:  38800.12
Transfer/sec:    122.80MB
";

    #[test]
    fn reads_wrks_report() {
        let r = parse(REPORT).unwrap();
        assert_eq!(r.requests_per_sec, 38800.12);
        assert_eq!(r.requests, 388_000);
        assert!((r.latency_avg_ms - 0.812).abs() < 1e-9);
        assert!((r.p50_ms - 0.75).abs() < 1e-9);
        assert_eq!((r.p75_ms, r.p90_ms, r.p99_ms), (1.01, 1.2, 2500.0));
        assert_eq!((r.non_2xx, r.socket_errors), (7, 5));
        assert!(!r.clean());
    }

    #[test]
    fn rejects_what_is_not_a_report() {
        assert!(parse("unable to connect to 127.0.0.1:1 Connection refused").is_err());
        assert!(millis("12xs").is_err());
    }
}
