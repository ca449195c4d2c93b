//! The binary as a user runs it.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
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

fn demo_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../demo")
}

fn text(o: &[u8]) -> String {
    String::from_utf8_lossy(o).into_owned()
}

fn fails_with_one_line(o: &Output) -> String {
    assert!(!o.status.success(), "expected failure: {}", text(&o.stdout));
    let err = text(&o.stderr);
    let lines: Vec<_> = err.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "one line, not a backtrace: {err}");
    assert!(!err.contains("panicked"), "{err}");
    err
}

#[test]
fn help_covers_every_command_and_setting() {
    let dir = tempfile::tempdir().unwrap();
    let top = text(&byline(dir.path()).arg("--help").output().unwrap().stdout);
    for word in ["serve", "import", "byline.toml", "BYLINE_"] {
        assert!(top.contains(word), "{word} in {top}");
    }
    let serve = text(&byline(dir.path()).args(["serve", "--help"]).output().unwrap().stdout);
    for flag in
        ["--data", "--database-url", "--bind", "--base-url", "--theme", "--no-demo", "--config"]
    {
        assert!(serve.contains(flag), "{flag} in {serve}");
    }
    let import =
        text(&byline(dir.path()).args(["import", "markdown", "--help"]).output().unwrap().stdout);
    for flag in ["--data", "--database-url", "--config"] {
        assert!(import.contains(flag), "{flag} in {import}");
    }
}

#[test]
fn bad_settings_name_the_key_and_where_it_came_from() {
    let dir = tempfile::tempdir().unwrap();
    let o =
        byline(dir.path()).args(["serve"]).env("BYLINE_BIND", "not-an-address").output().unwrap();
    let err = fails_with_one_line(&o);
    assert!(err.contains("bind") && err.contains("BYLINE_BIND"), "{err}");

    std::fs::write(dir.path().join("byline.toml"), "per_page = \"many\"\n").unwrap();
    let o = byline(dir.path()).args(["serve"]).output().unwrap();
    let err = fails_with_one_line(&o);
    assert!(err.contains("per_page") && err.contains("byline.toml"), "{err}");

    let o = byline(dir.path()).args(["serve"]).env("BYLINE_BNID", "127.0.0.1:1").output().unwrap();
    let err = fails_with_one_line(&o);
    assert!(err.contains("bnid"), "a misspelt variable is named: {err}");

    std::fs::write(dir.path().join("byline.toml"), "bnid = \"127.0.0.1:1\"\n").unwrap();
    let err = fails_with_one_line(&byline(dir.path()).args(["serve"]).output().unwrap());
    assert!(err.contains("bnid"), "unknown keys are named: {err}");
}

#[test]
fn the_test_suite_variable_does_not_upset_the_binary() {
    let dir = tempfile::tempdir().unwrap();
    let o = byline(dir.path())
        .args(["import", "markdown", "nothing-here"])
        .env("BYLINE_TEST_POSTGRES_URL", "postgres://x@127.0.0.1/y")
        .output()
        .unwrap();
    let err = fails_with_one_line(&o);
    assert!(err.contains("nothing-here") && !err.contains("test_postgres_url"), "{err}");
}

#[test]
fn an_unreachable_database_is_one_line_without_the_password() {
    let dir = tempfile::tempdir().unwrap();
    let o = byline(dir.path())
        .args(["serve", "--database-url", "postgres://someone:hunter2@127.0.0.1:1/nothing"])
        .output()
        .unwrap();
    let err = fails_with_one_line(&o);
    assert!(err.contains("cannot connect to the database"), "{err}");
    assert!(!err.contains("hunter2"), "{err}");
}

/// Imports the demo folder twice with the CLI into the given database flags.
fn import_twice(dir: &Path, db_args: &[&str]) {
    let first =
        byline(dir).args(["import", "markdown"]).arg(demo_dir()).args(db_args).output().unwrap();
    assert!(first.status.success(), "{}{}", text(&first.stdout), text(&first.stderr));
    let out = text(&first.stdout);
    assert!(out.lines().any(|l| l.starts_with("articles") && l.contains("30 created")), "{out}");
    let second =
        byline(dir).args(["import", "markdown"]).arg(demo_dir()).args(db_args).output().unwrap();
    let out = text(&second.stdout);
    assert!(
        out.lines().any(|l| l.starts_with("total")
            && l.contains(" 0 created")
            && l.contains(" 0 updated")),
        "{out}"
    );
}

#[test]
fn import_markdown_reports_and_a_second_run_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    import_twice(dir.path(), &["--data", "site"]);
    assert!(dir.path().join("site/byline.db").exists());
}

#[tokio::test]
async fn import_markdown_works_on_postgresql_too() {
    let Some(server) = byline_store::testing::postgres_url() else { return };
    let db = byline_store::testing::postgres(&server).await;
    let dir = tempfile::tempdir().unwrap();
    import_twice(dir.path(), &["--database-url", &db.url]);
}

