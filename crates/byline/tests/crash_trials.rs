//! Crash trials: `byline serve` takes acknowledged writes through the Admin API and
//! `byline import markdown` loads a generated folder, each killed with SIGKILL at a random
//! moment, 100 trials in all (split across SQLite and PostgreSQL). After every kill the
//! database must be consistent (SQLite's integrity and foreign-key checks; on both, no row
//! pointing at a missing one and every article with its byline and revision) and, once
//! restarted, every write the server acknowledged must be there as it was acknowledged.
//!
//! The seed of the random moments is printed; `BYLINE_TEST_CRASH_SEED` replays a run.

mod proc;

use proc::{Db, Publication, Server, psql, request, wait_healthy};
use serde_json::json;
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Trials over all databases: half each when PostgreSQL is there.
const TRIALS: usize = 100;
/// Every how many trials one kills an import instead of the server.
const IMPORT_EVERY: usize = 5;
const IMPORT_FILES: usize = 24;

/// A small xorshift generator: the moments need no more, and a seed replays them.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

fn seed() -> u64 {
    std::env::var("BYLINE_TEST_CRASH_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(|| {
        let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap();
        t.as_nanos() as u64 | 1
    })
}

/// A write the server answered with success: what must be there after any crash.
#[derive(Debug, Clone)]
enum Acked {
    Article { id: i64, title: String },
    Author { id: i64, name: String },
    Update { id: i64, title: String },
}

/// Sends writes one after another until the server stops answering, keeping what it
/// acknowledged in `acked`. An edit cut off by the kill may or may not have been committed:
/// it is left in `cut` (its title is then one of two).
fn writer(
    addr: String,
    token: String,
    trial: usize,
    acked: Arc<Mutex<Vec<Acked>>>,
    cut: Arc<Mutex<Vec<Acked>>>,
) {
    let mut last_article: Option<(i64, i64)> = None;
    for n in 0.. {
        let outcome = match n % 4 {
            // A new author now and then.
            3 => {
                let name = format!("Crash Author {trial}-{n}");
                request(
                    &addr,
                    "POST",
                    "/api/admin/v1/authors",
                    Some(&token),
                    Some(&json!({"name": name})),
                )
                .map(|a| {
                    (a.status == 201)
                        .then(|| Acked::Author { id: a.json()["id"].as_i64().unwrap(), name })
                })
            }
            // An edit of the last article created (its version must be the one acked).
            2 if last_article.is_some() => {
                let (id, version) = last_article.unwrap();
                let title = format!("Crash {trial}-{n} edited");
                *cut.lock().unwrap() = vec![Acked::Update { id, title: title.clone() }];
                let doc = json!({"version": version, "title": title, "body": "Edited.", "authors": ["anna-kowalska"]});
                request(
                    &addr,
                    "PUT",
                    &format!("/api/admin/v1/articles/{id}"),
                    Some(&token),
                    Some(&doc),
                )
                .map(|a| (a.status == 200).then_some(Acked::Update { id, title }))
            }
            _ => {
                let title = format!("Crash {trial}-{n}");
                let doc = json!({
                    "title": title,
                    "body": format!("Written in trial {trial}.\n\nParagraph {n}."),
                    "authors": ["anna-kowalska"],
                    "status": "published",
                });
                request(&addr, "POST", "/api/admin/v1/articles", Some(&token), Some(&doc)).map(
                    |a| {
                        (a.status == 201).then(|| {
                            let v = a.json();
                            last_article =
                                Some((v["id"].as_i64().unwrap(), v["version"].as_i64().unwrap()));
                            Acked::Article { id: v["id"].as_i64().unwrap(), title }
                        })
                    },
                )
            }
        };
        match outcome {
            Ok(Some(a)) => {
                cut.lock().unwrap().clear();
                acked.lock().unwrap().push(a)
            }
            // An answer that is not a success while the server runs is a defect, not a crash.
            Ok(None) => panic!("trial {trial}: write {n} was refused by a running server"),
            Err(_) => return, // killed mid-request: that write was never acknowledged
        }
    }
}

