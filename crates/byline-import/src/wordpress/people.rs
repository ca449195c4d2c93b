//! Authors and terms of a WordPress file: authors matched to staff by email (their author
//! profile) or kept as guest authors; categories (with their hierarchy), tags and custom
//! taxonomies as Byline taxonomies and terms. What is there already is used, never
//! overwritten with less.

use super::addresses;
use super::items::{Run, SavedTerm};
use super::records::{WpAuthor, WpTerm, decode_slug};
use super::report::WxrReport;
use byline_core::{AuthorInput, TaxonomyInput, TermInput, slugify};
use byline_store::Outcome;

/// WordPress taxonomies that are not about content.
const INTERNAL: &[&str] = &[
    "nav_menu",
    "link_category",
    "post_format",
    "wp_theme",
    "wp_template_part_area",
    "wp_pattern_category",
];

/// Does a term of this WordPress taxonomy become a Byline term (and so need writing)?
pub(crate) fn kept_taxonomy(taxonomy: &str) -> bool {
    !taxonomy.is_empty() && !INTERNAL.contains(&taxonomy)
}

impl Run<'_> {
    pub async fn author(&mut self, a: &WpAuthor, line: usize, report: &mut WxrReport) {
        // Authors are written (and read back) on their own, never inside a batch.
        self.end_batch(report).await;
        if a.login.is_empty() {
            report.authors.failed += 1;
            report.errors.push(self.problem(line, "an author with no wp:author_login"));
            return;
        }
        let store = self.store;
        // Staff with the same email write under their own author profile.
        let staff_author = match a.email.is_empty() {
            true => None,
            false => match store.staff_by_email(&a.email).await {
                Ok(s) => match s.author_id {
                    Some(id) => store.author_by_id(id).await.ok(),
                    None => None,
                },
                Err(_) => None,
            },
        };
        let found = match staff_author {
            Some(author) => Ok((author, Outcome::Unchanged)),
            None => {
                let slug = match slugify(&a.display_name) {
                    s if !s.is_empty() => s,
                    _ => slugify(&a.login),
                };
                match store.author(&slug).await {
                    Ok(author) => Ok((author, Outcome::Unchanged)),
                    Err(e) if !e.is_not_found() => Err(e),
                    Err(_) if self.options.dry_run => {
                        report.authors.created += 1;
                        self.authors.insert(a.login.clone(), (slug, 0));
                        return;
                    }
                    Err(_) => {
                        let input = AuthorInput {
                            name: a.display_name.clone(),
                            slug: Some(slug),
                            email: Some(a.email.clone()).filter(|e| !e.is_empty()),
                            guest: true,
                            ..Default::default()
                        };
                        store.save_author(&input).await.map(|s| (s.value, s.outcome))
                    }
                }
            }
        };
        match found {
            Ok((author, outcome)) => {
                report.authors.add(outcome);
                let list = addresses::author(&self.site, &a.login, a.id, author.id);
                self.authors.insert(a.login.clone(), (author.slug, author.id));
                self.addresses(list, report).await;
            }
            Err(e) => {
                report.authors.failed += 1;
                report.errors.push(self.problem(line, format!("author {}: {e}", a.login)));
            }
        }
    }

    pub async fn term(&mut self, t: &WpTerm, line: usize, report: &mut WxrReport) {
        if !kept_taxonomy(&t.taxonomy) {
            return;
        }
        // Terms are written (and read back) on their own, never inside a batch.
        self.end_batch(report).await;
        let slug = slugify(&decode_slug(&t.slug));
        if slug.is_empty() {
            report.terms.failed += 1;
            report.errors.push(self.problem(line, format!("a {} term with no slug", t.taxonomy)));
            return;
        }
        let taxonomy = match self.taxonomy_for(&t.taxonomy).await {
            Ok(x) => x,
            Err(message) => {
                report.terms.failed += 1;
                report.errors.push(self.problem(line, message));
                return;
            }
        };
        let parent = t.parent.as_ref().and_then(|p| {
            self.terms.get(&(t.taxonomy.clone(), p.clone())).map(|s| (p.clone(), s.path.clone()))
        });
        if t.parent.is_some() && parent.is_none() {
            let m = format!(
                "term {}: its parent {:?} is not defined before it; filed at the top",
                t.slug,
                t.parent.as_deref().unwrap_or("")
            );
            report.warnings.push(self.problem(line, m));
        }
        let mut path = parent.as_ref().map(|(_, p)| p.clone()).unwrap_or_default();
        path.push(slug.clone());
        if self.options.dry_run {
            report.terms.created += 1;
            self.terms.insert((t.taxonomy.clone(), t.slug.clone()), SavedTerm { taxonomy, path });
            return;
        }
        // A description already written in Byline is not replaced by an empty one.
        let kept = match self.store.taxonomy(&taxonomy).await {
            Ok(x) => self
                .store
                .terms(x.id)
                .await
                .ok()
                .and_then(|all| all.into_iter().find(|k| k.slug == slug)),
            Err(_) => None,
        };
        let description = match (t.description.trim(), kept.and_then(|k| k.description)) {
            ("", old) => old,
            (new, _) => Some(new.to_owned()),
        };
        let input = TermInput { name: t.name.clone(), slug: Some(slug.clone()), description };
        let parent_slug = parent.as_ref().and_then(|(_, p)| p.last().cloned());
        match self.store.save_term(&taxonomy, parent_slug.as_deref(), &input).await {
            Ok(saved) => {
                report.terms.add(saved.outcome);
                let id = saved.value.id;
                let list = addresses::term(&self.site, &t.taxonomy, &path, t.id, id);
                self.terms
                    .insert((t.taxonomy.clone(), t.slug.clone()), SavedTerm { taxonomy, path });
                self.addresses(list, report).await;
            }
            Err(e) => {
                report.terms.failed += 1;
                report
                    .errors
                    .push(self.problem(line, format!("{} term {}: {e}", t.taxonomy, t.slug)));
            }
        }
    }

    /// The Byline taxonomy a WordPress one files into (`--map`, or `categories`, `tags`, or
    /// the custom taxonomy's own name), made when missing unless `--map` named it.
    async fn taxonomy_for(&mut self, wp: &str) -> Result<String, String> {
        let mapped =
            self.options.map.iter().find(|(from, _)| from == wp).map(|(_, to)| slugify(to));
        let (slug, name, singular) = match (&mapped, wp) {
            (Some(to), _) => (to.clone(), String::new(), None),
            (None, "category") => {
                ("categories".to_owned(), "Categories".to_owned(), Some("Category".to_owned()))
            }
            (None, "post_tag") => ("tags".to_owned(), "Tags".to_owned(), Some("Tag".to_owned())),
            (None, other) => {
                let words = other.replace(['_', '-'], " ");
                let mut name: String = words.trim().to_owned();
                if let Some(first) = name.get(..1) {
                    name = first.to_uppercase() + &name[1..];
                }
                (slugify(other), name, None)
            }
        };
        if self.taxonomies.contains(&slug) {
            return Ok(slug);
        }
        match self.store.taxonomy(&slug).await {
            Ok(_) => {}
            Err(e) if !e.is_not_found() => return Err(e.to_string()),
            Err(_) if mapped.is_some() => {
                return Err(format!(
                    "--map {wp}={slug}: there is no taxonomy {slug:?}; make it first, or leave the mapping out"
                ));
            }
            Err(_) if self.options.dry_run => {}
            Err(_) => {
                let input = TaxonomyInput {
                    slug: Some(slug.clone()),
                    name,
                    singular,
                    description: None,
                    exposed: None,
                };
                self.store
                    .save_taxonomy(&input)
                    .await
                    .map_err(|e| format!("taxonomy {slug}: {e}"))?;
            }
        }
        self.taxonomies.insert(slug.clone());
        Ok(slug)
    }
}
