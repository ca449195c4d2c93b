//! `publication.toml`: the publication's settings, its taxonomies and predefined terms.

use crate::report::{Problem, Report};
use byline_core::{License, Publication, TaxonomyInput, TermInput};
use byline_store::Store;
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    title: Option<String>,
    tagline: Option<String>,
    description: Option<String>,
    language: Option<String>,
    base_url: Option<String>,
    logo: Option<String>,
    favicon: Option<String>,
    contact_email: Option<String>,
    media_email: Option<String>,
    copyright: Option<String>,
    disclaimer: Option<String>,
    republish_policy: Option<String>,
    default_license: Option<String>,
    allow_republishing: Option<bool>,
    #[serde(default)]
    taxonomies: Vec<TaxonomyEntry>,
    #[serde(default)]
    terms: Vec<TermEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TaxonomyEntry {
    slug: Option<String>,
    name: String,
    singular: Option<String>,
    description: Option<String>,
    /// `false` keeps its terms out of the Ghost Content API's tags.
    exposed: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TermEntry {
    taxonomy: String,
    name: String,
    slug: Option<String>,
    parent: Option<String>,
    description: Option<String>,
}

/// Applies `publication.toml`: keys it sets replace the current settings, keys it leaves out
/// keep theirs. Taxonomies and terms are created or updated; terms in file order, so a parent
/// listed before its children is found.
pub(crate) async fn apply(
    store: &Store,
    path: &str,
    text: &str,
    dry_run: bool,
    report: &mut Report,
) {
    let at =
        |line: Option<usize>, message: String| Problem { path: path.to_owned(), line, message };
    let file: File = match toml::from_str(text) {
        Ok(f) => f,
        Err(e) => {
            let line = e.span().map(|s| text[..s.start.min(text.len())].lines().count().max(1));
            report.settings.failed += 1;
            report.errors.push(at(line, format!("invalid publication.toml: {}", e.message())));
            return;
        }
    };
    if dry_run {
        // The file reads; what it sets is counted, nothing is saved.
        report.settings.updated += 1;
        report.settings.created += file.taxonomies.len() + file.terms.len();
        return;
    }
    let line_of =
        |key: &str| text.lines().position(|l| l.trim_start().starts_with(key)).map(|i| i + 1);

    match store.publication().await {
        Err(e) => {
            report.settings.failed += 1;
            report.errors.push(at(None, e.to_string()));
        }
        Ok(current) => {
            let license = match file.default_license.as_deref().map(str::parse::<License>) {
                None => Ok(current.default_license),
                Some(r) => r,
            };
            match license {
                Err(msg) => {
                    report.settings.failed += 1;
                    report
                        .errors
                        .push(at(line_of("default_license"), format!("default_license: {msg}")));
                }
                Ok(default_license) => {
                    let next = Publication {
                        title: file.title.unwrap_or(current.title.clone()),
                        tagline: file.tagline.or(current.tagline.clone()),
                        description: file.description.or(current.description.clone()),
                        language: file.language.unwrap_or(current.language.clone()),
                        base_url: file.base_url.or(current.base_url.clone()),
                        logo: file.logo.or(current.logo.clone()),
                        favicon: file.favicon.or(current.favicon.clone()),
                        contact_email: file.contact_email.or(current.contact_email.clone()),
                        media_email: file.media_email.or(current.media_email.clone()),
                        copyright: file.copyright.or(current.copyright.clone()),
                        disclaimer: file.disclaimer.or(current.disclaimer.clone()),
                        republish_policy: file
                            .republish_policy
                            .or(current.republish_policy.clone()),
                        default_license,
                        allow_republishing: file
                            .allow_republishing
                            .unwrap_or(current.allow_republishing),
                        ..current.clone()
                    };
                    match store.save_publication(next).await {
                        Ok(saved) if saved == current => report.settings.unchanged += 1,
                        Ok(_) => report.settings.updated += 1,
                        Err(e) => {
                            report.settings.failed += 1;
                            let field = match &e {
                                byline_store::StoreError::Invalid(i) => {
                                    i.0.first().map(|f| f.field.clone())
                                }
                                _ => None,
                            };
                            report.errors.push(at(field.and_then(|f| line_of(&f)), e.to_string()));
                        }
                    }
                }
            }
        }
    }

    for t in &file.taxonomies {
        let input = TaxonomyInput {
            slug: t.slug.clone(),
            name: t.name.clone(),
            singular: t.singular.clone(),
            description: t.description.clone(),
            exposed: t.exposed,
        };
        match store.save_taxonomy(&input).await {
            Ok(saved) => report.settings.add(saved.outcome),
            Err(e) => {
                report.settings.failed += 1;
                report.errors.push(at(None, format!("taxonomy {:?}: {e}", t.name)));
            }
        }
    }
    for t in &file.terms {
        let input = TermInput {
            name: t.name.clone(),
            slug: t.slug.clone(),
            description: t.description.clone(),
        };
        match store.save_term(&t.taxonomy, t.parent.as_deref(), &input).await {
            Ok(saved) => report.settings.add(saved.outcome),
            Err(e) => {
                report.settings.failed += 1;
                report.errors.push(at(None, format!("term {:?} in {:?}: {e}", t.name, t.taxonomy)));
            }
        }
    }
}
