//! What the process-level suites (crash trials, load, the XSS corpus) stand on: `byline`
//! run as a child on SQLite or on a fresh PostgreSQL database, and a small HTTP/1.1
//! client over a plain socket, so a test sees exactly what a client on the network sees.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The byline binary, run in `dir` with none of the test run's own `BYLINE_*` variables
/// (they would be read as settings).
pub fn byline(dir: &Path) -> Command {
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

/// Which database a publication lives in: SQLite under `--data`, or a PostgreSQL database
/// made for this test.
#[derive(Clone, Debug)]
pub enum Db {
    Sqlite,
    Postgres(String),
}

impl Db {
    /// SQLite, then PostgreSQL when `BYLINE_TEST_POSTGRES_URL` names a server (required in CI).
    pub fn all() -> Vec<Db> {
        let mut out = vec![Db::Sqlite];
        match std::env::var("BYLINE_TEST_POSTGRES_URL") {
            Ok(url) if !url.trim().is_empty() => out.push(Db::Postgres(url)),
            _ if std::env::var_os("CI").is_some() => {
                panic!("CI is set but BYLINE_TEST_POSTGRES_URL is not: PostgreSQL would be skipped")
            }
            _ => eprintln!("note: BYLINE_TEST_POSTGRES_URL is not set; PostgreSQL not tested"),
        }
        out
    }

    pub fn name(&self) -> &'static str {
        match self {
            Db::Sqlite => "SQLite",
            Db::Postgres(_) => "PostgreSQL",
        }
    }
}

/// A publication's folder and database, with the flags every `byline` command needs to open it.
pub struct Publication {
    pub dir: tempfile::TempDir,
    pub database_url: Option<String>,
}

impl Publication {
    /// A new, empty publication on `db` (a PostgreSQL database is created for it).
    pub fn new(db: &Db) -> Publication {
        let dir = tempfile::tempdir().unwrap();
        let database_url = match db {
            Db::Sqlite => None,
            Db::Postgres(server) => Some(fresh_postgres(server)),
        };
        Publication { dir, database_url }
    }

    pub fn args(&self) -> Vec<String> {
        let mut a = vec!["--data".to_owned(), "site".to_owned()];
        if let Some(url) = &self.database_url {
            a.push("--database-url".into());
            a.push(url.clone());
        }
        a
    }

    pub fn data(&self) -> PathBuf {
        self.dir.path().join("site")
    }

