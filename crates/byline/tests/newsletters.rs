//! Newsletters through the binary and a real SMTP server (aiosmtpd, run by the Python that
//! `BYLINE_TEST_SMTP_PYTHON` names), on SQLite and (when configured) PostgreSQL:
//! `byline newsletter send`, a `byline serve` killed with SIGKILL mid-send and started again
//! (every recipient reached, duplicates no more than the connections in flight), a 5xx
//! recipient bounced and suppressed, the message's headers, one-click unsubscribing by POST,
//! and a send that waits for an unreachable server and then finishes.

use byline_core::members::MemberFields;
use byline_core::{ArticleInput, ArticleStatus};
use byline_store::Store;
use byline_store::testing::databases;
use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// An SMTP server that keeps messages in a Maildir, refuses recipients whose address starts
/// with `bounce` (550), and otherwise accepts.
const SINK: &str = r#"
import asyncio, mailbox, sys
from aiosmtpd.smtp import SMTP
class Handler:
    def __init__(self, path):
        self.box = mailbox.Maildir(path)
    async def handle_RCPT(self, server, session, envelope, address, options):
        if address.startswith("bounce"):
            return "550 5.1.1 <%s>: no such user here" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"
    async def handle_DATA(self, server, session, envelope):
        self.box.add(envelope.original_content)
        return "250 Message accepted for delivery"
loop = asyncio.new_event_loop()
asyncio.set_event_loop(loop)
handler = Handler(sys.argv[2])
loop.run_until_complete(loop.create_server(lambda: SMTP(handler), "127.0.0.1", int(sys.argv[1])))
loop.run_forever()
"#;

const CONNECTIONS: usize = 4;

