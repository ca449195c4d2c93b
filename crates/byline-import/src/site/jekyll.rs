//! Jekyll's data files: `_data/authors.yml` (the people posts name by key) and
//! `_data/tags.yml` (descriptions of the tags posts use).

use super::config::SiteConfig;
use super::title_from_slug;
use crate::Options;
use crate::report::{Problem, Report};
use byline_core::{AuthorInput, TermInput, slugify};
use byline_store::{Outcome, Store};
use serde_json::Value;
use std::collections::BTreeMap;

fn at(path: &str, message: String) -> Problem {
    Problem { path: path.to_owned(), line: None, message }
}

/// Jekyll's `_data/authors.yml`: each key is the slug posts name in `author:`.
pub(super) async fn jekyll_authors(
    store: &Store,
    config: &SiteConfig,
    options: &Options,
    report: &mut Report,
) {
    for (key, a) in &config.authors {
        let text = |k: &str| {
            a.get(k)
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        let input = AuthorInput {
            name: text("name").unwrap_or_else(|| title_from_slug(key)),
            slug: Some(slugify(key)),
            bio: text("bio"),
            photo: text("picture").or_else(|| text("avatar")).map(|p| {
                if p.contains("://") { p } else { format!("/{}", p.trim_start_matches('/')) }
            }),
            website: text("url_full").or_else(|| text("website")),
            email: text("email"),
            links: Vec::new(),
            guest: false,
        };
        let saved = if options.dry_run {
            input.validate().map(|_| Outcome::Created).map_err(Into::into)
        } else {
            store.save_author(&input).await.map(|s| s.outcome)
        };
        match saved {
            Ok(o) => report.authors.add(o),
            Err(e) => {
                report.authors.failed += 1;
                report.errors.push(at("_data/authors.yml", format!("author {key:?}: {e}")));
            }
        }
    }
}

/// Jekyll's `_data/tags.yml`: descriptions of the tags posts use, under the names they use.
pub(super) async fn jekyll_tags(
    store: &Store,
    config: &SiteConfig,
    names: &BTreeMap<String, String>,
    options: &Options,
    report: &mut Report,
) {
    for (key, t) in &config.tags {
        let slug = slugify(key);
        let Some(name) = names.get(&slug) else { continue };
        let description =
            t.get("description").and_then(Value::as_str).filter(|d| !d.trim().is_empty());
        let input = TermInput {
            name: name.clone(),
            slug: Some(slug),
            description: description.map(str::to_owned),
        };
        let saved = if options.dry_run {
            input.validate().map(|_| Outcome::Created).map_err(Into::into)
        } else {
            store.save_term("tags", None, &input).await.map(|s| s.outcome)
        };
        match saved {
            Ok(o) => report.terms.add(o),
            Err(e) => {
                report.terms.failed += 1;
                report.errors.push(at("_data/tags.yml", format!("tag {key:?}: {e}")));
            }
        }
    }
}
