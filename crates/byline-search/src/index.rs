//! The index on disk: opening it (or deciding it must be rebuilt), writing documents,
//! committing with the change-log position it reflects.

use crate::SearchError;
use crate::doc::{article_doc, article_key, page_doc, page_key};
use crate::schema::{Fields, SCHEMA_VERSION, register, schema};
use byline_core::Page;
use byline_store::IndexedArticle;
use chrono::Utc;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, Term};

/// The file beside the index that names the schema version and language it was built with.
const VERSION_FILE: &str = "byline-search-version";
/// An index whose last commit is older than this may have missed changes the log has since
/// forgotten (it keeps a day): it is rebuilt.
const STALE_AFTER_SECS: i64 = 20 * 3600;
/// Memory for each writing thread's buffer before it writes a segment: only a ceiling (the
/// buffers grow as documents come, and a change or two takes little), set high so a rebuild
/// leaves a few large segments rather than many small ones to merge.
const WRITER_BYTES_PER_THREAD: usize = 200_000_000;
/// Threads analysing documents while they are written: one per core, at most four.
fn writer_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 4)
}

/// One node's search index.
pub struct SearchIndex {
    pub(crate) index: Index,
    pub(crate) reader: IndexReader,
    pub(crate) writer: Mutex<IndexWriter>,
    pub(crate) fields: Fields,
    pub(crate) dir: PathBuf,
    pub(crate) language: String,
    /// True once the index holds every published article (else search asks the database).
    pub(crate) ready: AtomicBool,
    /// Where in the change log the index stands; held while applying changes or rebuilding.
    pub(crate) follow: tokio::sync::Mutex<i64>,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex")
            .field("dir", &self.dir)
            .field("language", &self.language)
            .field("ready", &self.is_ready())
            .finish()
    }
}

impl SearchIndex {
    /// Opens the index in `dir` (creating the folder), for a publication in `language`.
    /// Returns why it must be rebuilt, if it must: missing, another schema version or
    /// language, or too old to catch up from the change log. Until rebuilt it is not ready.
    pub fn open(dir: &Path, language: &str) -> Result<(SearchIndex, Option<String>), SearchError> {
        std::fs::create_dir_all(dir).map_err(|e| SearchError::io(dir, e))?;
        let version_path = dir.join(VERSION_FILE);
        let want = format!("{SCHEMA_VERSION} {language}");
        let have = std::fs::read_to_string(&version_path).ok();
        let (schema, fields) = schema();
        let existing = dir.join("meta.json").exists();
        let mut why = None;
        let index = if existing && have.as_deref().map(str::trim) == Some(want.as_str()) {
            Index::open_in_dir(dir)?
        } else {
            why = Some(if existing {
                format!(
                    "the index was built as {:?}, this version needs {want:?}",
                    have.unwrap_or_default().trim()
                )
            } else {
                "there is no index yet".to_owned()
            });
            clear(dir)?;
            let index = Index::create_in_dir(dir, schema)?;
            std::fs::write(&version_path, &want).map_err(|e| SearchError::io(&version_path, e))?;
            index
        };
        register(&index, language);
        let mut cursor = -1;
        if why.is_none() {
            match index.load_metas()?.payload.as_deref().and_then(parse_payload) {
                Some((c, at)) if Utc::now().timestamp() - at < STALE_AFTER_SECS => cursor = c,
                Some(_) => why = Some("the index is more than 20 hours old".to_owned()),
                None => why = Some("the index was never completed".to_owned()),
            }
        }
        let threads = writer_threads();
        let writer = index
            .writer_with_num_threads(threads, threads * WRITER_BYTES_PER_THREAD)
            .map_err(|e| match e {
                tantivy::TantivyError::LockFailure(..) => SearchError::Busy(dir.to_owned()),
                e => SearchError::Index(e),
            })?;
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
        Ok((
            SearchIndex {
                index,
                reader,
                writer: Mutex::new(writer),
                fields,
                dir: dir.to_owned(),
                language: language.to_owned(),
                ready: AtomicBool::new(why.is_none()),
                follow: tokio::sync::Mutex::new(cursor),
            },
            why,
        ))
    }

    /// Whether the index holds every published article (else search answers from the
    /// database's simple match).
    pub fn is_ready(&self) -> bool {
        self.ready.load(Ordering::Acquire)
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The publication language the index stems for.
    pub fn language(&self) -> &str {
        &self.language
    }

    /// How many documents (articles and pages) the index holds.
    pub fn len(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub(crate) fn writer(&self) -> std::sync::MutexGuard<'_, IndexWriter> {
        self.writer.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Replaces these articles' documents (not yet committed).
    pub(crate) fn put_articles(&self, articles: &[IndexedArticle]) -> Result<(), SearchError> {
        self.add_articles(articles, true)
    }

    /// Adds these articles' documents to an index emptied since its last commit, where none
    /// has a document to replace: a rebuild. (Each replacement is a delete that tantivy
    /// applies as a term query on every segment it writes.)
    pub(crate) fn add_new_articles(&self, articles: &[IndexedArticle]) -> Result<(), SearchError> {
        self.add_articles(articles, false)
    }

    fn add_articles(&self, articles: &[IndexedArticle], replace: bool) -> Result<(), SearchError> {
        let w = self.writer();
        for a in articles {
            if replace {
                w.delete_term(Term::from_field_text(self.fields.key, &article_key(a.id)));
            }
            w.add_document(article_doc(&self.fields, a))?;
        }
        Ok(())
    }

    pub(crate) fn remove_article(&self, id: i64) {
        self.writer().delete_term(Term::from_field_text(self.fields.key, &article_key(id)));
    }

    /// Replaces every page's document with these pages'.
    pub(crate) fn put_pages(&self, pages: &[Page]) -> Result<(), SearchError> {
        let w = self.writer();
        w.delete_term(Term::from_field_text(self.fields.filters, "kind=page"));
        for p in pages {
            w.delete_term(Term::from_field_text(self.fields.key, &page_key(p.id)));
            w.add_document(page_doc(&self.fields, p))?;
        }
        Ok(())
    }

    /// Commits what was written as reflecting the change log up to `cursor`, and shows it.
    pub(crate) fn commit(&self, cursor: i64) -> Result<(), SearchError> {
        {
            let mut w = self.writer();
            let mut prepared = w.prepare_commit()?;
            prepared.set_payload(&format!("{cursor} {}", Utc::now().timestamp()));
            prepared.commit()?;
        }
        self.reader.reload()?;
        Ok(())
    }
}

fn parse_payload(p: &str) -> Option<(i64, i64)> {
    let (c, at) = p.split_once(' ')?;
    Some((c.parse().ok()?, at.parse().ok()?))
}

/// Removes an old index's files from the folder: only files tantivy and this crate write
/// there, so a `search_dir` shared with anything else loses nothing else.
fn clear(dir: &Path) -> Result<(), SearchError> {
    const OURS: [&str; 8] = ["idx", "pos", "term", "store", "fast", "fieldnorm", "del", "lock"];
    for entry in std::fs::read_dir(dir).map_err(|e| SearchError::io(dir, e))? {
        let path = entry.map_err(|e| SearchError::io(dir, e))?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        let ours =
            matches!(name, "meta.json" | ".managed.json" | VERSION_FILE) || OURS.contains(&ext);
        if ours && path.is_file() {
            std::fs::remove_file(&path).map_err(|e| SearchError::io(&path, e))?;
        }
    }
    Ok(())
}