#[test]
fn import_reports_a_bad_file_and_exits_non_zero() {
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("content");
    std::fs::create_dir_all(&content).unwrap();
    std::fs::write(content.join("good.md"), "---\ntitle: Good\ndate: 2026-01-01\n---\nBody.\n")
        .unwrap();
    std::fs::write(content.join("bad.md"), "---\ntitle: [unclosed\n---\n").unwrap();
    let o = byline(dir.path())
        .args(["import", "markdown", "content", "--data", "site"])
        .output()
        .unwrap();
    assert!(!o.status.success());
    let out = text(&o.stdout);
    assert!(out.contains("error: bad.md:"), "{out}");
    assert!(
        out.lines().any(|l| l.starts_with("articles")
            && l.contains("1 created")
            && l.contains("1 failed")),
        "{out}"
    );
    let o = byline(dir.path())
        .args(["import", "markdown", "missing", "--data", "site"])
        .output()
        .unwrap();
    let err = fails_with_one_line(&o);
    assert!(err.contains("missing"), "{err}");
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `byline serve` on a free port and returns it with its address.
fn serve(dir: &Path, extra: &[&str]) -> (Server, String) {
    let mut child = byline(dir)
        .args(["serve", "--bind", "127.0.0.1:0", "--data", "site"])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let server = Server(child);
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).unwrap();
    let addr = line
        .split("listening on ")
        .nth(1)
        .and_then(|r| r.split(';').next())
        .unwrap_or_else(|| panic!("no address in {line:?}"));
    (server, addr.to_owned())
}

fn http_get(addr: &str, path: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        match TcpStream::connect(addr) {
            Ok(mut s) => {
                write!(s, "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n")
                    .unwrap();
                let mut out = String::new();
                s.read_to_string(&mut out).unwrap();
                return out;
            }
            Err(_) if Instant::now() < deadline => std::thread::yield_now(),
            Err(e) => panic!("cannot reach {addr}: {e}"),
        }
    }
}

#[test]
fn serve_starts_with_the_demo_or_empty() {
    let dir = tempfile::tempdir().unwrap();
    let (_server, addr) = serve(dir.path(), &[]);
    let home = http_get(&addr, "/");
    assert!(home.starts_with("HTTP/1.1 200"), "{home}");
    assert!(home.contains("The Meridian Review"), "the demo is loaded on first start");

    let empty = tempfile::tempdir().unwrap();
    let (_server, addr) = serve(empty.path(), &["--no-demo"]);
    let home = http_get(&addr, "/");
    assert!(home.starts_with("HTTP/1.1 200"), "{home}");
    assert!(!home.contains("The Meridian Review"), "--no-demo starts empty");
    assert!(http_get(&addr, "/healthz").ends_with("ok"));
}