fn python() -> Option<PathBuf> {
    match std::env::var_os("BYLINE_TEST_SMTP_PYTHON") {
        Some(p) if !p.is_empty() => Some(PathBuf::from(p)),
        _ => {
            let why = "BYLINE_TEST_SMTP_PYTHON is not set (a Python with aiosmtpd; .ci/run \
                       installs one): newsletters over real SMTP not tested";
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("{why}");
            }
            eprintln!("note: {why}");
            None
        }
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn wait_listening(port: u16, child: &mut Child, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        if let Ok(Some(status)) = child.try_wait() {
            panic!("{what} exited at start ({status})");
        }
        assert!(Instant::now() < deadline, "{what} did not listen on port {port}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A child process killed (SIGKILL) when dropped.
struct Proc(Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn sink(python: &Path, port: u16, maildir: &Path) -> Proc {
    let mut child = Command::new(python)
        .args(["-c", SINK, &port.to_string()])
        .arg(maildir)
        .stdout(Stdio::null())
        .spawn()
        .expect("start the SMTP sink");
    wait_listening(port, &mut child, "the SMTP sink");
    Proc(child)
}

/// One received message: its headers (unfolded, by lower-case name) and whole text.
struct Received {
    headers: HashMap<String, String>,
    path: PathBuf,
}

/// A message's plain text and HTML, decoded by Python's `email` package as a mail client
/// would.
fn decoded(python: &Path, file: &Path) -> (String, String) {
    const READ: &str = r#"
import email, json, sys
from email import policy
msg = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=policy.default)
print(json.dumps([msg.get_body(("plain",)).get_content(), msg.get_body(("html",)).get_content()]))
"#;
    let out = Command::new(python).args(["-c", READ]).arg(file).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Vec<String> = serde_json::from_slice(&out.stdout).unwrap();
    (v[0].clone(), v[1].clone())
}

fn received(maildir: &Path) -> Vec<Received> {
    let mut out = Vec::new();
    for sub in ["new", "cur"] {
        let Ok(entries) = std::fs::read_dir(maildir.join(sub)) else { continue };
        for e in entries.flatten() {
            let Ok(raw) = std::fs::read_to_string(e.path()) else { continue };
            let raw = raw.replace("\r\n", "\n");
            let head =
                raw.split("\n\n").next().unwrap_or("").replace("\n ", " ").replace("\n\t", " ");
            let headers = head
                .lines()
                .filter_map(|l| l.split_once(':'))
                .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
                .collect();
            out.push(Received { headers, path: e.path() });
        }
    }
    out
}

fn byline(dir: &Path, url: &str, smtp_port: u16) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_byline"));
    c.current_dir(dir);
    for (k, _) in std::env::vars() {
        if k.starts_with("BYLINE_") {
            c.env_remove(k);
        }
    }
    c.env("RUST_LOG", "warn")
        .env("BYLINE_DATA", dir)
        .env("BYLINE_DATABASE_URL", url)
        .env("BYLINE_SMTP_HOST", "127.0.0.1")
        .env("BYLINE_SMTP_PORT", smtp_port.to_string())
        .env("BYLINE_SMTP_TLS", "none")
        .env("BYLINE_SMTP_FROM", "The Review <desk@example.org>")
        .env("BYLINE_JOB_LEASE_SECS", "2")
        .env("BYLINE_NEWSLETTER_CONCURRENCY", CONNECTIONS.to_string())
        .env("BYLINE_NEWSLETTER_RATE", "80")
        .env("BYLINE_POSTAL_ADDRESS", "1 Print Street, Lisbon");
    c
}

fn serve(dir: &Path, url: &str, smtp_port: u16, http_port: u16) -> Proc {
    let mut child = byline(dir, url, smtp_port)
        .args(["serve", "--no-demo", "--bind", &format!("127.0.0.1:{http_port}")])
        .env("BYLINE_WORKERS", "1")
        .stdout(Stdio::null())
        .spawn()
        .expect("start byline serve");
    wait_listening(http_port, &mut child, "byline serve");
    Proc(child)
}

async fn until<F: std::future::Future<Output = bool>>(what: &str, mut check: impl FnMut() -> F) {
    let deadline = Instant::now() + Duration::from_secs(180);
    while !check().await {
        assert!(Instant::now() < deadline, "gave up waiting: {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn setup(s: &Store, members: usize) {
    for i in 0..members {
        let f = MemberFields {
            email: format!("r{i}@example.org"),
            name: None,
            note: None,
            labels: vec![],
        };
        s.add_member(f, byline_store::Joined::Staff, None).await.unwrap();
    }
    let f = MemberFields {
        email: "bounce-me@example.org".into(),
        name: None,
        note: None,
        labels: vec![],
    };
    s.add_member(f, byline_store::Joined::Staff, None).await.unwrap();
    let input = ArticleInput {
        title: "The dispatch & more".into(),
        body: "Read [the archive](/articles/) and this.\n\n![A map](/media/map.png)".into(),
        status: ArticleStatus::Published,
        published_at: Some(chrono::Utc::now() - chrono::Duration::hours(1)),
        source_name: Some("The Wire".into()),
        source_url: Some("https://wire.example/story".into()),
        copyright_holder: Some("Ann Author".into()),
        copyright_year: Some(2026),
        ..Default::default()
    };
    s.save_article(&input.validate().unwrap(), None).await.unwrap();
}

fn post(port: u16, path_and_query: &str, body: &str) -> String {
    let mut t = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        t,
        "POST {path_and_query} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut out = String::new();
    t.read_to_string(&mut out).unwrap();
    out
}

#[tokio::test(flavor = "multi_thread")]
async fn a_send_killed_mid_way_finishes_with_everyone_reached_once_and_unsubscribes_in_one_click() {
    let Some(python) = python() else { return };
    const MEMBERS: usize = 300;
    for db in databases().await {
        let s = &db.store;
        setup(s, MEMBERS).await;
        let dir = tempfile::tempdir().unwrap();
        let maildir = dir.path().join("maildir");
        let smtp_port = free_port();
        let http_port = free_port();
        let mut smtp = sink(&python, smtp_port, &maildir);

        // A bad segment is refused before anything is written.
        let bad = byline(dir.path(), &db.url, smtp_port)
            .args(["newsletter", "send", "--article", "the-dispatch-more", "--segment", "everyone"])
            .output()
            .unwrap();
        assert!(!bad.status.success());
        assert!(String::from_utf8_lossy(&bad.stderr).contains("--segment"), "{bad:?}");
        let out = byline(dir.path(), &db.url, smtp_port)
            .args(["newsletter", "send", "--article", "the-dispatch-more"])
            .output()
            .unwrap();
        let said = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(out.status.success(), "{said} {}", String::from_utf8_lossy(&out.stderr));
        assert!(said.contains(&format!("{} recipient(s)", MEMBERS + 1)), "{said}");
        let send_id = s.sends(1, false).await.unwrap()[0].id;

        // Serve (which works the queue), and kill it with SIGKILL in the middle of the send.
        let mut node = serve(dir.path(), &db.url, smtp_port, http_port);
        until("a third of the messages", || async { received(&maildir).len() >= MEMBERS / 3 })
            .await;
        node.0.kill().unwrap();
        node.0.wait().unwrap();
        let at_kill = received(&maildir).len();
        assert!(at_kill < MEMBERS, "the send ended before the kill ({at_kill})");
        let _node = serve(dir.path(), &db.url, smtp_port, http_port);
        until("the send to finish", || async { s.send(send_id).await.unwrap().state == "done" })
            .await;

        let got = received(&maildir);
        let mut per: HashMap<String, usize> = HashMap::new();
        for m in &got {
            *per.entry(m.headers["to"].clone()).or_default() += 1;
        }
        for i in 0..MEMBERS {
            assert!(per.contains_key(&format!("r{i}@example.org")), "r{i} never got it");
        }
        let twice: usize = per.values().map(|n| n - 1).sum();
        assert!(twice <= CONNECTIONS, "{twice} duplicates, more than {CONNECTIONS} in flight");
        assert!(!per.contains_key("bounce-me@example.org"));
        let send = s.send(send_id).await.unwrap();
        assert_eq!((send.counts.sent, send.counts.bounced), (MEMBERS as u64, 1), "{send:?}");
        let supp = s.suppressions().await.unwrap();
        assert_eq!(supp.len(), 1);
        assert_eq!(supp[0].email, "bounce-me@example.org");
        assert!(supp[0].detail.as_deref().unwrap().contains("550"), "{supp:?}");

        // The message: multipart, the list headers, a unique Message-ID, absolute links.
        let ids: std::collections::HashSet<&str> =
            got.iter().map(|m| m.headers["message-id"].as_str()).collect();
        assert_eq!(ids.len(), got.len(), "every Message-ID is unique");
        let m = got.iter().find(|m| m.headers["to"] == "r7@example.org").unwrap();
        assert!(m.headers["content-type"].starts_with("multipart/alternative"));
        assert_eq!(m.headers["list-unsubscribe-post"], "List-Unsubscribe=One-Click");
        assert!(m.headers["list-id"].contains("<newsletter.example.org>"), "{:?}", m.headers);
        assert!(m.headers["from"].contains("desk@example.org"));
        let lu = &m.headers["list-unsubscribe"];
        assert!(lu.contains("<mailto:desk@example.org?subject=unsubscribe"), "{lu}");
        let url = lu.split('<').nth(1).unwrap().split('>').next().unwrap().to_owned();
        let base = format!("http://127.0.0.1:{http_port}");
        assert!(url.starts_with(&format!("{base}/newsletters/unsubscribe/?")), "{url}");
        let (text, html) = decoded(&python, &m.path);
        assert!(text.contains("Unsubscribe: http://"), "{text}");
        for needle in [
            "View in browser",
            "Originally published by The Wire",
            "Ann Author",
            "1 Print Street, Lisbon",
            &format!("{base}/articles/"),
            "Forward to a friend",
            "Manage subscription",
        ] {
            assert!(html.contains(needle), "the email lacks {needle:?}: {html}");
        }

        // One click: a POST to the header's address, no login, no page.
        let path = &url[base.len()..];
        let answer = post(http_port, path, "List-Unsubscribe=One-Click");
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
        let r7 = s.member_by_email("r7@example.org").await.unwrap();
        assert!(s.member_newsletters(r7.id).await.unwrap().is_empty());
        assert_eq!(s.send(send_id).await.unwrap().counts.unsubscribed, 1);
        // A forged token changes nothing.
        let forged = path.replace("&t=", "&t=0");
        assert!(post(http_port, &forged, "List-Unsubscribe=One-Click").starts_with("HTTP/1.1 400"));

        // The server goes away: the next send waits and says why, then finishes when it is back.
        drop(smtp);
        let before = received(&maildir).len();
        let out = byline(dir.path(), &db.url, smtp_port)
            .args(["newsletter", "send", "--article", "the-dispatch-more", "--segment", "all"])
            .output()
            .unwrap();
        assert!(out.status.success());
        let second = s.sends(1, false).await.unwrap()[0].id;
        until("the send to say the server is unreachable", || async {
            s.send(second)
                .await
                .unwrap()
                .last_error
                .is_some_and(|e| e.contains("cannot be reached"))
        })
        .await;
        assert_eq!(s.send(second).await.unwrap().counts.sent, 0);
        smtp = sink(&python, smtp_port, &maildir);
        until("the second send to finish", || async {
            s.send(second).await.unwrap().state == "done"
        })
        .await;
        let now = received(&maildir).len();
        assert!(now - before >= MEMBERS - 1, "{} of {} reached", now - before, MEMBERS - 1);
        let second = s.send(second).await.unwrap();
        assert_eq!(second.counts.sent, MEMBERS as u64 - 1, "r7 unsubscribed, bounce-me suppressed");
        assert_eq!(second.last_error, None);
        drop(smtp);
    }
}
