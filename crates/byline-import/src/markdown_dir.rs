//! A folder of Markdown files: which file is what, in which order they are saved, and the
//! report of what happened. What one file becomes is in [`crate::entries`].

use crate::entries::{ARTICLE_KEYS, article, author, page, store_problem};
use crate::frontmatter::parse;
use crate::report::{Problem, Report};
use crate::settings;
use crate::source::SourceFile;
use crate::{Options, Progress};
use byline_core::PageInput;
use byline_core::slugify;
use byline_store::{Outcome, Saved, Store, StoreError};
use chrono::{DateTime, Utc};
use serde_json::Value;
use std::collections::{BTreeMap, HashSet};

/// Imports Markdown files: `publication.toml` first, then `authors/`, `pages/`, and every
/// other Markdown file as an article. Each file stands alone: one that fails is reported
/// and the rest go on.
pub async fn import(store: &Store, files: &[SourceFile], now: DateTime<Utc>) -> Report {
    import_with(store, files, now, &Options::default(), &crate::no_progress).await
}

/// [`import`] with options (a dry run) and a progress callback told `(files done, files)`.
pub async fn import_with(
    store: &Store,
    files: &[SourceFile],
    now: DateTime<Utc>,
    options: &Options,
    progress: Progress<'_>,
) -> Report {
    let dry = options.dry_run;
    let mut report = Report { dry_run: dry, ..Report::default() };
    let total = files.len() as u64;
    let mut done = 0u64;
    progress(0, total);
    let mut authors = Vec::new();
    let mut pages = Vec::new();
    let mut articles = Vec::new();
    for f in files {
        let text = match &f.text {
            Ok(t) => t,
            Err(e) => {
                report.errors.push(Problem {
                    path: f.path.clone(),
                    line: None,
                    message: format!("cannot read: {e}"),
                });
                *counts_for(&mut report, kind(&f.path)) += 1;
                continue;
            }
        };
        match kind(&f.path) {
            Kind::Settings => settings::apply(store, &f.path, text, dry, &mut report).await,
            Kind::Author => authors.push((f.path.as_str(), text.as_str())),
            Kind::Page => pages.push((f.path.as_str(), text.as_str())),
            Kind::Article => articles.push((f.path.as_str(), text.as_str())),
            Kind::Skipped => {}
        }
    }
    for (path, text) in authors {
        done += 1;
        progress(done, total);
        match author(path, text) {
            Ok(input) => match would(dry, || store.save_author(&input)).await {
                Ok(o) => report.authors.add(o),
                Err(e) => fail(&mut report, Kind::Author, store_problem(path, None, e)),
            },
            Err(p) => fail(&mut report, Kind::Author, p),
        }
    }
    for (path, text) in pages {
        done += 1;
        progress(done, total);
        let doc = match parse(path, text) {
            Ok(d) => d,
            Err(p) => {
                fail(&mut report, Kind::Page, p);
                continue;
            }
        };
        match page(&doc) {
            Ok(input) => match would_page(dry, store, &input, now).await {
                Ok(o) => report.pages.add(o),
                Err(e) => fail(&mut report, Kind::Page, store_problem(path, Some(&doc), e)),
            },
            Err(p) => fail(&mut report, Kind::Page, p),
        }
    }
    let taxonomies: HashSet<String> = match store.taxonomies().await {
        Ok(t) => t.into_iter().map(|t| t.slug).collect(),
        Err(e) => {
            report.errors.push(Problem { path: String::new(), line: None, message: e.to_string() });
            report.articles.failed += articles.len();
            return report;
        }
    };
    // Bylines naming an author nobody has made create a guest author; the report counts them.
    let mut known_authors: HashSet<String> = match store.authors().await {
        Ok(a) => a.into_iter().map(|a| a.slug).collect(),
        Err(e) => {
            report.errors.push(Problem { path: String::new(), line: None, message: e.to_string() });
            report.articles.failed += articles.len();
            return report;
        }
    };
    let mut ignored: BTreeMap<String, (usize, String)> = BTreeMap::new();
    for (path, text) in articles {
        done += 1;
        progress(done, total);
        let doc = match parse(path, text) {
            Ok(d) => d,
            Err(p) => {
                fail(&mut report, Kind::Article, p);
                continue;
            }
        };
        if doc.keys.get("type").and_then(Value::as_str) == Some("page")
            || doc.keys.get("layout").and_then(Value::as_str) == Some("page")
        {
            // Jekyll and Hugo mark standalone pages this way.
            match page(&doc) {
                Ok(input) => match would_page(dry, store, &input, now).await {
                    Ok(o) => report.pages.add(o),
                    Err(e) => fail(&mut report, Kind::Page, store_problem(path, Some(&doc), e)),
                },
                Err(p) => fail(&mut report, Kind::Page, p),
            }
            continue;
        }
        for key in doc.keys.keys() {
            if !ARTICLE_KEYS.contains(&key.as_str()) && !taxonomies.contains(key) {
                let e = ignored.entry(key.clone()).or_insert((0, path.to_owned()));
                e.0 += 1;
            }
        }
        match article(&doc, &taxonomies, now) {
            Ok(input) => match input.validate() {
                Ok(fields) => {
                    let key = format!("markdown:{path}");
                    match would(dry, || store.save_article(&fields, Some(&key))).await {
                        Ok(o) => {
                            report.articles.add(o);
                            for name in &fields.authors {
                                if known_authors.insert(slugify(name)) {
                                    report.authors.created += 1;
                                }
                            }
                        }
                        Err(e) => {
                            fail(&mut report, Kind::Article, store_problem(path, Some(&doc), e))
                        }
                    }
                }
                Err(invalid) => fail(
                    &mut report,
                    Kind::Article,
                    store_problem(path, Some(&doc), invalid.into()),
                ),
            },
            Err(p) => fail(&mut report, Kind::Article, p),
        }
    }
    for (key, (n, example)) in ignored {
        let files = if n == 1 { "1 file".to_owned() } else { format!("{n} files") };
        report.warnings.push(Problem {
            path: example,
            line: None,
            message: format!(
                "front matter key `{key}` is not used by Byline and was ignored ({files}); \
                 if it lists terms, add a taxonomy with slug `{key}` in publication.toml"
            ),
        });
    }
    report
}

