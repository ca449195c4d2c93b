//! The search row's reference: SQLite FTS5 over the very same article files, built and
//! queried with the `sqlite3` command-line shell (its `fsdir` table function reads the
//! corpus folder), with Porter stemming as Byline's index stems. Each query asks what
//! Byline's results page shows: the ten best by BM25 with a highlighted snippet, and how many
//! match. Queries run in as many `sqlite3` processes as the machine has cores, each in a loop,
//! with no HTTP in between, so the comparison leans towards FTS5.

use anyhow::{Context, bail};
use std::fmt::Write as _;
use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Runs `sql` in `sqlite3 DB` and returns what it printed.
fn shell(db: &Path, sql: &str) -> anyhow::Result<String> {
    let mut child = Command::new("sqlite3")
        .arg(db)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("cannot run sqlite3")?;
    {
        use std::io::Write as _;
        let mut stdin = child.stdin.take().context("no stdin")?;
        stdin.write_all(sql.as_bytes())?;
    }
    let out = child.wait_with_output()?;
    if !out.status.success() || !out.stderr.is_empty() {
        bail!("sqlite3 failed ({}): {}", out.status, String::from_utf8_lossy(&out.stderr).trim());
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// A string as an SQL literal.
fn literal(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// Builds the FTS5 index of every `*.md` file under `articles` into `db`; how long it took.
pub fn build(articles: &Path, db: &Path) -> anyhow::Result<Duration> {
    let _ = fs::remove_file(db);
    let dir = articles.to_str().context("the corpus path is not UTF-8")?;
    let sql = format!(
        "PRAGMA journal_mode=OFF;\nPRAGMA synchronous=OFF;\n\
         CREATE VIRTUAL TABLE docs USING fts5(name UNINDEXED, text, \
         tokenize='porter unicode61');\n\
         INSERT INTO docs(name, text) SELECT name, CAST(data AS TEXT) FROM fsdir({}) \
         WHERE name LIKE '%.md';\n\
         INSERT INTO docs(docs) VALUES('optimize');\nSELECT count(*) FROM docs;\n",
        literal(dir)
    );
    let began = Instant::now();
    let out = shell(db, &sql)?;
    let took = began.elapsed();
    if out.trim().lines().last().and_then(|n| n.parse::<u64>().ok()).unwrap_or(0) == 0 {
        bail!("FTS5 indexed no article from {dir}");
    }
    Ok(took)
}

/// The SQL of one query: the page of ten best with a snippet, and the count.
fn query_sql(out: &mut String, q: &str) {
    let q = literal(q);
    let _ = writeln!(
        out,
        "SELECT name, snippet(docs, 1, '<mark>', '</mark>', '…', 24) FROM docs \
         WHERE docs MATCH {q} ORDER BY rank LIMIT 10;\n\
         SELECT count(*) FROM docs WHERE docs MATCH {q};"
    );
}

/// How many articles each query matches.
pub fn counts(db: &Path, queries: &[&str]) -> anyhow::Result<Vec<u64>> {
    let sql: String = queries
        .iter()
        .map(|q| format!("SELECT count(*) FROM docs WHERE docs MATCH {};\n", literal(q)))
        .collect();
    let out = shell(db, &sql)?;
    out.lines().map(|l| l.trim().parse::<u64>().context("not a count")).collect()
}

/// Queries per second over `seconds`: `processes` shells each running the mix round and
/// round (one round first, alone, to warm the cache and size the run).
pub fn queries_per_second(
    db: &Path,
    queries: &[&str],
    processes: usize,
    seconds: u32,
    script: &Path,
) -> anyhow::Result<f64> {
    let mut round = String::new();
    for q in queries {
        query_sql(&mut round, q);
    }
    let began = Instant::now();
    shell(db, &format!(".output /dev/null\n{round}"))?;
    let one = began.elapsed().as_secs_f64().max(1e-3);
    let rounds = ((f64::from(seconds) / one).ceil() as usize).max(1);
    fs::write(script, format!(".output /dev/null\n{}", round.repeat(rounds)))?;
    let began = Instant::now();
    let children: Vec<_> = (0..processes.max(1))
        .map(|_| {
            Command::new("sqlite3")
                .arg("-readonly")
                .arg(db)
                .stdin(fs::File::open(script)?)
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
        })
        .collect::<Result<_, _>>()
        .context("cannot run sqlite3")?;
    for c in children {
        let out = c.wait_with_output()?;
        if !out.status.success() || !out.stderr.is_empty() {
            bail!("sqlite3 failed: {}", String::from_utf8_lossy(&out.stderr).trim());
        }
    }
    let total = (processes.max(1) * rounds * queries.len()) as f64;
    Ok(total / began.elapsed().as_secs_f64())
}
