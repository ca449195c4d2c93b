//! Authors: the people in bylines, staff or guest contributors (guests need no login).

use crate::error::{Checker, Invalid, non_blank};
use crate::{markdown, slug};
use serde::{Deserialize, Serialize};

/// A link an author wants shown with their bio (a book, a profile).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthorLink {
    pub title: String,
    pub url: String,
}

/// An author as a user describes them, before validation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuthorInput {
    pub name: String,
    /// Derived from the name when absent.
    pub slug: Option<String>,
    /// Markdown.
    pub bio: Option<String>,
    pub photo: Option<String>,
    pub website: Option<String>,
    pub email: Option<String>,
    pub links: Vec<AuthorLink>,
    pub guest: bool,
}

/// A stored author.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Author {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub bio: Option<String>,
    pub bio_html: Option<String>,
    pub photo: Option<String>,
    pub website: Option<String>,
    pub email: Option<String>,
    pub links: Vec<AuthorLink>,
    pub guest: bool,
}

/// What a list of articles needs to know of an author.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthorRef {
    pub slug: String,
    pub name: String,
}

impl Author {
    pub fn to_ref(&self) -> AuthorRef {
        AuthorRef { slug: self.slug.clone(), name: self.name.clone() }
    }
}

impl AuthorInput {
    /// Checks the input and renders the bio; the result (with id 0) is ready to store.
    pub fn validate(&self) -> Result<Author, Invalid> {
        let mut c = Checker::default();
        let name = c.required("name", &self.name);
        let slug = checked_slug(&mut c, self.slug.as_deref(), &name);
        let photo = c.url_or_path("photo", self.photo.as_deref());
        let website = c.url("website", self.website.as_deref());
        let email = c.email("email", self.email.as_deref());
        let mut links = Vec::with_capacity(self.links.len());
        for (i, l) in self.links.iter().enumerate() {
            let field = format!("links[{i}]");
            let title = c.required(&format!("{field}.title"), &l.title);
            if let Some(url) = c.url(&format!("{field}.url"), Some(&l.url)) {
                links.push(AuthorLink { title, url });
            } else if l.url.trim().is_empty() {
                c.fail(&format!("{field}.url"), "is required");
            }
        }
        let bio = non_blank(self.bio.as_deref());
        c.finish(Author {
            id: 0,
            slug,
            name,
            bio_html: bio.as_deref().map(markdown::to_html),
            bio,
            photo,
            website,
            email,
            links,
            guest: self.guest,
        })
    }
}

/// Normalises a given slug, or derives one from `fallback`; records an error when neither
/// gives a usable slug.
pub(crate) fn checked_slug(c: &mut Checker, given: Option<&str>, fallback: &str) -> String {
    let source = given.map(str::trim).filter(|s| !s.is_empty()).unwrap_or(fallback);
    let s = slug::slugify(source);
    if s.is_empty() && !fallback.trim().is_empty() {
        c.fail(
            "slug",
            format!("cannot make a URL slug from {source:?}; give one with letters or digits"),
        );
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derives_slug_and_renders_bio() {
        let a = AuthorInput {
            name: "Anna Kowalská".into(),
            bio: Some("Writes *a lot*.".into()),
            ..Default::default()
        }
        .validate()
        .unwrap();
        assert_eq!(a.slug, "anna-kowalska");
        assert!(a.bio_html.unwrap().contains("<em>a lot</em>"));
    }

    #[test]
    fn reports_bad_links_by_index() {
        let err = AuthorInput {
            name: "X".into(),
            links: vec![AuthorLink { title: "Book".into(), url: "not a url".into() }],
            ..Default::default()
        }
        .validate()
        .unwrap_err();
        assert_eq!(err.0[0].field, "links[0].url");
    }
}
