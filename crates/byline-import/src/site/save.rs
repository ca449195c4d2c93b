//! Importing a planned site: settings, taxonomies, Jekyll's authors, sections, pages, then
//! articles, each saved on its own so that one bad file is reported and the rest go on.
//! With `dry_run` every file is read and checked and nothing is written.

use super::config::{Generator, SiteConfig};
use super::plan::{Plan, Planned, Role, drop_empty, plan, resolve};
use super::{Site, addresses, shortcodes, title_from_slug};
use crate::entries::{article, page, store_problem};
use crate::report::{Problem, Report};
use crate::{Options, Progress};
use byline_core::old_address::AddressTarget;
use byline_core::{ArticleStatus, Publication, TaxonomyInput, TermInput, slugify};
use byline_store::{Outcome, Store};
use chrono::{DateTime, Utc};
use serde_json::Value;
use std::collections::{BTreeMap, HashSet};

/// Imports a whole site. See the module documentation for what becomes what.
pub async fn import_site(
    store: &Store,
    site: &Site,
    now: DateTime<Utc>,
    options: &Options,
    progress: Progress<'_>,
) -> Report {
    let mut report = Report { dry_run: options.dry_run, ..Report::default() };
    let mut p = plan(site);
    let total = p.files.len() as u64;
    progress(0, total);
    settings(store, &site.config, options, &mut report).await;
    let mut taxonomies: HashSet<String> = HashSet::new();
    let mut wanted: Vec<(String, String)> =
        site.config.taxonomies.iter().map(|t| (t.slug.clone(), t.singular.clone())).collect();
    if p.files.iter().any(|f| matches!(&f.role, Role::Article { section: Some(_), .. })) {
        wanted.push(("sections".into(), "section".into()));
    }
    for (slug, singular) in wanted {
        let input = TaxonomyInput {
            slug: Some(slug.clone()),
            name: title_from_slug(&slug),
            singular: Some(title_from_slug(&singular)),
            description: None,
            exposed: None,
        };
        let saved = if options.dry_run {
            input.validate().map(|_| Outcome::Created).map_err(Into::into)
        } else {
            store.save_taxonomy(&input).await.map(|s| s.outcome)
        };
        match saved {
            Ok(o) => {
                report.terms.add(o);
                taxonomies.insert(slug);
            }
            Err(e) => {
                report.terms.failed += 1;
                report.errors.push(at(&site.config.file, format!("taxonomy {slug:?}: {e}")));
            }
        }
    }
    if let Ok(existing) = store.taxonomies().await {
        taxonomies.extend(existing.into_iter().map(|t| t.slug));
    }
    super::jekyll::jekyll_authors(store, &site.config, options, &mut report).await;
    sections(store, &site.config, &p, options, &mut report).await;

    let keeper = Keeper { store, config: &site.config, options };
    let mut done = 0u64;
    let site_paths = std::mem::take(&mut p.addresses);
    let resolver = |t: &str| resolve(&site_paths, t);
    let mut tag_names: BTreeMap<String, String> = BTreeMap::new();
    for f in p.files.iter_mut() {
        done += 1;
        progress(done, total);
        match &f.role {
            Role::Skip(None) | Role::Section(_) => continue,
            Role::Skip(Some(why)) => {
                report.warnings.push(Problem {
                    path: f.path.to_owned(),
                    line: None,
                    message: why.clone(),
                });
                continue;
            }
            Role::Page | Role::Article { .. } => {}
        }
        let is_page = f.role == Role::Page;
        let doc = match &mut f.doc {
            Ok(d) => d,
            Err(e) => {
                fail(&mut report, is_page, e.clone());
                continue;
            }
        };
        drop_empty(doc);
        let old = addresses::of_file(&site.config, f.path, doc);
        let converted = shortcodes::convert(doc.body, &resolver);
        if !converted.unknown.is_empty() {
            let names: Vec<_> = converted.unknown.iter().map(|n| format!("`{n}`")).collect();
            report.warnings.push(Problem {
                path: f.path.to_owned(),
                line: None,
                message: format!(
                    "shortcode {} has no Byline equivalent and was kept as text",
                    names.join(", ")
                ),
            });
        }
        if doc.text(&["title"]).ok().flatten().is_none_or(|t| t.trim().is_empty()) {
            let title = title_from_slug(&f.slug);
            report.warnings.push(Problem {
                path: f.path.to_owned(),
                line: Some(1),
                message: format!("has no title; titled {title:?} from its file name"),
            });
            doc.keys.insert("title".into(), Value::String(title));
        }
        if !doc.keys.contains_key("slug") {
            doc.keys.insert("slug".into(), Value::String(f.slug.clone()));
        }
        if is_page {
            let kept = save_page(store, f, &converted.body, options, &mut report).await;
            if let Some((id, slug)) = kept {
                let new = format!("/{slug}/");
                keeper.keep(&old, &new, AddressTarget::Page(id), f.path, &mut report).await;
            }
            continue;
        }
        adapt_article(doc, &site.config, &site.root, &mut report);
        if let Some(Value::Array(tags)) = doc.keys.get("tags") {
            for t in tags.iter().filter_map(Value::as_str) {
                tag_names.entry(slugify(t)).or_insert_with(|| t.to_owned());
            }
        }
        let Role::Article { section, draft_section } = &f.role else { continue };
        if *draft_section {
            // A draft section's pages are drafts, dated or not.
            doc.keys.insert("draft".into(), Value::Bool(true));
        }
        let mut input = match article(doc, &taxonomies, now) {
            Ok(i) => i,
            Err(e) => {
                fail(&mut report, false, e);
                continue;
            }
        };
        input.body = converted.body.trim().to_owned();
        if let Some(folder) = section {
            input.terms.push(("sections".into(), section_path(&p.sections, folder)));
        }
        if *draft_section {
            input.status = ArticleStatus::Draft;
        }
        if input.body.is_empty() && input.status.is_live() {
            report.warnings.push(Problem {
                path: f.path.to_owned(),
                line: None,
                message: "has no text; imported as a draft".into(),
            });
            input.status = ArticleStatus::Draft;
        }
        let fields = match input.validate() {
            Ok(fields) => fields,
            Err(invalid) => {
                fail(&mut report, false, store_problem(f.path, Some(&*doc), invalid.into()));
                continue;
            }
        };
        let new = format!("/articles/{}/", fields.slug);
        if options.dry_run {
            report.articles.created += 1;
            keeper.keep(&old, &new, AddressTarget::Article(0), f.path, &mut report).await;
            continue;
        }
        let key = format!("markdown:{}", f.path);
        match store.save_article(&fields, Some(&key)).await {
            Ok(s) => {
                report.articles.add(s.outcome);
                let new = format!("/articles/{}/", s.value.slug);
                let target = AddressTarget::Article(s.value.id);
                keeper.keep(&old, &new, target, f.path, &mut report).await;
            }
            Err(e) => fail(&mut report, false, store_problem(f.path, Some(&*doc), e)),
        }
    }
    super::jekyll::jekyll_tags(store, &site.config, &tag_names, options, &mut report).await;
    report
}