/// Every acknowledged write, read back through the restarted server; an edit in `cut` may
/// have landed after the last acknowledged one.
fn check_acked(server: &Server, token: &str, acked: &[Acked], cut: &[Acked], db: &Db) {
    let mut titles = std::collections::HashMap::new();
    for a in acked {
        match a {
            Acked::Article { id, title } | Acked::Update { id, title } => {
                titles.insert(*id, title.clone());
            }
            Acked::Author { id, name } => {
                let got = request(
                    &server.addr,
                    "GET",
                    &format!("/api/admin/v1/authors/{id}"),
                    Some(token),
                    None,
                )
                .unwrap();
                assert_eq!(got.status, 200, "{}: acknowledged author {name} is gone", db.name());
                assert_eq!(got.json()["name"], *name);
            }
        }
    }
    for (id, title) in titles {
        let got = request(
            &server.addr,
            "GET",
            &format!("/api/admin/v1/articles/{id}"),
            Some(token),
            None,
        )
        .unwrap();
        assert_eq!(got.status, 200, "{}: acknowledged article {id} ({title}) is gone", db.name());
        let v = got.json();
        let landed = cut.iter().any(
            |c| matches!(c, Acked::Update { id: i, title: t } if *i == id && v["title"] == *t),
        );
        if !landed {
            assert_eq!(v["title"], title, "{}: article {id} lost an acknowledged edit", db.name());
        }
        assert_eq!(v["status"], "published", "{}: article {id}", db.name());
    }
}

/// One SQL query's rows, on the killed publication's database.
fn query(publication: &Publication, sql: &str) -> String {
    match &publication.database_url {
        Some(url) => psql(url, sql),
        None => {
            let db = publication.data().join("byline.db");
            let script = "import sqlite3, sys\nc = sqlite3.connect(sys.argv[1])\n\
                for r in c.execute(sys.argv[2]): print('|'.join(map(str, r)))";
            let out =
                Command::new("python3").args(["-c", script]).arg(db).arg(sql).output().unwrap();
            assert!(out.status.success(), "{sql}: {}", String::from_utf8_lossy(&out.stderr));
            String::from_utf8_lossy(&out.stdout).trim().to_owned()
        }
    }
}

/// The database after a kill: sound pages, no dangling rows, every article whole.
fn check_consistent(publication: &Publication, when: &str) {
    if publication.database_url.is_none() {
        assert_eq!(query(publication, "PRAGMA integrity_check"), "ok", "{when}");
        assert_eq!(query(publication, "PRAGMA foreign_key_check"), "", "{when}");
    }
    let checks = [
        (
            "article_author rows without their article or author",
            "SELECT count(*) FROM article_author x LEFT JOIN article a ON a.id = x.article_id \
          LEFT JOIN author w ON w.id = x.author_id WHERE a.id IS NULL OR w.id IS NULL",
        ),
        (
            "article_term rows without their article or term",
            "SELECT count(*) FROM article_term x LEFT JOIN article a ON a.id = x.article_id \
          LEFT JOIN term t ON t.id = x.term_id WHERE a.id IS NULL OR t.id IS NULL",
        ),
        (
            "revisions without their article",
            "SELECT count(*) FROM article_revision r LEFT JOIN article a ON a.id = r.article_id \
          WHERE a.id IS NULL",
        ),
        (
            "trial articles without a byline",
            "SELECT count(*) FROM article a WHERE a.title LIKE 'Crash %' AND NOT EXISTS \
          (SELECT 1 FROM article_author x WHERE x.article_id = a.id)",
        ),
        (
            "trial articles without the revision of their version",
            "SELECT count(*) FROM article a WHERE a.title LIKE 'Crash %' AND NOT EXISTS \
          (SELECT 1 FROM article_revision r WHERE r.article_id = a.id AND r.version = a.version)",
        ),
    ];
    for (what, sql) in checks {
        assert_eq!(query(publication, sql), "0", "{when}: {what}");
    }
}

/// A folder of Markdown articles for an import trial.
fn import_folder(publication: &Publication, trial: usize) -> std::path::PathBuf {
    let dir = publication.dir.path().join(format!("import-{trial}/articles"));
    std::fs::create_dir_all(&dir).unwrap();
    for i in 0..IMPORT_FILES {
        let text = format!(
            "---\ntitle: \"Crash import {trial}-{i}\"\ndate: 2026-02-{:02}T08:00:00Z\n\
             authors: [anna-kowalska, ion-rusu]\nthemes: [\"Energy\"]\ntags: [\"t{trial}\", \"n{i}\"]\n---\n\
             Imported in trial {trial}.\n\n## Part {i}\n\nMore text.\n",
            1 + i % 28
        );
        std::fs::write(dir.join(format!("crash-import-{trial}-{i}.md")), text).unwrap();
    }
    dir.parent().unwrap().to_owned()
}

