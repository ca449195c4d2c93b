//! A real Ghost 5 for tests, installed from npm as the benchmark harness installs it (the
//! `ghost` package with its production dependencies, no ghost-cli; `.ci/run` does it into
//! `target/ghost` and sets `BYLINE_TEST_GHOST_DIR`): started in production mode on SQLite
//! with a content folder of its own, the owner set up, and its Admin API spoken over a small
//! HTTP/1.1 client.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The installed Ghost (`$BYLINE_TEST_GHOST_DIR/app`), or why there is none. Under CI a
/// missing Ghost fails the test.
pub fn installed() -> Option<PathBuf> {
    let dir = std::env::var_os("BYLINE_TEST_GHOST_DIR").map(PathBuf::from);
    let app = dir.map(|d| d.join("app")).filter(|a| a.join("index.js").is_file());
    if app.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI is set but BYLINE_TEST_GHOST_DIR names no Ghost install (see .ci/run)"
        );
        eprintln!("note: BYLINE_TEST_GHOST_DIR is not set; the Ghost round trip is not tested");
    }
    app
}

pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }
}

/// One request per connection; bodies by length, chunks or close.
pub fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> std::io::Result<Response> {
    let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(5))?;
    s.set_read_timeout(Some(Duration::from_secs(300)))?;
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    s.write_all(head.as_bytes())?;
    s.write_all(body)?;
    let mut r = BufReader::new(s);
    let mut line = String::new();
    r.read_line(&mut line)?;
    let status = line.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let mut headers = Vec::new();
    loop {
        line.clear();
        if r.read_line(&mut line)? == 0 || line.trim_end().is_empty() {
            break;
        }
        if let Some((k, v)) = line.trim_end().split_once(':') {
            headers.push((k.trim().to_ascii_lowercase(), v.trim().to_owned()));
        }
    }
    let header = |n: &str| headers.iter().find(|(k, _)| k == n).map(|(_, v)| v.clone());
    let mut body = Vec::new();
    if header("transfer-encoding").is_some_and(|v| v.contains("chunked")) {
        loop {
            line.clear();
            r.read_line(&mut line)?;
            let size = usize::from_str_radix(line.trim().split(';').next().unwrap_or("0"), 16)
                .unwrap_or(0);
            if size == 0 {
                break;
            }
            let start = body.len();
            body.resize(start + size, 0);
            r.read_exact(&mut body[start..])?;
            line.clear();
            r.read_line(&mut line)?;
        }
    } else if let Some(len) = header("content-length").and_then(|v| v.parse().ok()) {
        body = vec![0; len];
        r.read_exact(&mut body)?;
    } else {
        r.read_to_end(&mut body)?;
    }
    Ok(Response { status, headers, body })
}

/// A running Ghost; stopped when dropped.
pub struct Ghost {
    pub addr: SocketAddr,
    child: Child,
    pub log: PathBuf,
    cookie: String,
}

const EMAIL: &str = "owner@example.org";
/// Ghost refuses passwords it finds weak.
const PASSWORD: &str = "Qx7!vTr2#mPz9LwB";

impl Ghost {
    /// Starts Ghost on a fresh content folder in `dir`, waits for its first 200 and sets up
    /// the owner.
    pub fn start(app: &Path, dir: &Path) -> Ghost {
        let content = dir.join("content");
        for sub in ["data", "images", "media", "files", "logs", "settings", "adapters", "public"] {
            std::fs::create_dir_all(content.join(sub)).unwrap();
        }
        copy_dir(&app.join("content/themes"), &content.join("themes"));
        let addr = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
        let log = dir.join("ghost.log");
        let out = std::fs::File::create(&log).unwrap();
        let child = Command::new("node")
            .arg("index.js")
            .current_dir(app)
            .env("NODE_ENV", "production")
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
            .env("mail__transport", "stub")
            .stdin(Stdio::null())
            .stdout(out.try_clone().unwrap())
            .stderr(out)
            .spawn()
            .expect("node runs Ghost");
        let mut g = Ghost { addr, child, log, cookie: String::new() };
        let started = Instant::now();
        loop {
            if request(addr, "GET", "/", &[], &[]).is_ok_and(|r| r.status == 200) {
                break;
            }
            if let Ok(Some(status)) = g.child.try_wait() {
                panic!("Ghost exited ({status}): {}", g.log_tail());
            }
            assert!(
                started.elapsed() < Duration::from_secs(600),
                "Ghost did not start: {}",
                g.log_tail()
            );
            std::thread::sleep(Duration::from_millis(200));
        }
        g.sign_in();
        g
    }

