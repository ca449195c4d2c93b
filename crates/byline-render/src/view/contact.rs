//! The contact desk's page (`contact.html`): the form, what was typed, what is wrong with it,
//! and the two anti-spam fields (the signed stamp and the honeypot), and the corrections page
//! (`corrections.html`).

use super::site::{MetaView, SiteView};
use byline_core::contact::ContactSubject;
use byline_core::correction::ListedCorrection;
use serde::Serialize;
use std::collections::BTreeMap;

/// One choice of the subject list.
#[derive(Debug, Serialize)]
pub struct SubjectOption {
    pub value: &'static str,
    pub label: &'static str,
    pub selected: bool,
}

/// `/contact/`.
#[derive(Debug, Serialize)]
pub struct ContactPage<'a> {
    pub site: &'a SiteView,
    pub meta: MetaView,
    pub name: String,
    pub email: String,
    pub message: String,
    pub subjects: Vec<SubjectOption>,
    /// The signed time the form was drawn (`byline_core::spam::FormStamp`).
    pub stamp: String,
    /// The honeypot field's name (people never see it).
    pub honeypot: &'static str,
    /// What is wrong, by field (`name`, `email`, `subject`, `message`).
    pub errors: BTreeMap<String, String>,
    /// What is wrong with the whole post (too fast, expired form).
    pub notice: Option<String>,
    /// The body of the publication's page called `contact`, shown above the form.
    pub intro_html: Option<String>,
}

impl<'a> ContactPage<'a> {
    /// An empty form; `subject` preselects a subject by its value (`?subject=correction`).
    /// `intro` is the publication's page called `contact`, if it has one.
    pub fn new(
        site: &'a SiteView,
        stamp: String,
        subject: &str,
        intro: Option<&byline_core::Page>,
    ) -> Self {
        let meta = site.meta(
            Some(intro.map_or("Contact", |p| p.title.as_str())),
            Some(&format!("Write to {}: questions, media inquiries, corrections.", site.title)),
            "/contact/",
        );
        Self {
            site,
            meta,
            name: String::new(),
            email: String::new(),
            message: String::new(),
            subjects: ContactSubject::ALL
                .into_iter()
                .map(|s| SubjectOption {
                    value: s.as_str(),
                    label: s.label(),
                    selected: s.as_str() == subject,
                })
                .collect(),
            stamp,
            honeypot: byline_core::spam::HONEYPOT_FIELD,
            errors: BTreeMap::new(),
            notice: None,
            intro_html: intro.map(|p| p.body_html.clone()),
        }
    }
}

/// One line of the corrections page.
#[derive(Debug, Serialize)]
pub struct CorrectionItem {
    pub text: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    /// As people read it: `3 March 2026`.
    pub display_date: String,
    pub article_title: String,
    pub article_url: String,
}

impl CorrectionItem {
    pub fn new(base: &str, c: &ListedCorrection) -> Self {
        Self {
            text: c.correction.text.clone(),
            date: c.correction.date.format("%Y-%m-%d").to_string(),
            display_date: c.correction.date.format("%-d %B %Y").to_string(),
            article_title: c.article_title.clone(),
            article_url: format!("{base}{}", crate::urls::article(&c.article_slug)),
        }
    }
}

/// Corrections on a page of `/corrections/` (the server's and the static export's).
pub const CORRECTIONS_PER_PAGE: u64 = 30;
/// Corrections in `/corrections/feed.xml`.
pub const CORRECTIONS_FEED_ITEMS: u64 = 50;

/// `/corrections/`: every correction, newest first.
#[derive(Debug, Serialize)]
pub struct CorrectionsPage<'a> {
    pub site: &'a SiteView,
    pub meta: MetaView,
    pub corrections: Vec<CorrectionItem>,
    /// The previous and next pages' paths.
    pub newer: Option<String>,
    pub older: Option<String>,
    pub feed_url: String,
}

impl<'a> CorrectionsPage<'a> {
    pub fn new(site: &'a SiteView, items: &[ListedCorrection], page: u64, pages: u64) -> Self {
        let path = |n: u64| match n {
            1 => "/corrections/".to_owned(),
            n => format!("/corrections/page/{n}/"),
        };
        let mut meta = site.meta(
            Some("Corrections"),
            Some(&format!("Every correction {} has made to its articles.", site.title)),
            &path(page),
        );
        meta.feeds = vec![super::site::FeedLink {
            title: format!("{}: corrections", site.title),
            url: format!("{}/corrections/feed.xml", site.base_url),
            mime: "application/atom+xml",
        }];
        Self {
            site,
            meta,
            corrections: items.iter().map(|c| CorrectionItem::new(&site.base_url, c)).collect(),
            newer: (page > 1).then(|| path(page - 1)),
            older: (page < pages).then(|| path(page + 1)),
            feed_url: format!("{}/corrections/feed.xml", site.base_url),
        }
    }
}
