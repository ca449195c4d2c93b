//! Slow and idle connections against the real binary, under the common 1,024 open-file
//! limit (set for the child with util-linux's `prlimit`).

use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const SLOW: usize = 1_100;

struct Server {
    child: Child,
    log: PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

/// `byline serve` under `prlimit --nofile=<nofile>`, with the given settings.
fn serve(dir: &Path, nofile: &str, env: &[(&str, &str)]) -> Option<(Server, String)> {
    if Command::new("prlimit").arg("--version").output().is_err() {
        let why = "prlimit (util-linux) is not installed; slow connections not tested";
        assert!(std::env::var("CI").as_deref() != Ok("true"), "{why}");
        eprintln!("note: {why}");
        return None;
    }
    let mut c = Command::new("prlimit");
    c.arg(format!("--nofile={nofile}")).arg(env!("CARGO_BIN_EXE_byline"));
    c.args(["serve", "--bind", "127.0.0.1:0", "--data", "site", "--no-demo", "--workers", "0"]);
    c.current_dir(dir);
    for (k, _) in std::env::vars() {
        if k.starts_with("BYLINE_") {
            c.env_remove(k);
        }
    }
    c.env("RUST_LOG", "warn");
    c.envs(env.iter().copied());
    let log = dir.join("stderr.log");
    let mut child =
        c.stdout(Stdio::piped()).stderr(std::fs::File::create(&log).unwrap()).spawn().unwrap();
    let stdout = child.stdout.take().unwrap();
    let server = Server { child, log };
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).unwrap();
    let addr = line
        .split("listening on ")
        .nth(1)
        .and_then(|r| r.split(';').next())
        .unwrap_or_else(|| panic!("no address in {line:?}; log: {}", server.log()));
    Some((server, addr.to_owned()))
}

/// This test process holds the slow sockets itself, so it needs room for them.
fn room_for_sockets() {
    let got = rlimit::increase_nofile_limit(u64::MAX).unwrap();
    assert!(
        got >= 2 * SLOW as u64 + 256,
        "this test needs an open-file limit of at least {} (ulimit -Hn is {got})",
        2 * SLOW + 256
    );
}

/// Opens sockets that send half a request's head and then say nothing.
fn slow_sockets(addr: &str) -> Vec<TcpStream> {
    (0..SLOW)
        .map(|i| {
            let mut s = TcpStream::connect(addr)
                .unwrap_or_else(|e| panic!("slow socket {i} cannot connect: {e}"));
            s.write_all(b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ").unwrap();
            s
        })
        .collect()
}

fn get(addr: &str, path: &str) -> String {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    write!(s, "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").unwrap();
    let mut out = String::new();
    match s.read_to_string(&mut out) {
        Ok(_) => out,
        Err(e) => panic!("GET {path} got no answer while slow sockets were open: {e}"),
    }
}

/// Every socket is closed by the server (end of file or a reset), not left hanging.
fn all_closed(sockets: Vec<TcpStream>) {
    for (i, mut s) in sockets.into_iter().enumerate() {
        s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
        let mut sink = Vec::new();
        match s.read_to_end(&mut sink) {
            Ok(_) => {}
            Err(e) if e.kind() == ErrorKind::ConnectionReset => {}
            Err(e) => panic!("slow socket {i} was not closed by the server: {e}"),
        }
    }
}

#[test]
fn slow_sockets_under_a_1024_soft_limit_do_not_take_the_site_down() {
    room_for_sockets();
    let dir = tempfile::tempdir().unwrap();
    let env = [("BYLINE_HEADER_TIMEOUT_SECS", "10")];
    let Some((server, addr)) = serve(dir.path(), "1024:4096", &env) else { return };
    let slow = slow_sockets(&addr);
    // The server accepts in order, so this request comes after every slow socket; it is
    // answered while they hang only if the server raised its soft limit to the hard one.
    let home = get(&addr, "/healthz");
    assert!(home.starts_with("HTTP/1.1 200"), "{home}\nlog: {}", server.log());
    all_closed(slow);
    assert!(!server.log().contains("out of file descriptors"), "{}", server.log());
}

#[test]
fn at_a_hard_1024_limit_the_cap_holds_and_the_header_timeout_frees_room() {
    room_for_sockets();
    let dir = tempfile::tempdir().unwrap();
    let env = [("BYLINE_HEADER_TIMEOUT_SECS", "10")];
    let Some((server, addr)) = serve(dir.path(), "1024:1024", &env) else { return };
    let slow = slow_sockets(&addr);
    let home = get(&addr, "/healthz");
    assert!(home.starts_with("HTTP/1.1 200"), "{home}\nlog: {}", server.log());
    all_closed(slow);
    let log = server.log();
    assert!(log.contains("leaves room for"), "the lowered cap is logged: {log}");
    assert!(log.contains("connection cap reached"), "reaching the cap is logged: {log}");
    assert_eq!(log.matches("connection cap reached").count(), 1, "rate-limited: {log}");
    assert!(!log.contains("out of file descriptors"), "the cap kept accept() in bounds: {log}");
}

#[test]
fn idle_keep_alive_and_http2_connections_are_closed() {
    let dir = tempfile::tempdir().unwrap();
    let env = [("BYLINE_HEADER_TIMEOUT_SECS", "1"), ("BYLINE_IDLE_TIMEOUT_SECS", "1")];
    let Some((_server, addr)) = serve(dir.path(), "1024:4096", &env) else { return };

    // HTTP/1.1 keep-alive: answered, then closed once idle.
    let mut s = TcpStream::connect(&addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    let mut out = Vec::new();
    s.read_to_end(&mut out).expect("an idle keep-alive connection is closed");
    assert!(String::from_utf8_lossy(&out).starts_with("HTTP/1.1 200"));

    // HTTP/2 with prior knowledge, then silence: GOAWAY, then closed.
    let mut s = TcpStream::connect(&addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    s.write_all(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n").unwrap();
    s.write_all(&[0, 0, 0, 4, 0, 0, 0, 0, 0]).unwrap(); // an empty SETTINGS frame
    let mut frames = Vec::new();
    match s.read_to_end(&mut frames) {
        Ok(_) => {}
        Err(e) if e.kind() == ErrorKind::ConnectionReset => {}
        Err(e) => panic!("an idle HTTP/2 connection was not closed: {e}"),
    }
    assert!(frame_types(&frames).contains(&7), "a GOAWAY frame before closing: {frames:?}");
}

/// The types of the HTTP/2 frames in `bytes` (9-byte headers, 24-bit lengths).
fn frame_types(mut bytes: &[u8]) -> Vec<u8> {
    let mut types = Vec::new();
    while bytes.len() >= 9 {
        let len = usize::from(bytes[0]) << 16 | usize::from(bytes[1]) << 8 | usize::from(bytes[2]);
        types.push(bytes[3]);
        bytes = &bytes[(9 + len).min(bytes.len())..];
    }
    types
}