    /// The last lines of Ghost's output and of the error log it keeps in its content folder
    /// (where the importer's validation errors go).
    pub fn log_tail(&self) -> String {
        let mut text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let logs = self.log.with_file_name("content").join("logs");
        for e in std::fs::read_dir(logs).into_iter().flatten().flatten() {
            if e.file_name().to_string_lossy().ends_with(".error.log") {
                text.push_str(&std::fs::read_to_string(e.path()).unwrap_or_default());
            }
        }
        text.lines()
            .rev()
            .take(30)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect::<Vec<_>>()
            .join("\n")
    }

    fn origin(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn sign_in(&mut self) {
        let setup = serde_json::json!({"setup": [{
            "name": "Owner", "email": EMAIL, "password": PASSWORD, "blogTitle": "Round Trip"
        }]});
        let origin = self.origin();
        let json = [("Content-Type", "application/json"), ("Origin", origin.as_str())];
        let r = request(
            self.addr,
            "POST",
            "/ghost/api/admin/authentication/setup/",
            &json,
            setup.to_string().as_bytes(),
        )
        .unwrap();
        assert!(r.status < 300, "setup: {} {}", r.status, r.text());
        let login = serde_json::json!({"username": EMAIL, "password": PASSWORD});
        let r = request(
            self.addr,
            "POST",
            "/ghost/api/admin/session/",
            &json,
            login.to_string().as_bytes(),
        )
        .unwrap();
        assert!(r.status < 300, "sign-in: {} {}", r.status, r.text());
        self.cookie = r
            .headers
            .iter()
            .filter(|(k, _)| k == "set-cookie")
            .find_map(|(_, v)| {
                v.starts_with("ghost-admin-api-session=")
                    .then(|| v.split(';').next().unwrap().to_owned())
            })
            .expect("a session cookie");
    }

    /// Uploads a JSON file to "Import content" (`POST /ghost/api/admin/db/`).
    pub fn import(&self, file_name: &str, json: &[u8]) -> Response {
        let boundary = "----byline-test-boundary-Zq81";
        let mut body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"importfile\"; filename=\"{file_name}\"\r\nContent-Type: application/json\r\n\r\n"
        )
        .into_bytes();
        body.extend_from_slice(json);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let ct = format!("multipart/form-data; boundary={boundary}");
        let origin = self.origin();
        let headers = [
            ("Content-Type", ct.as_str()),
            ("Origin", origin.as_str()),
            ("Cookie", self.cookie.as_str()),
        ];
        request(self.addr, "POST", "/ghost/api/admin/db/", &headers, &body).unwrap()
    }

    /// A GET on the Admin API as the owner.
    pub fn admin(&self, path: &str) -> serde_json::Value {
        let origin = self.origin();
        let headers = [("Origin", origin.as_str()), ("Cookie", self.cookie.as_str())];
        let r =
            request(self.addr, "GET", &format!("/ghost/api/admin/{path}"), &headers, &[]).unwrap();
        assert_eq!(r.status, 200, "{path}: {}", r.text());
        r.json()
    }
}

impl Drop for Ghost {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap_or_else(|e| panic!("{from:?}: {e}")) {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}
