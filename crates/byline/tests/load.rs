//! Load: 5,000 keep-alive connections open at once against a real `byline serve` on
//! loopback, each answered twice on the same connection, with no error and the server's
//! resident memory within a bound (read from /proc/PID/status). The slow-loris case lives in
//! connections.rs.

mod proc;

use proc::{Db, Publication, wait_healthy};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::Barrier;

const CONNECTIONS: usize = 5_000;
/// What the server may hold at the peak, in MiB: 5,000 connections with their buffers, the
/// page cache (16 MiB by default) and the database pool.
const PEAK_RSS_MIB: u64 = 400;

/// The server's resident memory in KiB (VmRSS).
fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS in /proc/PID/status")
}

/// Reads one whole HTTP/1.1 answer (Content-Length or chunked) from a kept-alive connection.
async fn read_answer(s: &mut TcpStream, buf: &mut Vec<u8>) -> Result<u16, String> {
    buf.clear();
    let mut chunk = [0u8; 16 * 1024];
    loop {
        if let Some(end) = answer_end(buf) {
            let status = std::str::from_utf8(&buf[9..12]).unwrap_or("0").parse().unwrap_or(0);
            buf.drain(..end);
            return Ok(status);
        }
        let n = s.read(&mut chunk).await.map_err(|e| format!("read: {e}"))?;
        if n == 0 {
            return Err(format!("closed after {} bytes", buf.len()));
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

/// Where the first complete answer in `buf` ends, if it is all there.
fn answer_end(buf: &[u8]) -> Option<usize> {
    let head = buf.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
    let lower = String::from_utf8_lossy(&buf[..head]).to_ascii_lowercase();
    if let Some(len) = lower.lines().find_map(|l| l.strip_prefix("content-length:")) {
        let len: usize = len.trim().parse().ok()?;
        return (buf.len() >= head + len).then_some(head + len);
    }
    if lower.contains("transfer-encoding: chunked") {
        return buf[head - 2..]
            .windows(7)
            .position(|w| w == b"\r\n0\r\n\r\n")
            .map(|p| head + p + 5);
    }
    Some(head)
}

/// One client: connect, ask for `path`, wait for everyone, ask again on the same
/// connection, wait for everyone again (so all are open at once), then close.
async fn client(addr: String, path: &'static str, barrier: Arc<Barrier>) -> Result<(), String> {
    let mut s = TcpStream::connect(&addr).await.map_err(|e| format!("connect: {e}"))?;
    let req = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\n\r\n");
    let mut buf = Vec::new();
    let mut outcome = Ok(());
    for round in 0..2 {
        if outcome.is_ok() {
            outcome = async {
                s.write_all(req.as_bytes())
                    .await
                    .map_err(|e| format!("round {round}: write: {e}"))?;
                match read_answer(&mut s, &mut buf)
                    .await
                    .map_err(|e| format!("round {round}: {e}"))?
                {
                    200 => Ok(()),
                    other => Err(format!("round {round}: status {other}")),
                }
            }
            .await;
        }
        // Every client reaches the barrier, failed or not, so none waits forever.
        barrier.wait().await;
    }
    outcome
}

#[test]
fn five_thousand_keep_alive_connections_get_answers_with_bounded_memory() {
    let limit = rlimit::increase_nofile_limit(u64::MAX).unwrap();
    assert!(
        limit >= 2 * CONNECTIONS as u64 + 512,
        "this test needs an open-file limit of {} (ulimit -Hn is {limit})",
        2 * CONNECTIONS + 512
    );
    let publication = Publication::new(&Db::Sqlite);
    // Clients here wait for all 5,000 before sending again: keep idle connections open that
    // long (the default closes an idle keep-alive connection after 10 s, as it should).
    let env = [("BYLINE_HEADER_TIMEOUT_SECS", "600"), ("BYLINE_IDLE_TIMEOUT_SECS", "600")];
    let server = publication.serve(&["--workers", "0"], &env);
    wait_healthy(&server.addr);
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build();
    let rt = rt.unwrap();
    let before = rss_kib(server.pid());
    let mut peaks = Vec::new();
    for path in ["/", "/", "/articles/belarus-energy-dependence/"] {
        let started = Instant::now();
        let barrier = Arc::new(Barrier::new(CONNECTIONS + 1));
        let tasks: Vec<_> = (0..CONNECTIONS)
            .map(|_| rt.spawn(client(server.addr.clone(), path, barrier.clone())))
            .collect();
        let peak = rt.block_on(async {
            barrier.wait().await; // every first answer is in
            barrier.wait().await; // every second answer is in; all connections still open
            let peak = rss_kib(server.pid());
            let mut errors = Vec::new();
            for t in tasks {
                if let Err(e) = tokio::time::timeout(Duration::from_secs(120), t)
                    .await
                    .expect("a client finished")
                    .expect("a client task ran")
                {
                    errors.push(e);
                }
            }
            assert!(
                errors.is_empty(),
                "{} of {CONNECTIONS} connections failed on {path}, e.g. {:?}\nlog: {}",
                errors.len(),
                &errors[..errors.len().min(5)],
                server.log()
            );
            peak
        });
        eprintln!(
            "{CONNECTIONS} keep-alive connections × 2 requests on {path}: {:.1} s, VmRSS {} → {} MiB",
            started.elapsed().as_secs_f64(),
            before / 1024,
            peak / 1024
        );
        assert!(
            peak / 1024 < PEAK_RSS_MIB,
            "the server held {} MiB with {CONNECTIONS} connections open (bound {PEAK_RSS_MIB})",
            peak / 1024
        );
        peaks.push(peak / 1024);
    }
    // A second wave on the same page needs no more than the first: nothing piles up per
    // connection once it closes.
    assert!(peaks[1] <= peaks[0] + peaks[0] / 4 + 16, "memory grew between waves: {peaks:?} MiB");
    assert!(!server.log().contains("connection cap reached"), "{}", server.log());
}
