//! `byline export json`: the whole publication as one versioned JSON document (described in
//! docs/export-format.md), and with `--with-media` a tar archive holding that document and
//! the media library's files.
//!
//! The document is written the same way every time: tables in a fixed order, rows in
//! primary-key order, one row per line, and no time of export, so exporting an unchanged
//! publication twice gives the same bytes.

use crate::error::ExportError;
use byline_media::MediaStorage;
use byline_store::Store;
use byline_store::transfer::TABLES;
use std::io::Write;
use std::path::Path;

/// What the document says it is.
pub const FORMAT: &str = "byline";
/// The format's version. Version 1 had the first `V1_TABLES` of [`TABLES`]; version 2 adds
/// old addresses, newsletters (subscriptions, sends and their recipients, suppressions) and
/// comments. Readers of version 1 refuse it.
pub const VERSION: u64 = 2;
/// The document's name inside a `--with-media` archive.
pub const DOCUMENT_IN_ARCHIVE: &str = "byline.json";

/// Rows written per table, in [`TABLES`] order, and media files added.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JsonReport {
    pub tables: Vec<(&'static str, usize)>,
    pub media_files: u64,
    pub media_bytes: u64,
    pub bytes: u64,
}

/// The document, as bytes. `progress` is told `(tables done, tables)`.
pub async fn json_document(
    store: &Store,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> Result<(Vec<u8>, JsonReport), ExportError> {
    let mut out = Vec::new();
    let mut report = JsonReport::default();
    let w = |e: std::io::Error| ExportError::Write { path: "(memory)".into(), source: e };
    write!(out, "{{\n\"format\": \"{FORMAT}\",\n\"version\": {VERSION},\n\"tables\": {{")
        .map_err(w)?;
    for (i, table) in TABLES.iter().enumerate() {
        progress(i as u64, TABLES.len() as u64);
        let rows = store.table_rows(table).await?;
        let sep = if i == 0 { "" } else { "," };
        write!(out, "{sep}\n\"{table}\": [").map_err(w)?;
        for (j, row) in rows.iter().enumerate() {
            let sep = if j == 0 { "" } else { "," };
            let line =
                serde_json::to_string(row).map_err(|e| w(std::io::Error::other(e.to_string())))?;
            write!(out, "{sep}\n{line}").map_err(w)?;
        }
        let end = if rows.is_empty() { "]" } else { "\n]" };
        out.write_all(end.as_bytes()).map_err(w)?;
        report.tables.push((table, rows.len()));
    }
    out.write_all(b"\n}\n}\n").map_err(w)?;
    progress(TABLES.len() as u64, TABLES.len() as u64);
    report.bytes = out.len() as u64;
    Ok((out, report))
}

/// Writes the document to `file`; with `media`, a tar archive of the document and every
/// media file under `media/`.
pub async fn export_json(
    store: &Store,
    file: &Path,
    media: Option<&MediaStorage>,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> Result<JsonReport, ExportError> {
    let (doc, mut report) = json_document(store, progress).await?;
    let write_err = |source| ExportError::Write { path: file.to_owned(), source };
    let Some(storage) = media else {
        std::fs::write(file, &doc).map_err(write_err)?;
        return Ok(report);
    };
    let mut out = std::io::BufWriter::new(std::fs::File::create(file).map_err(write_err)?);
    crate::tar::append(&mut out, DOCUMENT_IN_ARCHIVE, &doc).map_err(write_err)?;
    let mut keys = storage.list().await.map_err(|e| ExportError::Media(e.to_string()))?;
    keys.sort();
    for key in keys {
        if !byline_media::storage::valid_key(&key) {
            tracing::warn!(%key, "not a media file; left out of the export");
            continue;
        }
        let Some(bytes) = storage.get(&key).await.map_err(|e| ExportError::Media(e.to_string()))?
        else {
            continue;
        };
        crate::tar::append(&mut out, &format!("media/{key}"), &bytes).map_err(write_err)?;
        report.media_files += 1;
        report.media_bytes += bytes.len() as u64;
    }
    crate::tar::finish(&mut out).map_err(write_err)?;
    out.flush().map_err(write_err)?;
    Ok(report)
}
