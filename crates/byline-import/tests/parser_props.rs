//! Property tests over what the importers read: Markdown files with YAML or TOML front
//! matter (a folder import) and members CSV files. Any input, however broken, ends in a
//! report (each bad file or row named with its line) within a bounded time, never a panic,
//! and what is imported can be read back. The CSV reader runs on thousands of inputs; the
//! folder import, which writes, runs on SQLite and PostgreSQL.

use byline_import::{SourceFile, members_csv};
use byline_store::testing::databases;
use chrono::{TimeZone, Utc};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use std::time::{Duration, Instant};

/// The longest one case may take (a slow machine's generous bound; cases take milliseconds).
const PER_CASE: Duration = Duration::from_secs(5);

/// A front matter value: the shapes YAML and TOML readers trip on.
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9 .,:'\"#-]{0,24}",
        Just("\"unclosed".to_owned()),
        Just("'it''s'".to_owned()),
        Just("[a, b, [c]]".to_owned()),
        Just("{x: 1}".to_owned()),
        Just("2026-02-30".to_owned()),
        Just("2026-11-26T08:00:00Z".to_owned()),
        Just("99999999999999999999999".to_owned()),
        Just("-1".to_owned()),
        Just("~".to_owned()),
        Just("&a [1]".to_owned()),
        Just("*a".to_owned()),
        Just("!!binary aGk=".to_owned()),
        Just("|\n  block\n  text".to_owned()),
        Just("\u{0}".to_owned()),
        Just("<script>alert(1)</script>".to_owned()),
        Just("\u{202e}ʇxǝʇ".to_owned()),
        ".{0,12}",
    ]
}

/// The keys Byline and the site generators use, and some it does not know.
fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("title"),
        Just("subtitle"),
        Just("date"),
        Just("updated"),
        Just("draft"),
        Just("authors"),
        Just("author"),
        Just("tags"),
        Just("themes"),
        Just("regions"),
        Just("slug"),
        Just("summary"),
        Just("image"),
        Just("source_url"),
        Just("copyright_year"),
        Just("license"),
        Just("access"),
        Just("tiers"),
        Just("canonical_url"),
        Just("weird key"),
    ]
    .prop_map(str::to_owned)
}

/// A whole file: YAML or TOML front matter (well formed or not) and a Markdown body.
fn document() -> impl Strategy<Value = String> {
    let pairs = proptest::collection::vec((key(), value()), 0..10);
    let body = proptest::collection::vec(
        prop_oneof![
            "[a-zA-Z ]{0,30}",
            Just("\n\n".to_owned()),
            Just("---\n".to_owned()),
            Just("+++\n".to_owned()),
            Just("<!--members-only-->".to_owned()),
            Just("[x](javascript:alert(1))".to_owned()),
            Just("<img src=x onerror=alert(1)>".to_owned()),
            Just("```\n".to_owned()),
            ".{0,10}",
        ],
        0..20,
    );
    (0..5u8, pairs, body, any::<bool>()).prop_map(|(style, pairs, body, crlf)| {
        let body = body.concat();
        let text = match style {
            0 => format!(
                "---\n{}---\n{body}",
                pairs.iter().map(|(k, v)| format!("{k}: {v}\n")).collect::<String>()
            ),
            1 => format!(
                "+++\n{}+++\n{body}",
                pairs.iter().map(|(k, v)| format!("{k} = {v}\n")).collect::<String>()
            ),
            // Unclosed front matter.
            2 => format!("---\ntitle: x\n{body}"),
            // None at all.
            3 => body,
            _ => format!("\u{feff}---\ntitle: \"A title\"\ndate: 2026-01-01\n---\n{body}"),
        };
        if crlf { text.replace('\n', "\r\n") } else { text }
    })
}

