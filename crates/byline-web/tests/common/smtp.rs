//! A real SMTP server for tests: aiosmtpd (from PyPI, installed by .ci/run) on a loopback
//! port, keeping every message in a Maildir that the test reads back through Python's own
//! `email` parser (so encodings are undone the way a mail client would).
//!
//! `BYLINE_TEST_SMTP_PYTHON` names the Python that has aiosmtpd. Without it the test is
//! skipped with a note, except under `CI=true`, where it fails.

use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct SmtpServer {
    child: Child,
    pub port: u16,
    dir: tempfile::TempDir,
    python: PathBuf,
}

/// One message as a mail client would show it.
#[derive(Debug, serde::Deserialize)]
pub struct Received {
    pub to: String,
    pub from: String,
    pub subject: String,
    pub content_type: String,
    pub text: String,
    pub html: String,
}

impl SmtpServer {
    /// Starts aiosmtpd, or `None` (outside CI) when it is not available.
    pub fn start() -> Option<SmtpServer> {
        let python = match std::env::var_os("BYLINE_TEST_SMTP_PYTHON") {
            Some(p) if !p.is_empty() => PathBuf::from(p),
            _ => {
                let why = "BYLINE_TEST_SMTP_PYTHON is not set (a Python with aiosmtpd; .ci/run \
                           installs one): mail over real SMTP not tested";
                if std::env::var("CI").is_ok_and(|v| v == "true") {
                    panic!("{why}");
                }
                eprintln!("note: {why}");
                return None;
            }
        };
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let dir = tempfile::tempdir().unwrap();
        let maildir = dir.path().join("maildir");
        let child = Command::new(&python)
            .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}")])
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(&maildir)
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start aiosmtpd with {}: {e}", python.display()));
        let mut server = SmtpServer { child, port, dir, python };
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = server.child.try_wait() {
                panic!("aiosmtpd exited at start ({status}); is it installed in that Python?");
            }
            assert!(Instant::now() < deadline, "aiosmtpd did not listen on port {port}");
            std::thread::sleep(Duration::from_millis(50));
        }
        Some(server)
    }

    /// Every message received so far, decoded by Python's `email` package.
    pub fn messages(&self) -> Vec<Received> {
        const READ: &str = r#"
import json, mailbox, sys
out = []
for key, msg in sorted(mailbox.Maildir(sys.argv[1], create=False).items()):
    text = html = ""
    for part in msg.walk():
        if part.get_content_maintype() == "multipart":
            continue
        body = part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
        if part.get_content_type() == "text/plain":
            text = body
        elif part.get_content_type() == "text/html":
            html = body
    out.append({"to": msg["To"], "from": msg["From"], "subject": msg["Subject"],
                "content_type": msg.get_content_type(), "text": text, "html": html})
print(json.dumps(out))
"#;
        let maildir = self.dir.path().join("maildir");
        if !maildir.exists() {
            return Vec::new();
        }
        let out = Command::new(&self.python).args(["-c", READ]).arg(&maildir).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice(&out.stdout).unwrap()
    }

    /// Waits (up to 20 s) until `n` messages have arrived.
    pub fn wait_for(&self, n: usize) -> Vec<Received> {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let got = self.messages();
            if got.len() >= n || Instant::now() > deadline {
                return got;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
