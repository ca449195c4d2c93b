//! The newsletter row (issue 12): one article emailed to every one of N members (100,000 by
//! default) by a running `byline serve`, to Postfix's `smtp-sink` on loopback (a real SMTP
//! server that accepts and discards), timed from `byline newsletter send` to the last
//! message the sink accepted. The reference, in the same run, is Postfix's `smtp-source`
//! pushing as many messages of the same size to the same sink over as many connections.
//! While the send runs, the server's resident memory is sampled and its cached article is
//! loaded with wrk, against the same load when idle.

use crate::corpus::Corpus;
use crate::process::{RssSampler, free_addr};
use crate::report::{Bound, LoadRow, Measure, SizeResult, Value};
use crate::run::Run;
use crate::wrk;
use anyhow::{Context, bail};
use std::io::Read;
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

const MB: f64 = 1024.0 * 1024.0;
/// Newsletter messages on the wire at once, for Byline and `smtp-source` alike (Byline's
/// default `newsletter_concurrency`).
const CONNECTIONS: usize = 4;
const SEND_TIMEOUT: Duration = Duration::from_secs(1800);

/// `smtp-sink` on a free port, counting the messages it accepted (from its `-c` counters).
struct Sink {
    child: Child,
    addr: SocketAddr,
    messages: Arc<AtomicU64>,
}

