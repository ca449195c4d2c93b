//! `byline import ghost FILE.json`: a Ghost export (Ghost 1 to 6) into the publication.
//!
//! In order: settings, authors (Ghost's staff users), tags (public ones as terms of the
//! `tags` taxonomy, internal `#tags` as hidden labels), tiers (Ghost's products),
//! newsletters, posts and pages, members (with their newsletters), comments. Each record
//! is saved on its own, so one that fails is reported (with the line of its id in the file)
//! and the rest go on; importing the same file again updates instead of adding copies
//! (articles and comments are keyed by their Ghost ids, everything else by slug or email). Secrets in the export (session secrets, private keys, API keys, integrations,
//! webhooks, staff passwords) are never read into anything Byline stores.

mod addresses;
mod batches;
mod comments;
mod content;
mod editors;
mod file;
mod newsletters;
mod people;
mod posts;
mod report;

pub use report::{GhostReport, KINDS};

use crate::batch::Open;
use crate::report::Problem;
use byline_core::old_address::OldAddress;
use byline_store::Store;
use chrono::{DateTime, Utc};
use file::{Export, text};
use serde_json::{Map, Value};
use std::collections::HashMap;

/// How to import.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Check and count everything, write nothing.
    pub dry_run: bool,
    /// The Ghost site's address (`https://old.example.org`): links Ghost wrote as
    /// `__GHOST_URL__/…` (its images, its own posts) point there. Without it they become
    /// paths on this site (`/content/images/…`, `/slug/`).
    pub ghost_url: Option<String>,
}

/// Told how far each kind has got: (kind, done, total).
pub type Progress<'a> = &'a (dyn Fn(&str, usize, usize) + Sync);

/// Imports the export in `text` (read from the file `name`).
pub async fn import(
    store: &Store,
    name: &str,
    text: &str,
    options: &Options,
    now: DateTime<Utc>,
    progress: Progress<'_>,
) -> GhostReport {
    let mut report = GhostReport::new(options.dry_run);
    let base = match &options.ghost_url {
        None => String::new(),
        Some(u) => match url::Url::parse(u.trim()) {
            Ok(parsed) if matches!(parsed.scheme(), "http" | "https") => {
                u.trim().trim_end_matches('/').to_owned()
            }
            _ => {
                report.unreadable = true;
                report.errors.push(Problem {
                    path: name.to_owned(),
                    line: None,
                    message: format!("--ghost-url {u:?} is not an http(s) address"),
                });
                return report;
            }
        },
    };
    // A URL has no quote or backslash, so the JSON stays valid.
    let rewritten = text.replace("__GHOST_URL__", &base);
    let export = match Export::parse(name, &rewritten) {
        Ok(e) => e,
        Err(p) => {
            report.unreadable = true;
            report.errors.push(p);
            return report;
        }
    };
    report.version = export.version.clone();
    note_skipped(&export, &mut report);
    let base_path = addresses::base_path(&base);
    let mut run = Run {
        store,
        export: &export,
        report,
        dry_run: options.dry_run,
        now,
        progress,
        base_path,
        article_ids: HashMap::new(),
        open: None,
        pending: Vec::new(),
    };
    run.settings().await;
    let authors = run.authors().await;
    let tags = run.tags().await;
    let tiers = run.tiers().await;
    let newsletters = run.newsletters().await;
    run.posts(&authors, &tags, &tiers).await;
    run.members(&tiers, &newsletters).await;
    run.comments().await;
    run.report
}

/// One import under way: where it writes, what it reads, what it has done.
pub(crate) struct Run<'a> {
    pub store: &'a Store,
    pub export: &'a Export<'a>,
    pub report: GhostReport,
    pub dry_run: bool,
    pub now: DateTime<Utc>,
    pub progress: Progress<'a>,
    /// The folder the Ghost site was installed in (`/blog`), or empty: its old addresses
    /// were under it.
    pub base_path: String,
    /// Ghost post id → the article it became (0 in a dry run), for its comments.
    pub article_ids: HashMap<String, i64>,
    /// The open batch of posts and pages, with the report from before it (see `batches.rs`).
    pub open: Option<Open<&'a Map<String, Value>, GhostReport>>,
    /// Old addresses of the open batch's posts, kept with them when it commits.
    pub pending: Vec<OldAddress>,
}

/// Ghost ids to what Byline calls them (slugs).
pub(crate) type IdMap = HashMap<String, String>;

