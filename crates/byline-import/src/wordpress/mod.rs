//! `byline import wordpress FILE.xml`: a WordPress export (WXR 1.0 to 1.2) read as a stream
//! in two passes, so memory stays flat whatever the file's size: the first finds the
//! attachments (and keeps the images in the media library), the second saves authors,
//! terms, posts and pages in file order, each with its old addresses. In the second, a
//! thread reads the file and converts each body to Markdown a few records ahead of the
//! writes. A record that cannot
//! be saved is reported with its line and reason and the rest goes on; a file that stops
//! being XML is reported where it breaks, after everything before that point was imported.
//! Importing the same file again updates instead of duplicating (articles are matched by
//! their WordPress GUID, pages by slug, terms by slug, authors by slug or staff email).

mod addresses;
mod batches;
mod comments;
mod content;
mod items;
mod media;
mod paragraphs;
mod people;
mod records;
mod report;
mod wxr;

pub use media::MediaTarget;
pub use report::WxrReport;

use crate::report::Problem;
use byline_store::Store;
use content::{Converted, Library};
use records::{WpAuthor, WpItem, WpTerm};
use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tokio::sync::mpsc::Sender;
use wxr::{ReadError, Record, Wxr};

/// What `byline import wordpress` was asked to do.
#[derive(Clone, Default)]
pub struct WordPressOptions {
    /// The site's `wp-content/uploads` folder, where attachments are read from.
    pub uploads: Option<PathBuf>,
    /// Fetch attachments the uploads folder does not have from their old URLs.
    pub fetch_media: bool,
    /// Where images go (the media library's storage); without it attachments keep their old
    /// URLs.
    pub media: Option<MediaTarget>,
    /// `(wordpress taxonomy, byline taxonomy)`: `category=themes` files categories under an
    /// existing taxonomy.
    pub map: Vec<(String, String)>,
    /// Read and check everything, write nothing.
    pub dry_run: bool,
}

/// Told how far the import has come, in bytes of the file read (both passes count).
pub trait Progress: Send + Sync {
    fn start(&self, total: u64);
    fn at(&self, done: u64);
    fn finish(&self);
}

/// No progress shown.
pub struct Quiet;

impl Progress for Quiet {
    fn start(&self, _: u64) {}
    fn at(&self, _: u64) {}
    fn finish(&self) {}
}