impl Sink {
    /// Starts the sink; `dump` names a file that every message is appended to (for the
    /// probe that measures a message's size).
    fn start(dump: Option<&Path>) -> anyhow::Result<Sink> {
        let addr = free_addr()?;
        let mut cmd = Command::new("smtp-sink");
        cmd.arg("-c");
        // As root it must be told whose privileges to drop to.
        cmd.args(["-u", "nobody"]);
        if let Some(d) = dump {
            cmd.arg("-D").arg(d);
        }
        cmd.arg(addr.to_string()).arg("1024");
        cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::null());
        let mut child = cmd.spawn().context("cannot start smtp-sink (Debian package postfix)")?;
        let mut out = child.stdout.take().context("smtp-sink's output")?;
        let messages = Arc::new(AtomicU64::new(0));
        let counted = messages.clone();
        std::thread::spawn(move || {
            // Counters are written as `sess=N quit=N mesg=N\r`, over and over.
            let mut buf = [0u8; 4096];
            let mut line = String::new();
            while let Ok(n) = out.read(&mut buf) {
                if n == 0 {
                    break;
                }
                for &b in &buf[..n] {
                    if b == b'\r' || b == b'\n' {
                        if let Some(m) =
                            line.rsplit("mesg=").next().and_then(|v| v.trim().parse().ok())
                        {
                            counted.store(m, Ordering::Relaxed);
                        }
                        line.clear();
                    } else {
                        line.push(b as char);
                    }
                }
            }
        });
        for _ in 0..200 {
            if std::net::TcpStream::connect(addr).is_ok() {
                return Ok(Sink { child, addr, messages });
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        bail!("smtp-sink did not listen on {addr}")
    }

    fn count(&self) -> u64 {
        self.messages.load(Ordering::Relaxed)
    }

    /// Waits until the sink has accepted `n` messages; the time it took, from `since`.
    fn wait_for(
        &mut self,
        n: u64,
        since: Instant,
        server: &mut crate::process::Server,
    ) -> anyhow::Result<Duration> {
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                bail!("smtp-sink exited ({status}) after {} of {n} messages", self.count());
            }
            if self.count() >= n {
                return Ok(since.elapsed());
            }
            if let Some(status) = server.exited() {
                bail!("byline serve exited ({status}) with {} of {n} messages sent", self.count());
            }
            if since.elapsed() > SEND_TIMEOUT {
                bail!("{} of {n} messages after {SEND_TIMEOUT:?}", self.count());
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A members CSV in Ghost's columns: `n` subscribed members; the first carries the label
/// `probe`.
fn members_csv(n: usize, path: &Path) -> anyhow::Result<()> {
    use std::io::Write;
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    writeln!(out, "email,name,subscribed_to_emails,labels")?;
    for i in 0..n {
        let label = if i == 0 { "probe" } else { "" };
        writeln!(out, "reader{i}@bench.example,Reader {i},true,{label}")?;
    }
    out.flush()?;
    Ok(())
}

/// `smtp-source`: `n` messages of `size` bytes over `CONNECTIONS` connections kept open;
/// messages/s.
fn smtp_source(addr: SocketAddr, n: u64, size: u64, sink: &Sink) -> anyhow::Result<f64> {
    let before = sink.count();
    let started = Instant::now();
    let out = Command::new("smtp-source")
        .args(["-d", "-s", &CONNECTIONS.to_string(), "-l", &size.to_string()])
        .args(["-m", &n.to_string(), "-f", "desk@bench.example", "-t", "reader@bench.example"])
        .arg(addr.to_string())
        .output()
        .context("cannot run smtp-source (Debian package postfix)")?;
    if !out.status.success() {
        bail!("smtp-source failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    let took = started.elapsed();
    let got = sink.count() - before;
    if got < n {
        bail!("the sink counted {got} of smtp-source's {n} messages");
    }
    Ok(n as f64 / took.as_secs_f64())
}

impl Run<'_> {
    /// The newsletter row with `members` members.
    pub fn newsletter(&self, members: usize) -> anyhow::Result<SizeResult> {
        let dir = self.dir.join(format!("newsletter-n{members}"));
        let mut result = SizeResult {
            articles: 20,
            title: Some(format!(
                "Newsletter, {} members",
                crate::markdown::thousands(members as f64)
            )),
            ..SizeResult::default()
        };
        if let Err(why) = &self.tools["postfix"] {
            bail!("smtp-sink and smtp-source are missing: {why}");
        }
        let corpus = Corpus::new(20, self.seed);
        corpus.write_byline(&dir.join("corpus"))?;
        let data = dir.join("data");
        self.byline.import(&dir.join("corpus"), &data)?;
        let slug = corpus.sample().slug;
        self.byline.cli(
            &data,
            &[
                "newsletter",
                "create",
                "Bench dispatch",
                "--slug",
                "bench-dispatch",
                "--sender-name",
                "The Bench Review",
                "--sender-email",
                "desk@bench.example",
                "--default",
            ],
        )?;
        let csv = dir.join("members.csv");
        members_csv(members, &csv)?;
        eprintln!("[newsletter] byline members import ({members} members)");
        let started = Instant::now();
        self.byline.cli(&data, &["members", "import", &csv.to_string_lossy()])?;
        result.notes.push(format!(
            "`byline members import` of the {members} members took {:.1} s.",
            started.elapsed().as_secs_f64()
        ));

        // The probe: the article to the one labelled member, into a dump, for the size.
        // smtp-sink writes it as `nobody`.
        let probe = dir.join("probe");
        std::fs::create_dir_all(&probe)?;
        std::fs::set_permissions(&probe, std::os::unix::fs::PermissionsExt::from_mode(0o777))?;
        let dump = probe.join("probe.dump");
        let size = {
            let mut sink = Sink::start(Some(&dump))?;
            let mut server = self.serve_mail(&data, &sink, &dir.join("byline-probe.log"))?;
            let send = ["newsletter", "send", "--article", &slug, "--newsletter", "bench-dispatch"];
            self.byline.cli(&data, &[&send[..], &["--segment", "label:probe"]].concat())?;
            sink.wait_for(1, Instant::now(), &mut server)?;
            server.stop(Duration::from_secs(10));
            std::fs::metadata(&dump)?.len()
        };
        let mut sink = Sink::start(None)?;
        let mut server = self.serve_mail(&data, &sink, &dir.join("byline-send.log"))?;
        let article = format!("/articles/{slug}/");
        server.wait_for_200(&article, Duration::from_secs(60))?;
        let idle = self.wrk_row(server.addr, &article, "Byline, cache on, idle", &mut result);

        eprintln!("[newsletter] byline newsletter send: {members} recipients");
        let sampler = RssSampler::start(server.pid());
        let before = sink.count();
        let started = Instant::now();
        self.byline.cli(
            &data,
            &["newsletter", "send", "--article", &slug, "--newsletter", "bench-dispatch"],
        )?;
        let total = before + members as u64;
        // Load the article once the send is under way.
        sink.wait_for(before + (members as u64 / 100).max(1), started, &mut server)?;
        let during =
            self.wrk_row(server.addr, &article, "Byline, cache on, during the send", &mut result);
        let overlapped = sink.count() < total;
        let sent = sink.wait_for(total, started, &mut server);
        let peak = sampler.stop() as f64 / MB;
        server.stop(Duration::from_secs(10));
        let sent = sent?;
        let rate = members as f64 / sent.as_secs_f64();
        eprintln!("[newsletter] smtp-source: {members} messages of {size} bytes");
        let reference =
            smtp_source(sink.addr, members as u64, size, &sink).map_err(|e| format!("{e:#}"));
        drop(sink);

        let m = &mut result.measures;
        m.push(Measure::new(
            "Newsletter send to an SMTP sink",
            "messages/s",
            Ok(rate),
            &format!("smtp-source, {CONNECTIONS} connections"),
            reference,
            Some(Bound::RatioAtLeast(0.5)),
        ));
        m.push(Measure::new(
            "Resident memory of the sending node during the send",
            "MB",
            Ok(peak),
            "—",
            Err("no reference: the target is a size".into()),
            Some(Bound::ValueAtMost(100.0)),
        ));
        m.push(Measure::new(
            "Cached article during the send",
            "req/s",
            during,
            "the same node idle",
            idle,
            Some(Bound::RatioAtLeast(0.5)),
        ));
        result.notes.push(format!(
            "Byline sent {members} messages in {:.1} s over {CONNECTIONS} SMTP connections \
             (`newsletter_concurrency`); a message was {size} bytes as the sink stored it, and \
             smtp-source sent messages of that size over {CONNECTIONS} connections it kept open \
             (`-d`).{}",
            sent.as_secs_f64(),
            if overlapped {
                ""
            } else {
                " The send ended before the load did: the \"during\" figure is partly idle."
            }
        ));
        let _ = std::fs::remove_dir_all(&dir);
        Ok(result)
    }

    /// `byline serve` (cache on) delivering newsletters to `sink`.
    fn serve_mail(
        &self,
        data: &Path,
        sink: &Sink,
        log: &Path,
    ) -> anyhow::Result<crate::process::Server> {
        let port = sink.addr.port().to_string();
        let conns = CONNECTIONS.to_string();
        let settings = [
            ("SMTP_HOST", "127.0.0.1"),
            ("SMTP_PORT", port.as_str()),
            ("SMTP_TLS", "none"),
            ("SMTP_FROM", "The Bench Review <desk@bench.example>"),
            ("NEWSLETTER_CONCURRENCY", conns.as_str()),
        ];
        let mut server = self.byline.serve_with(data, true, &settings, log)?;
        server.wait_for_200("/", Duration::from_secs(60))?;
        Ok(server)
    }

    /// wrk on `path`, as a row of the table; requests/s, or why not.
    fn wrk_row(&self, addr: SocketAddr, path: &str, name: &str, result: &mut SizeResult) -> Value {
        let load = match &self.tools["wrk"] {
            Ok(_) => wrk::measure_with(&self.load, addr, path, None).map_err(|e| format!("{e:#}")),
            Err(why) => Err(why.clone()),
        };
        let rps = wrk::rps(&load);
        result.loads.push(LoadRow {
            server: name.to_owned(),
            page: format!("article `{path}`"),
            result: load,
            peak_rss_mb: None,
        });
        rps
    }
}
