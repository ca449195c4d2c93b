//! Search on a running node: `byline serve` builds a missing index in the background (the
//! database answers meanwhile), reopens a built one ready, and `byline search reindex`
//! rebuilds it, refusing with one line while a server holds it.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn byline(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_byline"));
    c.current_dir(dir);
    for (k, _) in std::env::vars() {
        if k.starts_with("BYLINE_") {
            c.env_remove(k);
        }
    }
    c.env("RUST_LOG", "warn");
    c
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn serve(dir: &Path) -> (Server, String) {
    let mut child = byline(dir)
        .args(["serve", "--bind", "127.0.0.1:0", "--data", "site"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let server = Server(child);
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).unwrap();
    let addr = line.split("listening on ").nth(1).and_then(|r| r.split(';').next()).unwrap();
    (server, addr.to_owned())
}

fn get_json(addr: &str, path: &str) -> serde_json::Value {
    let mut s = TcpStream::connect(addr).unwrap();
    write!(s, "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    let body = out.split("\r\n\r\n").nth(1).unwrap_or("");
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {out}"))
}

fn titles(v: &serde_json::Value) -> Vec<String> {
    v["hits"].as_array().unwrap().iter().map(|h| h["title"].as_str().unwrap().to_owned()).collect()
}

#[test]
fn serve_builds_the_index_in_the_background_and_reindex_rebuilds_it() {
    let dir = tempfile::tempdir().unwrap();
    let gold = "Kyrgyzstan's Budget Leans Harder on Gold".to_owned();
    {
        let (_server, addr) = serve(dir.path());
        // The database answers until the index is built; then the index does.
        let deadline = Instant::now() + Duration::from_secs(120);
        let found = loop {
            let v = get_json(&addr, "/api/search?q=gold");
            assert!(titles(&v).contains(&gold), "{v}");
            if v["engine"] == "index" {
                break v;
            }
            assert!(Instant::now() < deadline, "the index was never built");
            std::thread::sleep(Duration::from_millis(200));
        };
        assert!(found["facets"]["authors"].as_array().is_some_and(|a| !a.is_empty()), "{found}");
        assert!(dir.path().join("site/search/meta.json").exists());

        // While the server holds it, reindex refuses in one line.
        let o = byline(dir.path()).args(["search", "reindex", "--data", "site"]).output().unwrap();
        assert!(!o.status.success());
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("in use by another process"), "{err}");
        assert_eq!(err.trim().lines().count(), 1, "{err}");
    }
    let o = byline(dir.path()).args(["search", "reindex", "--data", "site"]).output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    // Every article but the trashed (the newsroom searches drafts too): the demo's 28
    // published ones and its 2 drafts.
    assert!(err.contains("30 articles"), "the demo's articles: {err}");

    // Reopened complete: the index answers from the first search.
    let (_server, addr) = serve(dir.path());
    let v = get_json(&addr, "/api/search?q=gold");
    assert_eq!(v["engine"], "index", "{v}");
    assert!(titles(&v).contains(&gold));
}
