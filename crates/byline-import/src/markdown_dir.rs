//! A folder of Markdown files: what each file is, and how its front matter maps to Byline.

use crate::frontmatter::{Document, list_of_text, parse};
use crate::report::{Problem, Report};
use crate::settings;
use crate::source::SourceFile;
use byline_core::{
    ArticleInput, ArticleStatus, AuthorInput, AuthorLink, License, PageInput, slugify,
};
use byline_store::{Store, StoreError};
use chrono::{DateTime, Utc};
use serde_json::Value;
use std::collections::{BTreeMap, HashSet};

/// Keys Byline reads from an article's front matter; anything else is reported once per key.
const ARTICLE_KEYS: &[&str] = &[
    "title",
    "date",
    "publishdate",
    "publishDate",
    "published_at",
    "updated",
    "lastmod",
    "last_modified_at",
    "modified",
    "draft",
    "published",
    "status",
    "slug",
    "summary",
    "description",
    "excerpt",
    "subtitle",
    "authors",
    "author",
    "note",
    "source_name",
    "source_url",
    "copyright",
    "copyright_year",
    "license",
    "licence",
    "canonical",
    "canonical_url",
    "canonicalURL",
    "image",
    "featured_image",
    "image_alt",
    "image_caption",
    "seo_title",
    "seo_description",
    "taxonomies",
    // Machinery of other generators that carries no content.
    "layout",
    "type",
    "weight",
    "aliases",
    "url",
    "permalink",
    "template",
    "toc",
    "math",
    "comments",
    "menu",
    "extra",
    "render",
    "in_search_index",
    "sort_by",
    "paginate_by",
    "categories_weight",
    "tags_weight",
    "showToc",
    "TocOpen",
    "ShowToc",
    "hidemeta",
];