/// Kills an import part-way, checks the database, then runs it again to the end: every file
/// must then be there exactly once.
fn import_trial(publication: &Publication, trial: usize, rng: &mut Rng) {
    let folder = import_folder(publication, trial);
    let folder = folder.to_str().unwrap();
    let mut child = proc::byline(publication.dir.path())
        .args(["import", "markdown", folder])
        .args(publication.args())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(50 + rng.below(400)));
    let _ = child.kill();
    let _ = child.wait();
    check_consistent(publication, &format!("import trial {trial}, killed"));
    publication.run(&["import", "markdown", folder]);
    let count = query(
        publication,
        &format!("SELECT count(*) FROM article WHERE title LIKE 'Crash import {trial}-%'"),
    );
    assert_eq!(count, IMPORT_FILES.to_string(), "import trial {trial}: each file once");
    let bylines = query(
        publication,
        &format!(
            "SELECT count(*) FROM article_author x JOIN article a ON a.id = x.article_id \
             WHERE a.title LIKE 'Crash import {trial}-%'"
        ),
    );
    assert_eq!(bylines, (2 * IMPORT_FILES).to_string(), "import trial {trial}: both bylines");
}

fn trials_on(db: &Db, trials: usize, rng: &mut Rng) {
    let started = Instant::now();
    let publication = Publication::new(db);
    // The first start loads the demo (its authors sign the trial articles).
    let server = publication.serve(&[], &[]);
    wait_healthy(&server.addr);
    drop(server);
    let token = publication.token("administrator");
    let mut acked: Vec<Acked> = Vec::new();
    let mut cut: Vec<Acked> = Vec::new();
    let mut kills = 0;
    for trial in 0..trials {
        if trial % IMPORT_EVERY == IMPORT_EVERY - 1 {
            import_trial(&publication, trial, rng);
            continue;
        }
        let server = publication.serve(&[], &[]);
        wait_healthy(&server.addr);
        // What earlier trials were told is still there after their crash.
        check_acked(&server, &token, &acked, &cut, db);
        let mine = Arc::new(Mutex::new(Vec::new()));
        let mine_cut = Arc::new(Mutex::new(Vec::new()));
        let w = {
            let (addr, token) = (server.addr.clone(), token.clone());
            let (mine, mine_cut) = (mine.clone(), mine_cut.clone());
            std::thread::spawn(move || writer(addr, token, trial, mine, mine_cut))
        };
        // Kill after a random number of acknowledged writes (so every trial has some to
        // lose) plus a random moment, likely in the middle of the next write.
        let wanted = 1 + rng.below(4) as usize;
        let deadline = Instant::now() + Duration::from_secs(60);
        while mine.lock().unwrap().len() < wanted && !w.is_finished() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(2));
        }
        std::thread::sleep(Duration::from_millis(rng.below(150)));
        let mut server = server;
        server.kill();
        kills += 1;
        w.join().expect("the writer saw the crash as a failed request, not a bad answer");
        acked.extend(mine.lock().unwrap().drain(..));
        cut.extend(mine_cut.lock().unwrap().drain(..));
        check_consistent(&publication, &format!("{} trial {trial}, killed", db.name()));
    }
    let server = publication.serve(&[], &[]);
    wait_healthy(&server.addr);
    check_acked(&server, &token, &acked, &cut, db);
    eprintln!(
        "{}: {trials} trials ({kills} servers killed), {} acknowledged writes all kept, {:.1} s",
        db.name(),
        acked.len(),
        started.elapsed().as_secs_f64()
    );
    assert!(acked.len() > trials, "the trials acknowledged too few writes to mean anything");
}

#[test]
fn killed_servers_and_imports_keep_every_acknowledged_write() {
    let dbs = Db::all();
    let seed = seed();
    eprintln!("crash trials with BYLINE_TEST_CRASH_SEED={seed}");
    // The databases' trials run side by side, each with its own moments from the seed.
    let trials = TRIALS / dbs.len();
    let runs: Vec<_> = dbs
        .into_iter()
        .enumerate()
        .map(|(i, db)| {
            let mut rng = Rng(seed.rotate_left(16 * i as u32) | 1);
            std::thread::spawn(move || trials_on(&db, trials, &mut rng))
        })
        .collect();
    for run in runs {
        if let Err(panic) = run.join() {
            std::panic::resume_unwind(panic);
        }
    }
}