/// Saves through `save`, or in a dry run saves nothing and counts the item as one that
/// would be written.
async fn would<T, F>(dry: bool, save: impl FnOnce() -> F) -> Result<Outcome, StoreError>
where
    F: std::future::Future<Output = Result<Saved<T>, StoreError>>,
{
    if dry { Ok(Outcome::Created) } else { save().await.map(|s| s.outcome) }
}

async fn would_page(
    dry: bool,
    store: &Store,
    input: &PageInput,
    now: DateTime<Utc>,
) -> Result<Outcome, StoreError> {
    if dry {
        input.validate(now).map(|_| Outcome::Created).map_err(Into::into)
    } else {
        store.save_page(input).await.map(|s| s.outcome)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Settings,
    Author,
    Page,
    Article,
    Skipped,
}

fn kind(path: &str) -> Kind {
    let parts: Vec<&str> = path.split('/').collect();
    let file = parts.last().copied().unwrap_or("");
    let parent = parts.len().checked_sub(2).map(|i| parts[i]);
    if path == "publication.toml" {
        return Kind::Settings;
    }
    if !path.ends_with(".md") && !path.ends_with(".markdown") {
        return Kind::Skipped;
    }
    // Section index files of Hugo and Zola, and a repository's own papers.
    if file == "_index.md" || (parts.len() == 1 && is_repo_file(file)) {
        return Kind::Skipped;
    }
    match parent {
        Some("authors") => Kind::Author,
        Some("pages") => Kind::Page,
        _ if parts.len() == 1 && file == "index.md" => Kind::Skipped,
        _ => Kind::Article,
    }
}

fn is_repo_file(file: &str) -> bool {
    let stem = file.rsplit_once('.').map_or(file, |(s, _)| s).to_ascii_uppercase();
    matches!(stem.as_str(), "README" | "CHANGELOG" | "LICENSE" | "LICENCE" | "CONTRIBUTING" | "404")
}

fn counts_for(report: &mut Report, kind: Kind) -> &mut usize {
    match kind {
        Kind::Settings => &mut report.settings.failed,
        Kind::Author => &mut report.authors.failed,
        Kind::Page => &mut report.pages.failed,
        Kind::Article | Kind::Skipped => &mut report.articles.failed,
    }
}

fn fail(report: &mut Report, kind: Kind, p: Problem) {
    *counts_for(report, kind) += 1;
    report.errors.push(p);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_paths() {
        assert_eq!(kind("publication.toml"), Kind::Settings);
        assert_eq!(kind("authors/anna.md"), Kind::Author);
        assert_eq!(kind("content/authors/anna.md"), Kind::Author);
        assert_eq!(kind("pages/about.md"), Kind::Page);
        assert_eq!(kind("posts/x.md"), Kind::Article);
        assert_eq!(kind("content/posts/_index.md"), Kind::Skipped);
        assert_eq!(kind("README.md"), Kind::Skipped);
    }
}
