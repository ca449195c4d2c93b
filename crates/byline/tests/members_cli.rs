//! `byline members …` as a user runs it, on SQLite and (when configured) PostgreSQL:
//! import with bad rows named by line, a dry run, list with filters, grant, export.

use std::path::Path;
use std::process::{Command, Output};

fn byline(dir: &Path, db: &[&str]) -> impl FnMut(&[&str]) -> Output {
    let dir = dir.to_owned();
    let db: Vec<String> = db.iter().map(|s| s.to_string()).collect();
    move |args: &[&str]| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_byline"));
        c.current_dir(&dir);
        for (k, _) in std::env::vars() {
            if k.starts_with("BYLINE_") {
                c.env_remove(k);
            }
        }
        c.env("RUST_LOG", "warn").args(args).args(&db);
        c.output().unwrap()
    }
}

fn text(o: &[u8]) -> String {
    String::from_utf8_lossy(o).into_owned()
}

const CSV: &str = "\
email,name,note,subscribed_to_emails,complimentary_plan,stripe_customer_id,labels,created_at
ann@example.org,Ann,,true,false,,Press,2020-05-06T07:08:09Z
bad-address,Nobody,,,,,,
bo@example.org,Bo,,,true,,,2021-01-02
";

fn members_commands(db: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("members.csv"), CSV).unwrap();
    let mut run = byline(dir.path(), db);

    let o = run(&["members", "import", "members.csv", "--dry-run"]);
    assert!(!o.status.success());
    assert!(text(&o.stdout).contains("members.csv:3: email:"), "{}", text(&o.stdout));
    assert!(text(&o.stdout).contains("dry run: 2 row(s)"), "{}", text(&o.stdout));
    let o = run(&["members", "list"]);
    assert!(text(&o.stdout).contains("0 member(s)"), "{}{}", text(&o.stdout), text(&o.stderr));

    let o = run(&["members", "import", "members.csv"]);
    assert!(!o.status.success(), "a bad row fails the command");
    let out = text(&o.stdout);
    assert!(out.contains("members.csv:3: email: \"bad-address\" is not an email address"), "{out}");
    assert!(out.contains("2 added, 0 updated, 1 bad row(s)"), "{out}");
    assert!(text(&o.stderr).contains("1 row(s) could not be imported"));

    let o = run(&["members", "list", "--status", "comped"]);
    let out = text(&o.stdout);
    assert!(out.contains("bo@example.org") && !out.contains("ann@"), "{out}");
    assert!(out.contains("1 member(s)"), "{out}");
    let o = run(&["members", "list", "--search", "ANN"]);
    assert!(text(&o.stdout).contains("ann@example.org  Ann  joined 2020-05-06  [Press]"));
    let o = run(&["members", "list", "--status", "gold"]);
    assert!(!o.status.success());
    assert!(text(&o.stderr).contains("--status: must be free, paid or comped"));

    let o =
        run(&["members", "grant", "ann@example.org", "--tier", "paid", "--until", "2999-01-01"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("ann@example.org now holds paid until 2999-01-01"));
    let o = run(&["members", "grant", "ann@example.org", "--tier", "gold"]);
    assert!(text(&o.stderr).contains("--tier: there is no tier \"gold\""), "{}", text(&o.stderr));
    let o = run(&["members", "grant", "ann@example.org", "--tier", "paid", "--until", "soon"]);
    assert!(text(&o.stderr).contains("--until: \"soon\" is not a date"), "{}", text(&o.stderr));
    let o = run(&["members", "grant", "zed@example.org", "--tier", "paid"]);
    assert!(text(&o.stderr).contains("zed@example.org: no member has this address"));
    let o = run(&["members", "list", "--status", "comped"]);
    assert!(text(&o.stdout).contains("2 member(s)"), "{}", text(&o.stdout));

    let o = run(&["members", "export", "out.csv"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let written = std::fs::read_to_string(dir.path().join("out.csv")).unwrap();
    assert!(
        written.contains("ann@example.org,Ann,,true,true,,Press,2020-05-06T07:08:09.000Z"),
        "{written}"
    );
    let o = run(&["members", "import", "out.csv"]);
    assert!(o.status.success(), "{}", text(&o.stdout));
    assert!(text(&o.stdout).contains("0 added, 2 updated, 0 bad row(s)"), "{}", text(&o.stdout));
    let o = run(&["members", "import", "missing.csv"]);
    assert!(text(&o.stderr).contains("cannot read missing.csv"), "{}", text(&o.stderr));
}

#[test]
fn members_commands_on_sqlite() {
    members_commands(&[]);
}

#[tokio::test(flavor = "multi_thread")]
async fn members_commands_on_postgresql() {
    let Some(server) = byline_store::testing::postgres_url() else { return };
    let db = byline_store::testing::postgres(&server).await;
    let url = db.url.clone();
    tokio::task::spawn_blocking(move || members_commands(&["--database-url", &url])).await.unwrap();
}
