//! `byline import json FILE`: a Byline export (docs/export-format.md), as the JSON document
//! or as the tar archive `--with-media` writes, restored into an empty publication in one
//! transaction: all of it or, when anything is wrong, none of it.

use crate::report::{Problem, Report};
use byline_core::audit::Actor;
use byline_media::MediaStorage;
use byline_store::transfer::{Rows, TABLES, V1_TABLES};
use byline_store::{Store, StoreError};
use serde_json::Value;

/// The format this reader takes, and the newest version it knows.
pub const FORMAT: &str = "byline";
pub const VERSION: u64 = 2;

/// The document and the media files of an export file.
pub struct ExportFile {
    pub document: Vec<u8>,
    pub media: Vec<(String, Vec<u8>)>,
}

/// Reads `bytes` as a plain document or, when it is a tar archive, takes `byline.json` and
/// the files under `media/` from it.
pub fn unpack(path: &str, bytes: Vec<u8>) -> Result<ExportFile, Problem> {
    let is_tar = bytes.len() >= 512 && &bytes[257..262] == b"ustar";
    if !is_tar {
        return Ok(ExportFile { document: bytes, media: Vec::new() });
    }
    let mut document = None;
    let mut media = Vec::new();
    let mut at = 0;
    while at + 512 <= bytes.len() {
        let h = &bytes[at..at + 512];
        if h.iter().all(|b| *b == 0) {
            break;
        }
        let field = |r: std::ops::Range<usize>| {
            let f = &h[r];
            String::from_utf8_lossy(&f[..f.iter().position(|b| *b == 0).unwrap_or(f.len())])
                .into_owned()
        };
        let (name, prefix) = (field(0..100), field(345..500));
        let name = if prefix.is_empty() { name } else { format!("{prefix}/{name}") };
        let size = u64::from_str_radix(field(124..136).trim(), 8).map_err(|_| Problem {
            path: path.to_owned(),
            line: None,
            message: format!("the archive entry {name:?} has no readable size"),
        })? as usize;
        let start = at + 512;
        let Some(data) = bytes.get(start..start + size) else {
            return Err(Problem {
                path: path.to_owned(),
                line: None,
                message: format!("the archive is cut short inside {name:?}"),
            });
        };
        if h[156] == b'0' || h[156] == 0 {
            if name == "byline.json" {
                document = Some(data.to_vec());
            } else if let Some(key) = name.strip_prefix("media/") {
                media.push((key.to_owned(), data.to_vec()));
            }
        }
        at = start + size.div_ceil(512) * 512;
    }
    let document = document.ok_or_else(|| Problem {
        path: path.to_owned(),
        line: None,
        message: "the archive has no byline.json".into(),
    })?;
    Ok(ExportFile { document, media })
}

/// The line of `needle`'s first occurrence in `text`.
fn line_of(text: &str, needle: &str) -> Option<usize> {
    text.find(needle).map(|i| text[..i].matches('\n').count() + 1)
}