/// Imports the WXR file at `file`.
pub async fn import_wordpress(
    store: &Store,
    file: &Path,
    options: &WordPressOptions,
    progress: &dyn Progress,
) -> WxrReport {
    let path = file.display().to_string();
    let mut report = WxrReport { dry_run: options.dry_run, ..Default::default() };
    let size = match std::fs::metadata(file) {
        Ok(m) => m.len(),
        Err(e) => {
            report.errors.push(Problem { path, line: None, message: format!("cannot read: {e}") });
            return report;
        }
    };
    progress.start(size * 2);
    // Pass 1: the attachments, so that bodies and featured images can name them.
    let mut found = Vec::new();
    let mut reader = match open(file) {
        Ok(r) => r,
        Err(message) => {
            report.errors.push(Problem { path, line: None, message });
            return report;
        }
    };
    loop {
        match reader.next_record() {
            Ok(Some(r)) if r.node.name == "item" => {
                let item = WpItem::from_node(&r.node, r.line);
                if item.post_type == "attachment"
                    && let Some(f) = media::Found::of(&item)
                {
                    found.push(f);
                }
                progress.at(reader.position());
            }
            Ok(Some(_)) => {}
            // Reported by the second pass, which stops at the same place.
            Ok(None) | Err(_) => break,
        }
    }
    let sources =
        media::Sources { uploads: options.uploads.as_deref(), fetch: options.fetch_media };
    let lib = media::keep_all(
        store,
        found,
        sources,
        options.media.as_ref(),
        options.dry_run,
        &path,
        &mut report,
    )
    .await;
    // Pass 2: everything else, in file order. A thread reads the file and converts each
    // body ahead of the writes, so that both cores work.
    let reader = match open(file) {
        Ok(r) => r,
        Err(message) => {
            report.errors.push(Problem { path, line: None, message });
            return report;
        }
    };
    let lib = Arc::new(lib);
    let (tx, mut rx) = tokio::sync::mpsc::channel(READ_AHEAD);
    let reading = {
        let lib = lib.clone();
        std::thread::spawn(move || read_ahead(reader, &lib, &tx))
    };
    let mut run = items::Run::new(store, options, &path, lib);
    // The line of the last record handed over, for a reading thread that fails after it.
    let mut last_line = None;
    while let Some(next) = rx.recv().await {
        match next {
            Read::Item(it, at) => {
                last_line = Some(it.line);
                run.item(*it, &mut report).await;
                progress.at(size + at);
            }
            Read::Other(r, at) => {
                last_line = Some(r.line);
                let n = &r.node;
                match n.name.as_str() {
                    "wp:wxr_version" => run.version(n.text.trim(), r.line, &mut report),
                    "wp:base_blog_url" => run.base_url(n.text.trim()),
                    "wp:base_site_url" => run.base_url_fallback(n.text.trim()),
                    "title" => run.site_title(n.text.trim()),
                    "wp:author" => {
                        run.author(&WpAuthor::from_node(n), r.line, &mut report).await;
                    }
                    "wp:category" | "wp:tag" | "wp:term" => {
                        run.term(&WpTerm::from_node(n), r.line, &mut report).await;
                    }
                    _ => {}
                }
                progress.at(size + at);
            }
            Read::Broken(ReadError { line, message }) => {
                report.errors.push(Problem { path: path.clone(), line: Some(line), message });
                break;
            }
        }
    }
    drop(rx);
    if let Err(panic) = reading.join() {
        // Not the end of the file: say so, or the report would pass a cut import as whole.
        let why = panic
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "no reason given".to_owned());
        report.errors.push(Problem {
            path: path.clone(),
            line: last_line,
            message: format!(
                "reading stopped after the record on this line ({why}); everything before it \
                 was imported"
            ),
        });
    }
    run.finish(&mut report).await;
    progress.finish();
    report
}

/// Records read ahead of the writes: enough to keep the writes busy, few enough that memory
/// stays flat.
const READ_AHEAD: usize = 32;

/// What the reading thread hands over, with how far into the file it is.
enum Read {
    /// An item, its body already converted if it is a post or a page.
    Item(Box<WpItem>, u64),
    Other(Record, u64),
    /// The file stopped being XML here; nothing follows.
    Broken(ReadError),
}

/// Pass 2's reading, on a thread of its own: each record of the file in order, each post's
/// and page's text converted to Markdown. Stops at the end, at a break, or when the import
/// stops listening.
fn read_ahead(mut reader: Wxr<BufReader<File>>, lib: &Library, tx: &Sender<Read>) {
    loop {
        let next = match reader.next_record() {
            Ok(Some(r)) if r.node.name == "item" => {
                let mut it = WpItem::from_node(&r.node, r.line);
                if matches!(it.post_type.as_str(), "post" | "page") {
                    it.converted = Some(Converted::of(&it, lib));
                }
                Read::Item(Box::new(it), reader.position())
            }
            Ok(Some(r)) => Read::Other(r, reader.position()),
            Ok(None) => return,
            Err(e) => Read::Broken(e),
        };
        let last = matches!(next, Read::Broken(_));
        if tx.blocking_send(next).is_err() || last {
            return;
        }
    }
}

fn open(file: &Path) -> Result<Wxr<BufReader<File>>, String> {
    let f = File::open(file).map_err(|e| format!("cannot read: {e}"))?;
    Ok(Wxr::new(BufReader::with_capacity(256 * 1024, f)))
}