/// Where old addresses go: the store, for the site, with the import's options.
struct Keeper<'a> {
    store: &'a Store,
    config: &'a SiteConfig,
    options: &'a Options,
}

impl Keeper<'_> {
    /// Keeps a page's, article's or section's old addresses that are not its Byline
    /// address `new`.
    async fn keep(
        &self,
        old: &[String],
        new: &str,
        target: AddressTarget,
        file: &str,
        report: &mut Report,
    ) {
        let base = addresses::base_path(self.config);
        let list = addresses::to_keep(&base, old, new, target, file, report);
        let source = self.config.generator.name().to_ascii_lowercase();
        addresses::keep(self.store, &source, &list, self.options.dry_run, file, report).await;
    }
}

fn at(path: &str, message: String) -> Problem {
    Problem { path: path.to_owned(), line: None, message }
}

fn fail(report: &mut Report, page: bool, p: Problem) {
    if page {
        report.pages.failed += 1;
    } else {
        report.articles.failed += 1;
    }
    report.errors.push(p);
}

/// `posts/tutorials/devops` → `posts/tutorials/devops` as term slugs, parents first.
fn section_path(sections: &BTreeMap<String, super::plan::Section>, folder: &str) -> String {
    let mut chain = Vec::new();
    let mut at = Some(folder.to_owned());
    while let Some(f) = at {
        let Some(s) = sections.get(&f) else { break };
        chain.push(s.slug.clone());
        at = s.parent.clone();
    }
    chain.reverse();
    chain.join("/")
}

/// Jekyll's and other generators' keys in Byline's words: a post's date from its file name
/// (already handled for `-`; Zola also writes `2016-10-08_x`), `modified_date`, `cover`,
/// categories written as one space-separated string.
fn adapt_article(
    doc: &mut crate::frontmatter::Document<'_>,
    config: &SiteConfig,
    root: &std::path::Path,
    report: &mut Report,
) {
    let name = doc.path.rsplit_once('/').map_or(doc.path, |(_, f)| f);
    if !doc.keys.contains_key("date")
        && name.len() > 11
        && name.as_bytes()[10] == b'_'
        && crate::frontmatter::parse_date(&name[..10]).is_some()
    {
        doc.keys.insert("date".into(), Value::String(name[..10].to_owned()));
    }
    for (from, to) in [("modified_date", "updated"), ("cover", "image"), ("category", "categories")]
    {
        if !doc.keys.contains_key(to)
            && let Some(v) = doc.keys.remove(from)
        {
            doc.keys.insert(to.into(), v);
        }
    }
    // Jekyll reads a string of categories or tags as space-separated names.
    for key in ["categories", "tags"] {
        if config.generator == Generator::Jekyll
            && let Some(Value::String(s)) = doc.keys.get(key).cloned()
        {
            let list = s.split_whitespace().map(|w| Value::String(w.to_owned())).collect();
            doc.keys.insert(key.into(), Value::Array(list));
        }
    }
    if let Some(Value::String(image)) = doc.keys.get("image").cloned()
        && !image.contains("://")
    {
        let rel = image.trim_start_matches('/');
        let local = root.join(&config.content_dir).join(rel);
        if !local.exists() && !root.join("static").join(rel).exists() && !root.join(rel).exists() {
            report.warnings.push(Problem {
                path: doc.path.to_owned(),
                line: doc.line_of("cover").or_else(|| doc.line_of("image")),
                message: format!("the image {image} is not in the site; its link will not work"),
            });
        }
        doc.keys.insert("image".into(), Value::String(format!("/{rel}")));
    }
}