#[test]
fn markdown_folders_with_any_front_matter_end_in_a_report() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let dbs = rt.block_on(databases());
    let now = Utc.with_ymd_and_hms(2026, 11, 26, 12, 0, 0).unwrap();
    for db in &dbs {
        rt.block_on(async {
            let demo = byline_import::import(&db.store, &byline_import::demo(), now).await;
            assert!(demo.errors.is_empty(), "{demo}");
        });
        let mut runner = TestRunner::new(Config { cases: 48, ..Config::default() });
        let n = std::cell::Cell::new(0);
        runner
            .run(&proptest::collection::vec(document(), 1..4), |docs| {
                n.set(n.get() + 1);
                let n = n.get();
                let files: Vec<SourceFile> = docs
                    .iter()
                    .enumerate()
                    .map(|(i, t)| SourceFile {
                        path: format!("articles/prop-{n}-{i}.md"),
                        text: Ok(t.clone()),
                    })
                    .collect();
                let started = Instant::now();
                let report = rt.block_on(byline_import::import(&db.store, &files, now));
                prop_assert!(started.elapsed() < PER_CASE, "took {:?}", started.elapsed());
                // Every bad file is named; every other one was imported.
                for e in &report.errors {
                    prop_assert!(e.path.starts_with("articles/prop-"), "{e}");
                    prop_assert!(!e.message.trim().is_empty(), "{e}");
                }
                // Each file is either imported (created, or updated when two share a slug)
                // or reported, never lost without a word.
                let named: std::collections::HashSet<&str> =
                    report.errors.iter().map(|e| e.path.as_str()).collect();
                let a = report.articles;
                let accounted = a.created + a.updated + a.unchanged + named.len();
                prop_assert!(accounted >= files.len(), "{accounted} of {}: {report}", files.len());
                prop_assert!(rt.block_on(db.store.published_count()).unwrap() > 0);
                Ok(())
            })
            .unwrap_or_else(|e| panic!("{:?}: {e}", db.backend()));
    }
}

/// A CSV cell: plain, quoted, broken, or hostile.
fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z]{1,8}@[a-z]{1,6}\\.(org|com)",
        "[a-zA-Z ]{0,12}",
        Just("\"quoted, with comma\"".to_owned()),
        Just("\"unclosed".to_owned()),
        Just("\"\"".to_owned()),
        Just("true".to_owned()),
        Just("maybe".to_owned()),
        Just("2021-03-04".to_owned()),
        Just("2021-13-45".to_owned()),
        Just("=HYPERLINK(\"x\")".to_owned()),
        Just("\u{0}".to_owned()),
        Just("\r".to_owned()),
        ".{0,8}",
    ]
}

fn csv_file() -> impl Strategy<Value = Vec<u8>> {
    let header = proptest::sample::subsequence(members_csv::COLUMNS.to_vec(), 0..=8)
        .prop_map(|cols| cols.join(","));
    let rows = proptest::collection::vec(proptest::collection::vec(cell(), 0..10), 0..12);
    (header, rows, any::<bool>(), any::<bool>()).prop_map(|(h, rows, bom, noise)| {
        let mut out = Vec::new();
        if bom {
            out.extend(b"\xEF\xBB\xBF");
        }
        out.extend(h.as_bytes());
        for r in rows {
            out.push(b'\n');
            out.extend(r.join(",").as_bytes());
        }
        if noise {
            out.extend(b"\n\xff\xfe not utf-8");
        }
        out
    })
}

#[test]
fn members_csv_files_of_any_shape_end_in_a_report_with_lines() {
    let mut runner = TestRunner::new(Config { cases: 1_500, ..Config::default() });
    runner
        .run(&csv_file(), |bytes| {
            let started = Instant::now();
            let (rows, report) = members_csv::read("members.csv", &bytes);
            prop_assert!(started.elapsed() < PER_CASE);
            let lines = bytes.split(|b| *b == b'\n').count();
            prop_assert_eq!(report.valid, rows.len());
            for r in &rows {
                prop_assert!(r.line >= 2 && r.line <= lines, "row line {} of {lines}", r.line);
                prop_assert!(r.member.fields.email.contains('@'));
            }
            for e in &report.errors {
                prop_assert_eq!(&e.path, "members.csv");
                let line = e.line.expect("every problem names its line");
                prop_assert!(line >= 1 && line <= lines, "{e} of {lines} lines");
            }
            Ok(())
        })
        .unwrap();
}

#[test]
fn members_csv_imports_what_it_reads_on_both_databases() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    for db in rt.block_on(databases()) {
        let mut runner = TestRunner::new(Config { cases: 24, ..Config::default() });
        runner
            .run(&csv_file(), |bytes| {
                let started = Instant::now();
                let report = rt
                    .block_on(members_csv::import(&db.store, "members.csv", &bytes, false, None))
                    .expect("a bad file is a report, not a store error");
                prop_assert!(started.elapsed() < PER_CASE);
                prop_assert!(report.added + report.updated <= report.valid);
                Ok(())
            })
            .unwrap_or_else(|e| panic!("{:?}: {e}", db.backend()));
    }
}