/// Checks the document's shape and returns its tables in restore order.
pub fn parse(path: &str, document: &[u8]) -> Result<Vec<(String, Rows)>, Problem> {
    let problem = |line, message: String| Problem { path: path.to_owned(), line, message };
    let text = std::str::from_utf8(document)
        .map_err(|e| problem(None, format!("is not UTF-8 text: {e}")))?;
    let doc: Value = serde_json::from_str(text)
        .map_err(|e| problem(Some(e.line()), format!("is not valid JSON: {e}")))?;
    let format = doc.get("format").and_then(Value::as_str);
    if format != Some(FORMAT) {
        return Err(problem(
            line_of(text, "\"format\""),
            format!("is not a Byline export (\"format\" must be \"{FORMAT}\")"),
        ));
    }
    let version = doc.get("version").and_then(Value::as_u64).unwrap_or(0);
    if version == 0 || version > VERSION {
        return Err(problem(
            line_of(text, "\"version\""),
            format!(
                "is format version {version}; this Byline reads versions 1 to {VERSION} \
                 (import it with the Byline that wrote it, or a newer one)"
            ),
        ));
    }
    let Some(tables) = doc.get("tables").and_then(Value::as_object) else {
        return Err(problem(line_of(text, "\"tables\""), "needs a \"tables\" object".into()));
    };
    // Version 1 files have only version 1's tables.
    let known = if version == 1 { &TABLES[..V1_TABLES] } else { &TABLES[..] };
    for name in tables.keys() {
        if !known.contains(&name.as_str()) {
            return Err(problem(
                line_of(text, &format!("\"{name}\":")),
                format!("has a table {name:?} that format version {version} does not have"),
            ));
        }
    }
    let mut out = Vec::new();
    for name in TABLES {
        let Some(rows) = tables.get(name) else { continue };
        let Some(rows) = rows.as_array() else {
            return Err(problem(
                line_of(text, &format!("\"{name}\":")),
                format!("table {name:?} must be a list of rows"),
            ));
        };
        if let Some(i) = rows.iter().position(|r| !r.is_object()) {
            return Err(problem(
                line_of(text, &format!("\"{name}\":")).map(|l| l + 1 + i),
                format!("row {} of {name:?} is not an object", i + 1),
            ));
        }
        out.push((name.to_owned(), rows.clone()));
    }
    Ok(out)
}

/// Restores a parsed export into `store`, and its media files into `media` when both are
/// given. Refuses a publication that already has content, saying what it has.
pub async fn import_json(
    store: &Store,
    path: &str,
    file: &ExportFile,
    media: Option<&MediaStorage>,
    dry_run: bool,
) -> Result<Report, Problem> {
    let problem = |line, message: String| Problem { path: path.to_owned(), line, message };
    let tables = parse(path, &file.document)?;
    let held = store.holds_content().await.map_err(|e| problem(None, e.to_string()))?;
    if !held.is_empty() {
        let what: Vec<String> = held.iter().map(|(t, n)| format!("{n} {t} rows")).collect();
        return Err(problem(
            None,
            format!(
                "this publication is not empty (it has {}); `byline import json` restores into \
                 an empty publication only: use a new --data folder (or database) and start it \
                 with --no-demo",
                what.join(", ")
            ),
        ));
    }
    store.restore_tables(&Actor::command_line(), &tables, dry_run).await.map_err(|e| {
        // A row the database refused: name its table and row.
        let line = match &e {
            StoreError::Invalid(i) => i.0.first().and_then(|f| {
                let (table, row) = f.field.split_once('[')?;
                let row: usize = row.trim_end_matches(']').parse().ok()?;
                let text = std::str::from_utf8(&file.document).ok()?;
                line_of(text, &format!("\"{table}\":")).map(|l| l + 1 + row)
            }),
            _ => None,
        };
        problem(line, e.to_string())
    })?;
    let mut report = Report { dry_run, ..Report::default() };
    for (name, rows) in &tables {
        let n = rows.len();
        let counts = match name.as_str() {
            "publication" => &mut report.settings,
            "author" => &mut report.authors,
            "page" => &mut report.pages,
            "article" => &mut report.articles,
            "taxonomy" | "term" => &mut report.terms,
            "member" => &mut report.members,
            "media" => &mut report.media,
            "slug_redirect" | "term_redirect" | "old_address" => &mut report.redirects,
            "newsletter" => &mut report.newsletters,
            "comment" => &mut report.comments,
            _ => continue,
        };
        counts.created += n;
    }
    if let Some(storage) = media
        && !dry_run
    {
        for (key, bytes) in &file.media {
            match storage.put(key, bytes.clone().into()).await {
                Ok(()) => {}
                Err(e) => {
                    report.media.failed += 1;
                    report.errors.push(problem(None, format!("media file {key}: {e}")));
                }
            }
        }
    }
    Ok(report)
}