async fn save_page(
    store: &Store,
    f: &Planned<'_>,
    body: &str,
    options: &Options,
    report: &mut Report,
) -> Option<(i64, String)> {
    let Ok(doc) = &f.doc else { return None };
    let mut input = match page(doc) {
        Ok(i) => i,
        Err(e) => {
            fail(report, true, e);
            return None;
        }
    };
    input.body = body.trim().to_owned();
    input.slug = Some(f.slug.clone());
    let saved = if options.dry_run {
        input.validate(Utc::now()).map(|p| (Outcome::Created, 0, p.slug)).map_err(Into::into)
    } else {
        store.save_page(&input).await.map(|s| (s.outcome, s.value.id, s.value.slug))
    };
    match saved {
        Ok((o, id, slug)) => {
            report.pages.add(o);
            Some((id, slug))
        }
        Err(e) => {
            fail(report, true, store_problem(f.path, Some(doc), e));
            None
        }
    }
}

/// The site's title, description, language, address and copyright replace the
/// publication's; a value Byline refuses is reported and the others are kept.
async fn settings(store: &Store, config: &SiteConfig, options: &Options, report: &mut Report) {
    let current = match store.publication().await {
        Ok(p) => p,
        Err(e) => {
            report.settings.failed += 1;
            report.errors.push(at(&config.file, e.to_string()));
            return;
        }
    };
    let next = Publication {
        title: config.title.clone().unwrap_or(current.title.clone()),
        description: config.description.clone().or(current.description.clone()),
        language: config.language.clone().unwrap_or(current.language.clone()),
        base_url: config.base_url.clone().or(current.base_url.clone()),
        copyright: config.copyright.clone().or(current.copyright.clone()),
        ..current.clone()
    };
    if next == current {
        report.settings.unchanged += 1;
        return;
    }
    if options.dry_run {
        report.settings.updated += 1;
        return;
    }
    match store.save_publication(next.clone()).await {
        // Saved as it was (the store normalised a value back to what it holds).
        Ok(saved) if saved == current => report.settings.unchanged += 1,
        Ok(_) => report.settings.updated += 1,
        Err(e) => {
            // Keep the title and description at least; say which value was refused.
            report.warnings.push(at(&config.file, format!("{e}; kept the publication's own")));
            let fallback =
                Publication { title: next.title, description: next.description, ..current.clone() };
            match store.save_publication(fallback).await {
                Ok(saved) if saved == current => report.settings.unchanged += 1,
                Ok(_) => report.settings.updated += 1,
                Err(e) => {
                    report.settings.failed += 1;
                    report.errors.push(at(&config.file, e.to_string()));
                }
            }
        }
    }
}

/// Sections as terms of `sections`, parents first, described by their `_index.md`.
async fn sections(
    store: &Store,
    config: &SiteConfig,
    p: &Plan<'_>,
    options: &Options,
    report: &mut Report,
) {
    let used: HashSet<&str> = p
        .files
        .iter()
        .filter_map(|f| match &f.role {
            Role::Article { section: Some(s), .. } => Some(s.as_str()),
            _ => None,
        })
        .collect();
    let mut folders: Vec<&String> = p.sections.keys().collect();
    folders.sort_by_key(|f| f.matches('/').count());
    for folder in folders {
        // A section is made when an article is in it or below it.
        if !used.iter().any(|u| *u == folder || u.starts_with(&format!("{folder}/"))) {
            continue;
        }
        let s = &p.sections[folder];
        if s.transparent {
            continue;
        }
        let parent = s.parent.as_ref().map(|f| p.sections[f].slug.clone());
        let input = TermInput {
            name: s.name.clone(),
            slug: Some(s.slug.clone()),
            description: s.description.clone(),
        };
        let saved = if options.dry_run {
            input.validate().map(|t| (Outcome::Created, 0, t.slug)).map_err(Into::into)
        } else {
            store
                .save_term("sections", parent.as_deref(), &input)
                .await
                .map(|s| (s.outcome, s.value.id, s.value.slug))
        };
        let file = format!("{folder}/_index.md");
        match saved {
            Ok((o, id, slug)) => {
                report.terms.add(o);
                let old = addresses::of_section(config.generator, folder, &s.aliases);
                let new = format!("/sections/{slug}/");
                let keeper = Keeper { store, config, options };
                keeper.keep(&old, &new, AddressTarget::Term(id), &file, report).await;
            }
            Err(e) => {
                report.terms.failed += 1;
                report.errors.push(at(&file, e.to_string()));
            }
        }
    }
}
