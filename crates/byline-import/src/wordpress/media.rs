//! Attachments into the media library: each image found in the uploads folder is checked,
//! re-encoded without metadata and kept (byline-media), and recorded with the job that makes
//! its copies; bodies then link to it. The same file imported again finds the image already
//! kept (the library is content-addressed).

use super::content::{Attachment, Library, upload_path};
use super::records::WpItem;
use super::report::WxrReport;
use crate::report::Problem;
use byline_core::audit::Actor;
use byline_core::media::NewMedia;
use byline_media::{Limits, MediaStorage};
use byline_store::Store;
use std::path::{Path, PathBuf};

/// Where imported images go.
#[derive(Clone)]
pub struct MediaTarget {
    pub storage: MediaStorage,
    pub limits: Limits,
}

/// One attachment as the first pass found it.
pub(crate) struct Found {
    pub id: i64,
    pub line: usize,
    pub url: String,
    pub attachment: Attachment,
}

impl Found {
    pub fn of(item: &WpItem) -> Option<Self> {
        let id = item.id?;
        let url = match item.attachment_url.as_str() {
            "" => item.guid.clone(),
            u => u.to_owned(),
        };
        let alt = item.meta("_wp_attachment_image_alt").unwrap_or_default();
        Some(Self {
            id,
            line: item.line,
            attachment: Attachment {
                url: url.clone(),
                alt,
                caption: item.excerpt.clone(),
                parent: item.parent,
            },
            url,
        })
    }
}

/// Where the attachments' files come from.
pub(crate) struct Sources<'a> {
    pub uploads: Option<&'a Path>,
    /// Fetch from the old site what the uploads folder does not have.
    pub fetch: bool,
}

/// Keeps every attachment it can and fills the library bodies are rewritten with.
pub(crate) async fn keep_all(
    store: &Store,
    found: Vec<Found>,
    sources: Sources<'_>,
    target: Option<&MediaTarget>,
    dry_run: bool,
    path: &str,
    report: &mut WxrReport,
) -> Library {
    let mut lib = Library::default();
    let client = sources.fetch.then(|| {
        reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(60))
            .user_agent("Byline WordPress importer")
            .build()
            .ok()
    });
    let client = client.flatten();
    for f in found {
        let mut att = f.attachment;
        let rel = upload_path(&f.url);
        let file: Option<PathBuf> = match (sources.uploads, &rel) {
            (Some(dir), Some(rel)) => Some(dir.join(rel)),
            _ => None,
        };
        let warn = |report: &mut WxrReport, message: String| {
            report.warnings.push(Problem { path: path.to_owned(), line: Some(f.line), message });
        };
        let read = match (&file, &client, target) {
            (_, _, None) => Err(None),
            (Some(file), _, Some(_)) if file.is_file() => std::fs::read(file)
                .map_err(|e| Some(format!("cannot read {}: {e}", file.display()))),
            (_, Some(client), Some(t)) => {
                fetch(client, &f.url, t.limits.max_bytes).await.map_err(Some)
            }
            (Some(file), None, Some(_)) => Err(Some(format!("{} is not there", file.display()))),
            (None, None, Some(_)) => Err(None),
        };
        let file =
            file.unwrap_or_else(|| PathBuf::from(f.url.rsplit('/').next().unwrap_or("image")));
        match (read, target) {
            (Ok(bytes), Some(target)) => match bytes {
                bytes if dry_run => {
                    match byline_media::process::sniff(&bytes) {
                        Some(_) => report.media.created += 1,
                        None => warn(report, not_image(&f.url)),
                    };
                }
                bytes => match keep(store, target, bytes, &file, &att.alt).await {
                    Ok(Some((url, outcome))) => {
                        report.media.add(outcome);
                        if let Some(rel) = &rel {
                            lib.by_upload.insert(rel.clone(), url.clone());
                        }
                        att.url = url;
                    }
                    Ok(None) => warn(report, not_image(&f.url)),
                    Err(message) => {
                        report.media.failed += 1;
                        report.errors.push(Problem {
                            path: path.to_owned(),
                            line: Some(f.line),
                            message: format!("attachment {}: {message}", f.url),
                        });
                    }
                },
            },
            (Err(Some(why)), _) => {
                warn(report, format!("attachment {}: {why}; its old URL is kept", f.url))
            }
            _ => report.skip(
                "attachments (no --uploads folder or --fetch-media; their old URLs are kept)",
                1,
            ),
        }
        lib.by_id.insert(f.id, att);
    }
    lib
}

/// The file at `url` (http or https only), refused past `max` bytes.
async fn fetch(client: &reqwest::Client, url: &str, max: u64) -> Result<Vec<u8>, String> {
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        return Err("not an http(s) URL to fetch".to_owned());
    }
    let mut res = client.get(url).send().await.map_err(|e| format!("cannot fetch: {e}"))?;
    if !res.status().is_success() {
        return Err(format!("fetching answered {}", res.status()));
    }
    let mut bytes = Vec::new();
    while let Some(chunk) = res.chunk().await.map_err(|e| format!("cannot fetch: {e}"))? {
        bytes.extend_from_slice(&chunk);
        if bytes.len() as u64 > max {
            return Err(format!("larger than {} MiB, the most an image may be", max >> 20));
        }
    }
    Ok(bytes)
}

fn not_image(url: &str) -> String {
    format!(
        "attachment {url} is not an image the media library keeps (JPEG, PNG, WebP, GIF); its old URL is kept"
    )
}

/// One image into the library: its URL there and whether it was new; `None` when the file is
/// not an image the library keeps.
async fn keep(
    store: &Store,
    target: &MediaTarget,
    bytes: Vec<u8>,
    file: &Path,
    alt: &str,
) -> Result<Option<(String, byline_store::Outcome)>, String> {
    if byline_media::process::sniff(&bytes).is_none() {
        return Ok(None);
    }
    let limits = target.limits;
    let first = tokio::task::spawn_blocking(move || byline_media::original(&bytes, &limits))
        .await
        .map_err(|e| format!("image processing stopped: {e}"))?
        .map_err(|e| e.to_string())?;
    target
        .storage
        .put(&first.file.key, first.file.bytes.clone())
        .await
        .map_err(|e| format!("could not keep {}: {e}", first.file.key))?;
    let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let new = NewMedia {
        name: first.name,
        original_name: name,
        bytes: first.file.bytes.len() as u64,
        alt: alt.chars().take(byline_core::media::MAX_ALT_CHARS).collect(),
        copies_due: first.copies_due,
    };
    let saved = store.add_media(&Actor::command_line(), &new).await.map_err(|e| e.to_string())?;
    Ok(Some((saved.value.url, saved.outcome)))
}
