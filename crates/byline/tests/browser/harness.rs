//! What the browser tests stand on: a real `byline serve` on a free port with the demo
//! publication, Debian's chromium driven through chromedriver (never a downloaded driver),
//! and the owner's setup link read from the server's output.
//!
//! Without chromedriver the tests print "browser not tested" and pass, except under CI
//! (`CI` set), where a missing browser fails them: .ci/run installs it and refuses a run that
//! printed the skip line.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use thirtyfour::prelude::*;

pub struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

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

/// chromedriver and chromium, or `None` (with the reason printed) when this machine has none.
pub fn browser_binaries() -> Option<(PathBuf, PathBuf)> {
    let driver = std::env::var_os("BYLINE_CHROMEDRIVER")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromedriver"));
    let chromium = std::env::var_os("BYLINE_CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    if driver.exists() && chromium.exists() {
        return Some((driver, chromium));
    }
    let why = format!(
        "no {} or {}; install Debian's chromium and chromium-driver",
        driver.display(),
        chromium.display()
    );
    if std::env::var_os("CI").is_some() {
        panic!("the browser tests cannot run in CI: {why}");
    }
    eprintln!("note: browser not tested: {why}");
    None
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A running publication.
pub struct Site {
    _server: Killed,
    pub base: String,
    pub setup_link: String,
    pub dir: tempfile::TempDir,
}

impl Site {
    /// `byline serve` with the demo content and no staff yet.
    pub fn start() -> Site {
        Site::start_with(&[])
    }

    /// [`Site::start`] with these settings in the environment (`BYLINE_SMTP_HOST`, …).
    pub fn start_with(env: &[(&str, &str)]) -> Site {
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let base = format!("http://127.0.0.1:{port}");
        let mut child = byline(dir.path())
            .envs(env.iter().copied())
            .args(["serve", "--bind", &format!("127.0.0.1:{port}"), "--data", "site"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("byline serve starts");
        let stdout = child.stdout.take().unwrap();
        let server = Killed(child);
        let mut lines = BufReader::new(stdout).lines();
        let mut setup_link = None;
        for _ in 0..4 {
            let Some(Ok(line)) = lines.next() else { break };
            if let Some(i) = line.find("/admin/setup?token=") {
                setup_link = Some(format!("{base}{}", line[i..].trim()));
                break;
            }
        }
        // Keep reading so the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Site {
            _server: server,
            base,
            setup_link: setup_link.expect("serve prints the owner's setup link"),
            dir,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn data(&self) -> PathBuf {
        self.dir.path().join("site")
    }

    /// Imports one Markdown article, `text`, as `{folder}/posts/{slug}.md`.
    pub fn import_article(&self, folder: &str, slug: &str, text: &str) {
        let posts = self.dir.path().join(folder).join("posts");
        std::fs::create_dir_all(&posts).unwrap();
        std::fs::write(posts.join(format!("{slug}.md")), text).unwrap();
        let out = byline(self.dir.path())
            .args(["import", "markdown", folder, "--data", "site"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }

    /// Adds a staff account with `byline user add`, the password typed at its prompt.
    pub fn add_staff(&self, email: &str, name: &str, role: &str, password: &str) {
        use std::io::Write;
        let mut add = byline(self.dir.path())
            .args(["user", "add", "--email", email, "--name", name])
            .args(["--role", role, "--data", "site"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        add.stdin.take().unwrap().write_all(format!("{password}\n").as_bytes()).unwrap();
        assert!(add.wait().unwrap().success(), "the {role}'s account");
    }
}

/// A headless chromium session.
pub struct Browser {
    pub web: WebDriver,
    _driver: Killed,
    _profile: tempfile::TempDir,
}

impl Browser {
    pub async fn start(driver: &Path, chromium: &Path) -> Browser {
        let port = free_port();
        let child = Command::new(driver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let killed = Killed(child);
        let profile = tempfile::tempdir().unwrap();
        let mut caps = DesiredCapabilities::chrome();
        caps.set_binary(&chromium.to_string_lossy()).unwrap();
        for arg in [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--window-size=1280,1500",
            &format!("--user-data-dir={}", profile.path().display()),
        ] {
            caps.add_arg(arg).unwrap();
        }
        let url = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(20);
        let web = loop {
            match WebDriver::new(&url, caps.clone()).await {
                Ok(w) => break w,
                Err(e) if Instant::now() > deadline => panic!("chromedriver did not answer: {e}"),
                Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
            }
        };
        Browser { web, _driver: killed, _profile: profile }
    }

    pub async fn goto(&self, url: &str) {
        self.web.goto(url).await.unwrap_or_else(|e| panic!("cannot open {url}: {e}"));
    }

    pub async fn fill(&self, css: &str, text: &str) {
        let el = self.web.find(By::Css(css)).await.unwrap_or_else(|e| panic!("no {css}: {e}"));
        el.clear().await.unwrap();
        el.send_keys(text).await.unwrap();
    }

    /// Clicks `css`, scrolled to the middle of the window first as a reader would (at once:
    /// the theme scrolls smoothly, and the driver would click where the element was).
    pub async fn click(&self, css: &str) {
        let el = self.web.find(By::Css(css)).await.unwrap_or_else(|e| panic!("no {css}: {e}"));
        let scroll = "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});";
        self.web.execute(scroll, vec![el.to_json().unwrap()]).await.unwrap();
        el.click().await.unwrap_or_else(|e| panic!("cannot click {css}: {e}"));
    }

    pub async fn text(&self, css: &str) -> String {
        match self.web.find(By::Css(css)).await {
            Ok(el) => el.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        }
    }

    /// Runs a script in the page and returns what it returns (a promise's value, once
    /// settled).
    pub async fn eval(&self, script: &str, args: Vec<serde_json::Value>) -> serde_json::Value {
        self.web
            .execute(script, args)
            .await
            .unwrap_or_else(|e| panic!("{script}: {e}"))
            .json()
            .clone()
    }

    /// Narrows the window to a phone's width (390 px, an iPhone's) and checks the page sees it.
    pub async fn phone(&self) {
        self.web.set_window_rect(0, 0, 390, 844).await.unwrap();
        let width = self.eval("return window.innerWidth;", vec![]).await;
        assert_eq!(width, serde_json::json!(390), "the window is a phone's width");
    }

    pub async fn source(&self) -> String {
        self.web.source().await.unwrap_or_default()
    }

    pub async fn path(&self) -> String {
        let u = self.web.current_url().await.unwrap();
        match u.query() {
            Some(q) => format!("{}?{q}", u.path()),
            None => u.path().to_owned(),
        }
    }

    /// Waits (up to `secs`) until `check` holds for the page's source.
    pub async fn wait_for(&self, secs: u64, what: &str, check: impl Fn(&str) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            if check(&self.source().await) {
                return;
            }
            if Instant::now() > deadline {
                panic!("waited {secs} s for {what}; the page is:\n{}", self.source().await);
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }

    /// Saves a screenshot under docs/screenshots/ (kept in the repository, shown in the
    /// README), when BYLINE_SCREENSHOTS is set.
    pub async fn screenshot(&self, name: &str) {
        if std::env::var_os("BYLINE_SCREENSHOTS").is_none() {
            return;
        }
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/screenshots");
        std::fs::create_dir_all(&dir).unwrap();
        self.web.screenshot(&dir.join(format!("{name}.png"))).await.unwrap();
    }

    pub async fn sign_in(&self, site: &Site, email: &str, password: &str) {
        self.goto(&site.url("/admin/signin")).await;
        self.fill("#email", email).await;
        self.fill("#password", password).await;
        self.click("form[action='/admin/signin'] button[type=submit]").await;
        self.wait_for(10, "the dashboard", |s| s.contains("<h1>Dashboard</h1>")).await;
    }

    pub async fn sign_out(&self) {
        self.click("form[action='/admin/signout'] button").await;
        self.wait_for(10, "the sign-in page", |s| s.contains("<h1>Sign in</h1>")).await;
    }
}