    /// Runs `byline <args> <publication flags>` to the end; panics unless it succeeds.
    pub fn run(&self, args: &[&str]) -> String {
        let out = byline(self.dir.path()).args(args).args(self.args()).output().unwrap();
        assert!(
            out.status.success(),
            "byline {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// An Admin API token with this role.
    pub fn token(&self, role: &str) -> String {
        self.run(&["token", "create", "--name", "suite", "--role", role]).trim().to_owned()
    }

    /// `byline serve` on a free port with these extra arguments and settings.
    pub fn serve(&self, extra: &[&str], env: &[(&str, &str)]) -> Server {
        static RUNS: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let run = RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let log = self.dir.path().join(format!("serve-{run}.log"));
        let mut child = byline(self.dir.path())
            .args(["serve", "--bind", "127.0.0.1:0"])
            .args(self.args())
            .args(extra)
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .expect("byline serve starts");
        let stdout = child.stdout.take().unwrap();
        let mut lines = BufReader::new(stdout).lines();
        let mut addr = None;
        for _ in 0..4 {
            let Some(Ok(line)) = lines.next() else { break };
            if let Some(rest) = line.split("listening on ").nth(1) {
                addr = rest.split(';').next().map(str::to_owned);
                break;
            }
        }
        std::thread::spawn(move || for _ in lines {});
        let server = Server { child, addr: addr.unwrap_or_default(), log };
        assert!(!server.addr.is_empty(), "serve printed no address; log: {}", server.log());
        server
    }
}

/// A database of its own on the PostgreSQL server `server` names; its URL.
pub fn fresh_postgres(server: &str) -> String {
    static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap();
    let name = format!("byline_test_p{}_{}_{n}", std::process::id(), nanos.subsec_nanos());
    let out = Command::new("psql")
        .arg(server)
        .args(["-qAtc", &format!("CREATE DATABASE {name}")])
        .output()
        .expect("psql is installed");
    assert!(out.status.success(), "CREATE DATABASE: {}", String::from_utf8_lossy(&out.stderr));
    let mut url = url::Url::parse(server).expect("BYLINE_TEST_POSTGRES_URL is a URL");
    url.set_path(&name);
    url.to_string()
}

/// Runs one SQL statement with psql; its rows as `|`-separated lines.
pub fn psql(url: &str, sql: &str) -> String {
    let out = Command::new("psql").arg(url).args(["-qAtc", sql]).output().unwrap();
    assert!(out.status.success(), "{sql}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// A running `byline serve`, killed when dropped.
pub struct Server {
    pub child: Child,
    pub addr: String,
    pub log: PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// SIGKILL, and wait for the process to be gone.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

/// An HTTP answer: status, head and body.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub head: String,
    pub body: String,
}

impl Answer {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {} {}", self.status, self.body))
    }
}

/// One request on a new connection (`Connection: close`); `Err` when the connection fails
/// or the answer is cut short (a killed server).
pub fn request(
    addr: &str,
    method: &str,
    path: &str,
    token: Option<&str>,
    json: Option<&serde_json::Value>,
) -> std::io::Result<Answer> {
    let bearer = token.map(|t| format!("Bearer {t}"));
    let headers: Vec<(&str, &str)> =
        bearer.as_deref().map(|b| ("Authorization", b)).into_iter().collect();
    let body = json.map(|j| j.to_string());
    request_with(addr, method, path, &headers, body.as_deref().map(|b| ("application/json", b)))
}

/// One request with these `headers` and a `(content type, body)`, on a connection of its own.
pub fn request_with(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<(&str, &str)>,
) -> std::io::Result<Answer> {
    let mut s = TcpStream::connect(addr)?;
    s.set_read_timeout(Some(Duration::from_secs(60)))?;
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    if let Some((kind, body)) = body {
        head.push_str(&format!("Content-Type: {kind}\r\nContent-Length: {}\r\n", body.len()));
    }
    head.push_str("\r\n");
    s.write_all(head.as_bytes())?;
    s.write_all(body.map(|(_, b)| b).unwrap_or_default().as_bytes())?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw)?;
    parse_answer(&raw)
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "a cut answer"))
}

/// Status, head and (de-chunked) body of a whole HTTP/1.1 answer, or `None` when incomplete.
pub fn parse_answer(raw: &[u8]) -> Option<Answer> {
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let status = head.split(' ').nth(1)?.parse().ok()?;
    let rest = &raw[split + 4..];
    let lower = head.to_ascii_lowercase();
    let body = if lower.contains("transfer-encoding: chunked") {
        let mut out = Vec::new();
        let mut at = rest;
        loop {
            let line_end = at.windows(2).position(|w| w == b"\r\n")?;
            let size = usize::from_str_radix(
                String::from_utf8_lossy(&at[..line_end]).split(';').next()?.trim(),
                16,
            )
            .ok()?;
            at = &at[line_end + 2..];
            if size == 0 {
                break;
            }
            out.extend_from_slice(at.get(..size)?);
            at = at.get(size + 2..)?;
        }
        out
    } else if let Some(len) = lower
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse::<usize>().ok())
    {
        rest.get(..len)?.to_vec()
    } else {
        rest.to_vec()
    };
    Some(Answer { status, head, body: String::from_utf8_lossy(&body).into_owned() })
}

/// Waits until the server answers `/healthz`.
pub fn wait_healthy(addr: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(a) = request(addr, "GET", "/healthz", None, None)
            && a.status == 200
        {
            return;
        }
        assert!(Instant::now() < deadline, "the server at {addr} did not become healthy");
        std::thread::sleep(Duration::from_millis(50));
    }
}
