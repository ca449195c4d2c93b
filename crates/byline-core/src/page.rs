//! Static pages: About, Contact, Membership …

use crate::author::checked_slug;
use crate::error::{Checker, Invalid};
use crate::markdown;
use crate::taxonomy::RESERVED_SLUGS;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageInput {
    pub title: String,
    pub slug: Option<String>,
    /// Markdown.
    pub body: String,
    /// Order in the site navigation, lowest first.
    pub weight: i32,
    /// Shown in the site navigation?
    pub in_nav: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub body: String,
    pub body_html: String,
    pub weight: i32,
    pub in_nav: bool,
    pub updated_at: DateTime<Utc>,
}

impl PageInput {
    /// Checks the input and renders the body; the result (id 0) is ready to store.
    pub fn validate(&self, now: DateTime<Utc>) -> Result<Page, Invalid> {
        let mut c = Checker::default();
        let title = c.required("title", &self.title);
        let slug = checked_slug(&mut c, self.slug.as_deref(), &title);
        if RESERVED_SLUGS.contains(&slug.as_str()) {
            c.fail("slug", format!("{slug:?} is used by Byline's own URLs; choose another"));
        }
        c.finish(Page {
            id: 0,
            slug,
            title,
            body_html: markdown::to_html(&self.body),
            body: self.body.clone(),
            weight: self.weight,
            in_nav: self.in_nav,
            updated_at: now,
        })
    }
}