/// Imports Markdown files: `publication.toml` first, then `authors/`, `pages/`, and every
/// other Markdown file as an article. Each file stands alone: one that fails is reported
/// and the rest go on.
pub async fn import(store: &Store, files: &[SourceFile], now: DateTime<Utc>) -> Report {
    let mut report = Report::default();
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
            Kind::Settings => settings::apply(store, &f.path, text, &mut report).await,
            Kind::Author => authors.push((f.path.as_str(), text.as_str())),
            Kind::Page => pages.push((f.path.as_str(), text.as_str())),
            Kind::Article => articles.push((f.path.as_str(), text.as_str())),
            Kind::Skipped => {}
        }
    }
    for (path, text) in authors {
        match author(path, text) {
            Ok(input) => match store.save_author(&input).await {
                Ok(s) => report.authors.add(s.outcome),
                Err(e) => fail(&mut report, Kind::Author, store_problem(path, None, e)),
            },
            Err(p) => fail(&mut report, Kind::Author, p),
        }
    }
    for (path, text) in pages {
        let doc = match parse(path, text) {
            Ok(d) => d,
            Err(p) => {
                fail(&mut report, Kind::Page, p);
                continue;
            }
        };
        match page(&doc) {
            Ok(input) => match store.save_page(&input).await {
                Ok(s) => report.pages.add(s.outcome),
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
    let mut ignored: BTreeMap<String, (usize, String)> = BTreeMap::new();
    for (path, text) in articles {
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
                Ok(input) => match store.save_page(&input).await {
                    Ok(s) => report.pages.add(s.outcome),
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
                    match store.save_article(&fields, Some(&key)).await {
                        Ok(s) => report.articles.add(s.outcome),
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

/// A store error as a problem in a file, on the line of the first field it names.
fn store_problem(path: &str, doc: Option<&Document<'_>>, e: StoreError) -> Problem {
    let line = match (&e, doc) {
        (StoreError::Invalid(i), Some(d)) => i.0.first().and_then(|f| {
            let key = f.field.split(['[', '.']).next().unwrap_or(&f.field);
            d.line_of(front_matter_name(key))
        }),
        _ => None,
    };
    Problem { path: path.to_owned(), line, message: e.to_string() }
}

/// The front matter key a validated field comes from.
fn front_matter_name(field: &str) -> &str {
    match field {
        "canonical_url" => "canonical",
        "copyright_holder" => "copyright",
        "published_at" => "date",
        "excerpt" => "summary",
        other => other,
    }
}

/// The file's name without extension, or its folder's for a page bundle (`x/index.md`),
/// without a Jekyll date prefix (`2026-03-14-x.md`).
fn file_slug(path: &str) -> (String, Option<DateTime<Utc>>) {
    let parts: Vec<&str> = path.split('/').collect();
    let file = parts.last().copied().unwrap_or(path);
    let stem = file.rsplit_once('.').map_or(file, |(s, _)| s);
    let stem = if stem == "index" && parts.len() > 1 { parts[parts.len() - 2] } else { stem };
    // Byte 10 being `-` makes 10 and 11 character boundaries, so the slices cannot panic.
    if stem.len() > 11
        && stem.as_bytes()[10] == b'-'
        && let Some(date) = crate::frontmatter::parse_date(&stem[..10])
    {
        return (slugify(&stem[11..]), Some(date));
    }
    (slugify(stem), None)
}

fn author(path: &str, text: &str) -> Result<AuthorInput, Problem> {
    let doc = parse(path, text)?;
    let links = match doc.first(&["links"]) {
        None => Vec::new(),
        Some((k, Value::Array(items))) => items
            .iter()
            .map(|i| match i {
                Value::Object(m) => Ok(AuthorLink {
                    title: m.get("title").and_then(Value::as_str).unwrap_or_default().to_owned(),
                    url: m.get("url").and_then(Value::as_str).unwrap_or_default().to_owned(),
                }),
                _ => Err(doc.problem(k, "each of `links` needs a `title` and a `url`")),
            })
            .collect::<Result<_, _>>()?,
        Some((k, _)) => return Err(doc.problem(k, "`links` must be a list of {title, url}")),
    };
    let name = doc.text(&["name", "title"])?.unwrap_or_default();
    if name.trim().is_empty() {
        return Err(Problem {
            path: path.to_owned(),
            line: Some(1),
            message: "an author needs a `name`".into(),
        });
    }
    let input = AuthorInput {
        name,
        slug: Some(doc.text(&["slug"])?.unwrap_or_else(|| file_slug(path).0)),
        bio: Some(doc.body.trim().to_owned()),
        photo: doc.text(&["photo", "avatar", "image"])?,
        website: doc.text(&["website", "url"])?,
        email: doc.text(&["email"])?,
        links,
        guest: doc.bool(&["guest"])?.unwrap_or(false),
    };
    input.validate().map_err(|e| store_problem(path, Some(&doc), e.into()))?;
    Ok(input)
}

fn page(doc: &Document<'_>) -> Result<PageInput, Problem> {
    let title = doc.text(&["title"])?.unwrap_or_default();
    if title.trim().is_empty() {
        return Err(Problem {
            path: doc.path.to_owned(),
            line: Some(1),
            message: "a page needs a `title`".into(),
        });
    }
    let weight = doc.int(&["weight"])?.unwrap_or(0);
    Ok(PageInput {
        title,
        slug: Some(doc.text(&["slug"])?.unwrap_or_else(|| file_slug(doc.path).0)),
        body: doc.body.trim().to_owned(),
        weight: i32::try_from(weight)
            .map_err(|_| doc.problem("weight", "`weight` is too large"))?,
        in_nav: doc.bool(&["nav", "in_nav"])?.unwrap_or(true),
    })
}

fn article(
    doc: &Document<'_>,
    taxonomies: &HashSet<String>,
    now: DateTime<Utc>,
) -> Result<ArticleInput, Problem> {
    let title = doc.text(&["title"])?.unwrap_or_default();
    if title.trim().is_empty() {
        return Err(Problem {
            path: doc.path.to_owned(),
            line: Some(1),
            message: "an article needs a `title`".into(),
        });
    }
    let (slug_from_file, date_from_file) = file_slug(doc.path);
    let date =
        doc.date(&["date", "publishdate", "publishDate", "published_at"])?.or(date_from_file);
    let draft = doc.bool(&["draft"])?.unwrap_or(false)
        || doc.bool(&["published"])? == Some(false)
        || doc.path.starts_with("_drafts/");
    let status = match doc.text(&["status"])? {
        Some(s) => s.parse::<ArticleStatus>().map_err(|m| doc.problem("status", m))?,
        None if draft => ArticleStatus::Draft,
        None if date.is_some_and(|d| d > now) => ArticleStatus::Scheduled,
        None => ArticleStatus::Published,
    };
    if status.is_live() && date.is_none() {
        return Err(Problem {
            path: doc.path.to_owned(),
            line: Some(1),
            message: "a published article needs a `date` (or `draft: true`)".into(),
        });
    }
    let license = match doc.text(&["license", "licence"])? {
        None => None,
        Some(l) => Some(l.parse::<License>().map_err(|m| doc.problem("license", m))?),
    };
    let mut terms = Vec::new();
    for (key, value) in &doc.keys {
        if taxonomies.contains(key) {
            let names = list_of_text(value)
                .ok_or_else(|| doc.problem(key, format!("`{key}` must be a list of terms")))?;
            terms.extend(names.into_iter().map(|n| (key.clone(), n)));
        }
    }
    if let Some((k, v)) = doc.first(&["taxonomies"]) {
        // Zola: [taxonomies] tags = [...], regions = [...]
        let Value::Object(map) = v else {
            return Err(doc.problem(k, "`taxonomies` must be a table of lists"));
        };
        for (tax, value) in map {
            let names = list_of_text(value)
                .ok_or_else(|| doc.problem(tax, format!("`{tax}` must be a list of terms")))?;
            terms.extend(names.into_iter().map(|n| (tax.clone(), n)));
        }
    }
    let mut authors = doc.list(&["authors"])?;
    if authors.is_empty() {
        authors = doc.list(&["author"])?;
    }
    let year = doc.int(&["copyright_year"])?;
    Ok(ArticleInput {
        title,
        slug: Some(doc.text(&["slug"])?.unwrap_or(slug_from_file)),
        subtitle: doc.text(&["subtitle"])?,
        body: doc.body.trim().to_owned(),
        excerpt: doc.text(&["summary", "description", "excerpt"])?,
        status,
        published_at: date,
        updated_at: doc.date(&["updated", "lastmod", "last_modified_at", "modified"])?,
        authors,
        terms,
        image: doc.text(&["image", "featured_image"])?,
        image_alt: doc.text(&["image_alt"])?,
        image_caption: doc.text(&["image_caption"])?,
        note: doc.text(&["note"])?,
        source_name: doc.text(&["source_name"])?,
        source_url: doc.text(&["source_url"])?,
        copyright_holder: doc.text(&["copyright"])?,
        copyright_year: year.map(|y| i32::try_from(y).unwrap_or(i32::MAX)),
        license,
        canonical_url: doc.text(&["canonical", "canonical_url", "canonicalURL"])?,
        seo_title: doc.text(&["seo_title"])?,
        seo_description: doc.text(&["seo_description"])?,
        republish: doc.bool(&["republish"])?,
    })
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

    #[test]
    fn slugs_come_from_files_bundles_and_jekyll_names() {
        assert_eq!(file_slug("posts/energy.md").0, "energy");
        assert_eq!(file_slug("posts/energy/index.md").0, "energy");
        let (slug, date) = file_slug("_posts/2026-03-14-minsk-notes.md");
        assert_eq!(slug, "minsk-notes");
        assert!(date.is_some());
    }
}
