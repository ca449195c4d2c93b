//! Taxonomies are data: each publication defines its own (by default Regions, Themes, Tags),
//! and their terms may nest (Europe › Belarus).

use crate::author::checked_slug;
use crate::error::{Checker, Invalid, non_blank};
use crate::markdown;
use serde::{Deserialize, Serialize};

/// The taxonomies a new publication starts with: (slug, name, singular name).
pub const DEFAULT_TAXONOMIES: [(&str, &str, &str); 3] =
    [("regions", "Regions", "Region"), ("themes", "Themes", "Theme"), ("tags", "Tags", "Tag")];

/// Separates levels in a written term path: `Europe/Belarus`.
pub const TERM_PATH_SEPARATOR: char = '/';

/// Slugs that public URLs use for themselves, so no page or taxonomy may take them.
/// (`contact` is not among them: a page called `contact` is shown above the contact form.)
pub const RESERVED_SLUGS: [&str; 12] = [
    "articles",
    "authors",
    "page",
    "assets",
    "media",
    "feed",
    "api",
    "admin",
    "search",
    "static",
    "healthz",
    "corrections",
];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Taxonomy {
    pub id: i64,
    pub slug: String,
    /// Plural name shown as a heading (`Regions`).
    pub name: String,
    /// Singular name (`Region`).
    pub singular: String,
    pub description: Option<String>,
    pub position: i32,
    /// Do its terms appear as tags in the Ghost Content API (tag lists, includes,
    /// `primary_tag`, `tag:` filters)? True unless the publication says otherwise.
    #[serde(default = "exposed_by_default")]
    pub exposed: bool,
}

fn exposed_by_default() -> bool {
    true
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TaxonomyInput {
    pub slug: Option<String>,
    pub name: String,
    pub singular: Option<String>,
    pub description: Option<String>,
    /// Exposed to the Ghost Content API; `None` keeps what a taxonomy has (true when new).
    pub exposed: Option<bool>,
}

impl TaxonomyInput {
    /// Checks the input; the result (with id 0 and position 0) is ready to store.
    pub fn validate(&self) -> Result<Taxonomy, Invalid> {
        let mut c = Checker::default();
        let name = c.required("name", &self.name);
        let slug = checked_slug(&mut c, self.slug.as_deref(), &name);
        if RESERVED_SLUGS.contains(&slug.as_str()) {
            c.fail("slug", format!("{slug:?} is used by Byline's own URLs; choose another"));
        }
        let singular = non_blank(self.singular.as_deref()).unwrap_or_else(|| name.clone());
        c.finish(Taxonomy {
            id: 0,
            slug,
            name,
            singular,
            description: non_blank(self.description.as_deref()),
            position: 0,
            exposed: self.exposed.unwrap_or(true),
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Term {
    pub id: i64,
    pub taxonomy_id: i64,
    pub parent_id: Option<i64>,
    pub slug: String,
    pub name: String,
    pub description: Option<String>,
    pub description_html: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TermInput {
    pub name: String,
    pub slug: Option<String>,
    pub description: Option<String>,
}

impl TermInput {
    /// Checks the input; the result (ids 0, no parent) is ready to store under a taxonomy.
    pub fn validate(&self) -> Result<Term, Invalid> {
        let mut c = Checker::default();
        let name = c.required("name", &self.name);
        let slug = checked_slug(&mut c, self.slug.as_deref(), &name);
        let description = non_blank(self.description.as_deref());
        c.finish(Term {
            id: 0,
            taxonomy_id: 0,
            parent_id: None,
            slug,
            name,
            description_html: description.as_deref().map(markdown::to_html),
            description,
        })
    }
}

/// A term as lists and article pages need it: with its taxonomy, for links and grouping.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TermRef {
    pub taxonomy_slug: String,
    pub taxonomy_name: String,
    pub slug: String,
    pub name: String,
}

/// A term path as written in front matter: `Europe/Belarus` → `["Europe", "Belarus"]`.
/// Blank levels are dropped; an empty result means the path named nothing.
pub fn split_term_path(path: &str) -> Vec<String> {
    path.split(TERM_PATH_SEPARATOR)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Ids of `root` and every term below it, given all terms of its taxonomy.
pub fn term_and_descendants(root: i64, terms: &[Term]) -> Vec<i64> {
    let mut out = vec![root];
    let mut i = 0;
    while i < out.len() {
        let parent = out[i];
        out.extend(terms.iter().filter(|t| t.parent_id == Some(parent)).map(|t| t.id));
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn term(id: i64, parent: Option<i64>) -> Term {
        Term {
            id,
            taxonomy_id: 1,
            parent_id: parent,
            slug: id.to_string(),
            name: id.to_string(),
            description: None,
            description_html: None,
        }
    }

    #[test]
    fn finds_descendants_at_any_depth() {
        let terms = [term(1, None), term(2, Some(1)), term(3, Some(2)), term(4, None)];
        assert_eq!(term_and_descendants(1, &terms), [1, 2, 3]);
        assert_eq!(term_and_descendants(4, &terms), [4]);
    }

    #[test]
    fn splits_paths_and_refuses_reserved_slugs() {
        assert_eq!(split_term_path(" Europe / Belarus/"), ["Europe", "Belarus"]);
        let err =
            TaxonomyInput { name: "Authors".into(), ..Default::default() }.validate().unwrap_err();
        assert_eq!(err.0[0].field, "slug");
    }
}
