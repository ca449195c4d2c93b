//! Newsletters on the site: the choices on the join and account pages, the one-click
//! unsubscribe page, and the public archive of sent issues with its subscribe form.

use super::shared::display_date;
use super::site::{MetaView, SiteView};
use chrono::{DateTime, Utc};
use serde::Serialize;

/// A newsletter a reader may tick.
#[derive(Debug, Clone, Serialize)]
pub struct NewsletterChoice {
    pub slug: String,
    pub name: String,
    pub description: Option<String>,
    pub checked: bool,
}

/// "Unsubscribe from …?" with its button (`newsletter_unsubscribe.html`): a GET never
/// unsubscribes (mail scanners follow links), the button posts to `action`.
#[derive(Debug, Serialize)]
pub struct NewsletterUnsubscribePage<'a> {
    pub site: &'a SiteView,
    pub meta: MetaView,
    pub newsletter: String,
    /// The same-site path with its query, to post to.
    pub action: String,
}

impl<'a> NewsletterUnsubscribePage<'a> {
    pub fn new(site: &'a SiteView, newsletter: &str, action: &str) -> Self {
        let mut meta = site.meta(Some("Unsubscribe"), None, "/newsletters/unsubscribe/");
        meta.noindex = true;
        Self { site, meta, newsletter: newsletter.to_owned(), action: action.to_owned() }
    }
}

/// One sent issue in the archive.
#[derive(Debug, Clone, Serialize)]
pub struct IssueLink {
    pub subject: String,
    pub newsletter: String,
    pub date: String,
    pub url: String,
}

/// The archive of sent issues, with the email-only subscribe form (`newsletter_archive.html`).
#[derive(Debug, Serialize)]
pub struct NewsletterArchivePage<'a> {
    pub site: &'a SiteView,
    pub meta: MetaView,
    pub issues: Vec<IssueLink>,
}

impl<'a> NewsletterArchivePage<'a> {
    pub fn new(site: &'a SiteView) -> Self {
        Self {
            site,
            meta: site.meta(Some("Newsletter"), None, "/newsletters/"),
            issues: Vec::new(),
        }
    }

    pub fn push(&mut self, id: i64, subject: &str, newsletter: &str, at: DateTime<Utc>) {
        self.issues.push(IssueLink {
            subject: subject.to_owned(),
            newsletter: newsletter.to_owned(),
            date: display_date(at),
            url: format!("/newsletters/issues/{id}/"),
        });
    }
}