/// Tables Byline leaves out, with the reason the report gives.
const SKIPPED: &[(&str, &str)] = &[
    ("comment_likes", "likes are not imported"),
    ("comment_reports", "reports are Ghost's moderation history, not content"),
    ("emails", "sent newsletter emails are Ghost's history, not content"),
    ("email_batches", "sent newsletter emails are Ghost's history, not content"),
    ("email_recipients", "sent newsletter emails are Ghost's history, not content"),
    ("api_keys", "API keys are secrets and are never imported; make new ones in Byline"),
    ("integrations", "integrations hold API keys and are never imported"),
    ("webhooks", "webhooks hold secrets and are never imported"),
    ("invites", "invitations hold tokens and are never imported"),
    ("tokens", "tokens are secrets and are never imported"),
    ("sessions", "sessions are secrets and are never imported"),
    (
        "members_stripe_customers_subscriptions",
        "subscriptions stay in Stripe; members keep their Stripe customer",
    ),
    ("offers", "Byline has no offers"),
    ("offer_redemptions", "Byline has no offers"),
    ("snippets", "Byline has no snippets"),
    ("benefits", "tier benefits are not read from Ghost"),
    ("recommendations", "Byline has no recommendations"),
    ("custom_theme_settings", "theme settings belong to Ghost's theme"),
    ("mobiledoc_revisions", "only the current version of each post is imported"),
    ("post_revisions", "only the current version of each post is imported"),
    ("subscribers", "Ghost 1-2 subscribers predate members and are not imported"),
];

/// Secret settings: never read.
pub(crate) const SECRET_SETTINGS: &[&str] = &[
    "db_hash",
    "admin_session_secret",
    "theme_session_secret",
    "ghost_private_key",
    "ghost_public_key",
    "members_private_key",
    "members_public_key",
    "members_email_auth_secret",
    "members_stripe_webhook_secret",
    "stripe_secret_key",
    "stripe_publishable_key",
    "stripe_connect_secret_key",
    "stripe_connect_publishable_key",
    "mailgun_api_key",
    "public_hash",
    "password",
    "session_secret",
    "email_verification_secret",
];

fn note_skipped(export: &Export<'_>, report: &mut GhostReport) {
    for (table, why) in SKIPPED {
        let n = export.count(table);
        if n > 0 {
            report.skipped.push(((*table).replace('_', " "), n, (*why).to_owned()));
        }
    }
    let secrets = export.data.get("settings").and_then(|s| s.as_array()).map_or(0, |rows| {
        rows.iter()
            .filter(|r| {
                r.get("key").and_then(|k| k.as_str()).is_some_and(|k| SECRET_SETTINGS.contains(&k))
                    && r.get("value").is_some_and(|v| !v.is_null() && v.as_str() != Some(""))
            })
            .count()
    });
    if secrets > 0 {
        report.skipped.push((
            "secret settings".into(),
            secrets,
            "session secrets, private keys and API keys are never stored".into(),
        ));
    }
}

impl Run<'_> {
    /// The publication's title, description, language, logo and icon.
    async fn settings(&mut self) {
        let rows = match self.export.table("settings") {
            Ok(r) => r,
            Err(p) => return self.report.fail("settings", p),
        };
        if rows.is_empty() {
            return;
        }
        let get: HashMap<String, String> = rows
            .iter()
            .filter_map(|r| Some((text(r, "key")?, text(r, "value")?)))
            .filter(|(k, _)| !SECRET_SETTINGS.contains(&k.as_str()))
            .collect();
        let current = match self.store.publication().await {
            Ok(p) => p,
            Err(e) => {
                return self.report.fail("settings", self.export.problem(None, e.to_string()));
            }
        };
        let mut next = current.clone();
        if let Some(t) = get.get("title") {
            next.title = t.clone();
        }
        if let Some(d) = get.get("description") {
            next.description = Some(d.clone());
        }
        if let Some(l) = get.get("locale").or_else(|| get.get("lang")) {
            next.language = l.clone();
        }
        if let Some(l) = get.get("logo") {
            next.logo = Some(people::absolute(l));
        }
        if let Some(i) = get.get("icon") {
            next.favicon = Some(people::absolute(i));
        }
        if next == current {
            self.report.counts_mut("settings").unchanged += 1;
            return;
        }
        if self.dry_run {
            self.report.counts_mut("settings").updated += 1;
            return;
        }
        match self.store.save_publication(next).await {
            Ok(_) => self.report.counts_mut("settings").updated += 1,
            Err(e) => {
                let line = None;
                self.report.fail("settings", self.export.problem(line, format!("settings: {e}")))
            }
        }
    }

    pub(crate) fn tick(&self, kind: &str, done: usize, total: usize) {
        (self.progress)(kind, done, total);
    }
}