#[test]
fn the_server_keeps_connections_alive_and_speaks_http2() {
    let dir = tempfile::tempdir().unwrap();
    let (_server, addr) = serve(dir.path(), &["--no-demo"]);
    http_get(&addr, "/healthz"); // wait until it listens

    // Two HTTP/1.1 requests on one connection both get answers.
    let mut s = TcpStream::connect(&addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(s, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    assert_eq!(out.matches("HTTP/1.1 200").count(), 2, "{out}");

    // HTTP/2 with prior knowledge: the server answers the preface with its SETTINGS frame.
    let mut s = TcpStream::connect(&addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.write_all(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n").unwrap();
    s.write_all(&[0, 0, 0, 4, 0, 0, 0, 0, 0]).unwrap(); // an empty SETTINGS frame
    let mut frame = [0u8; 9];
    s.read_exact(&mut frame).unwrap();
    assert_eq!(frame[3], 4, "a SETTINGS frame first: {frame:?}");
}

#[test]
fn user_add_reads_the_password_from_stdin_and_keeps_one_owner() {
    let dir = tempfile::tempdir().unwrap();
    let add = |email: &str, role: &str, password: &str| {
        let mut child = byline(dir.path())
            .args([
                "user",
                "add",
                "--email",
                email,
                "--name",
                "Staff Member",
                "--role",
                role,
                "--data",
                "site",
            ])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(format!("{password}\n").as_bytes()).unwrap();
        child.wait_with_output().unwrap()
    };
    let ok = add("owner@example.org", "owner", "a long enough password");
    assert!(ok.status.success(), "{}", text(&ok.stderr));
    assert!(text(&ok.stdout).contains("as owner"));
    let err = fails_with_one_line(&add("other@example.org", "owner", "a long enough password"));
    assert!(err.contains("already has an owner"), "{err}");
    let err = fails_with_one_line(&add("ed@example.org", "editor", "short"));
    assert!(err.contains("password") && err.contains("10"), "{err}");
    let err = fails_with_one_line(&add("ed@example.org", "chief", "a long enough password"));
    assert!(err.contains("unknown role"), "{err}");
    let list = byline(dir.path()).args(["user", "list", "--data", "site"]).output().unwrap();
    assert!(
        text(&list.stdout).contains("owner          Staff Member <owner@example.org>"),
        "{}",
        text(&list.stdout)
    );
}

#[test]
fn token_create_prints_the_secret_once_and_revoke_ends_it() {
    let dir = tempfile::tempdir().unwrap();
    let run =
        |args: &[&str]| byline(dir.path()).args(args).args(["--data", "site"]).output().unwrap();
    let made = run(&["token", "create", "--name", "CMS sync", "--role", "editor"]);
    assert!(made.status.success(), "{}", text(&made.stderr));
    let secret = text(&made.stdout).trim().to_owned();
    assert!(secret.starts_with("byl_") && secret.len() > 60, "only the secret on stdout: {secret}");
    assert!(text(&made.stderr).contains("shown this once"));
    let list = text(&run(&["token", "list"]).stdout);
    assert!(list.contains("editor") && list.contains("CMS sync"), "{list}");
    assert!(!list.contains(&secret), "the list never shows secrets");
    let err = fails_with_one_line(&run(&["token", "create", "--name", "x", "--role", "owner"]));
    assert!(err.contains("cannot act as the owner"), "{err}");
    let err = fails_with_one_line(&run(&["token", "revoke", "99"]));
    assert!(err.contains("not found"), "{err}");
    let id = list.split_whitespace().next().unwrap().to_owned();
    assert!(run(&["token", "revoke", &id]).status.success());
    assert!(text(&run(&["token", "list"]).stdout).contains("(revoked)"));
}

#[test]
fn serve_prints_a_setup_link_until_the_publication_has_an_owner() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = byline(dir.path())
        .args(["serve", "--bind", "127.0.0.1:0", "--data", "site", "--no-demo"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let _server = Server(child);
    let lines: Vec<String> = BufReader::new(stdout).lines().take(3).map(|l| l.unwrap()).collect();
    assert!(lines[1].contains("no staff yet"), "{lines:?}");
    assert!(lines[2].trim_start().starts_with("http://127.0.0.1:"), "{lines:?}");
    assert!(lines[2].contains("/admin/setup?token="), "{lines:?}");
}

#[test]
fn two_factor_off_lets_a_locked_out_member_back_in() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = byline(dir.path())
        .args(["user", "add", "--email", "ed@example.org", "--name", "Ed", "--role", "editor"])
        .args(["--data", "site"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"a long enough password\n").unwrap();
    assert!(child.wait().unwrap().success());
    let off = |email: &str| {
        byline(dir.path())
            .args(["user", "two-factor-off", "--email", email, "--data", "site"])
            .output()
            .unwrap()
    };
    let err = fails_with_one_line(&off("ed@example.org"));
    assert!(err.contains("does not use two-factor"), "{err}");
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("site/byline.db").display());
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        let store = byline_store::Store::connect(&url).await.unwrap();
        let ed = store.staff_by_email("ed@example.org").await.unwrap();
        store.start_two_factor(ed.id, "JBSWY3DPEHPK3PXP").await.unwrap();
        store.enable_two_factor(ed.id, 1, &["recovery-1".into()]).await.unwrap();
    });
    let ok = off("ed@example.org");
    assert!(ok.status.success(), "{}", text(&ok.stderr));
    assert!(text(&ok.stdout).contains("two-factor sign-in is off"));
    let err = fails_with_one_line(&off("nobody@example.org"));
    assert!(err.contains("not found"), "{err}");
    // The admin's use case, acting as the command line: one line each, none for the refusals.
    let lines = tokio::runtime::Runtime::new().unwrap().block_on(async {
        let store = byline_store::Store::connect(&url).await.unwrap();
        let log = store.audit_log(1, 50).await.unwrap().items;
        log.into_iter()
            .rev()
            .map(|e| format!("{} {} by {}", e.action, e.subject, e.actor))
            .collect::<Vec<_>>()
    });
    assert_eq!(
        lines,
        [
            "staff.add ed@example.org by command line",
            "staff.two_factor_on ed@example.org by Ed",
            "staff.two_factor_off ed@example.org by command line"
        ]
    );
}

/// `byline … | head`: the reader goes away before the output is written; the command must
/// end quietly, not panic with "failed printing to stdout".
#[test]
fn a_closed_stdout_is_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    for args in [&["import", "markdown"][..], &["user", "list"][..], &["token", "list"][..]] {
        let mut cmd = byline(dir.path());
        cmd.args(args);
        if args[0] == "import" {
            cmd.arg(demo_dir());
        }
        let mut child = cmd
            .args(["--data", "site"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take()); // the pipe's reader is gone, as after `head` exits
        let out = child.wait_with_output().unwrap();
        let err = text(&out.stderr);
        assert!(!err.contains("panicked") && !err.contains("Broken pipe"), "{args:?}: {err}");
        assert_ne!(out.status.code(), Some(101), "{args:?}: {err}");
    }
}
