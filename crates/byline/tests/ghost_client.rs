//! Ghost's own JavaScript client, `@tryghost/content-api` from npm, in two releases whose URL
//! building differs (1.5 asks `/ghost/api/v4/content/`, 1.12 `/ghost/api/content/` with
//! `Accept-Version`), run by node against a real `byline serve` with a key made by
//! `byline integration create`.
//!
//! `BYLINE_GHOST_CONTENT_API` names the `node_modules` folder holding them (as
//! `ghost-content-api-1.5` and `ghost-content-api-1.12`; .ci/run installs them). Without it
//! the test prints "Ghost client not validated" and passes, except under CI, where it fails.

#[path = "browser/harness.rs"]
#[allow(dead_code)]
mod harness;

use harness::Site;
use std::path::PathBuf;
use std::process::Command;

/// (package folder, the `version` its callers pass)
const CLIENTS: [(&str, &str); 2] =
    [("ghost-content-api-1.5", "v4"), ("ghost-content-api-1.12", "v5.0")];

fn modules() -> Option<PathBuf> {
    let why = match std::env::var_os("BYLINE_GHOST_CONTENT_API").map(PathBuf::from) {
        Some(dir) if CLIENTS.iter().all(|(p, _)| dir.join(p).join("package.json").is_file()) => {
            return Some(dir);
        }
        Some(dir) => format!("{} lacks the client packages", dir.display()),
        None => "BYLINE_GHOST_CONTENT_API is not set (see .ci/run)".to_owned(),
    };
    if std::env::var_os("CI").is_some() {
        panic!("the Ghost client tests cannot run in CI: {why}");
    }
    eprintln!("note: Ghost client not validated: {why}");
    None
}

#[test]
fn ghosts_javascript_client_reads_byline_unchanged() {
    let Some(modules) = modules() else { return };
    let site = Site::start();
    let made = harness::byline(site.dir.path())
        .args(["integration", "create", "Front end", "--data", "site"])
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&made.stdout).into_owned();
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    let key = out
        .lines()
        .find_map(|l| l.strip_prefix("content_api_key: "))
        .unwrap_or_else(|| panic!("no key in {out}"))
        .trim()
        .to_owned();
    assert!(out.contains("admin_api_token: byl_"), "{out}");
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/ghost_client/check.js");
    for (package, version) in CLIENTS {
        let run = Command::new("node")
            .arg(&script)
            .arg(modules.join(package))
            .arg(&site.base)
            .arg(&key)
            .arg(version)
            .output()
            .unwrap_or_else(|e| panic!("node could not be started: {e}"));
        let stdout = String::from_utf8_lossy(&run.stdout);
        let stderr = String::from_utf8_lossy(&run.stderr);
        eprintln!("{package} ({version}):\n{stdout}");
        assert!(run.status.success(), "{package}: {stderr}\n{stdout}");
        assert!(stdout.contains("all checks passed"), "{package}: {stdout}");
    }

    let listed = harness::byline(site.dir.path())
        .args(["integration", "list", "--data", "site"])
        .output()
        .unwrap();
    let list = String::from_utf8_lossy(&listed.stdout).into_owned();
    assert!(list.contains(&key) && list.contains("Front end"), "{list}");
    let id = list.split_whitespace().next().unwrap().to_owned();
    let revoked = harness::byline(site.dir.path())
        .args(["integration", "revoke", &id, "--data", "site"])
        .output()
        .unwrap();
    assert!(revoked.status.success(), "{}", String::from_utf8_lossy(&revoked.stderr));
    let list = harness::byline(site.dir.path())
        .args(["integration", "list", "--data", "site"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&list.stdout).contains("(revoked)"));
}
