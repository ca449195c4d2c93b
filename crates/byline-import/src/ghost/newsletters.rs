//! Ghost's newsletters as Byline's, keyed by slug: name, description, sender, reply-to
//! address, audience (`visibility`), whether new members get it (`subscribe_on_signup`)
//! and whether it is archived. Ghost's email design settings (fonts, colours, what the
//! header shows) belong to Ghost's templates and are not read. Who receives which
//! newsletter (`members_newsletters`) is read with the members (see [`super::people`]).

use super::file::{flag, text};
use super::{IdMap, Run};
use byline_core::audit::Actor;
use byline_core::newsletters::{Audience, Newsletter, NewsletterInput, looks_like_email};
use byline_core::slugify;
use byline_store::{Outcome, StoreError};
use serde_json::{Map, Value};
use std::collections::HashMap;

/// A Ghost newsletter as Byline's input, and whether it is archived.
pub(crate) fn newsletter(row: &Map<String, Value>) -> Result<(NewsletterInput, bool), String> {
    let name = text(row, "name").ok_or("a newsletter needs a `name`")?;
    let input = NewsletterInput {
        slug: Some(text(row, "slug").map(|s| slugify(&s)).unwrap_or_else(|| slugify(&name))),
        name,
        description: text(row, "description"),
        sender_name: text(row, "sender_name"),
        sender_email: text(row, "sender_email"),
        // Ghost writes `newsletter` or `support` (its own addresses) or an address.
        reply_to: text(row, "sender_reply_to").filter(|r| looks_like_email(r)),
        audience: match text(row, "visibility").as_deref() {
            Some("paid") => Audience::Paid,
            _ => Audience::Members,
        },
        // Ghost's default is on.
        subscribe_by_default: row.get("subscribe_on_signup").is_none()
            || flag(row, "subscribe_on_signup"),
        digest: None,
    };
    input.validate().map_err(|e| e.to_string())?;
    Ok((input, text(row, "status").as_deref() == Some("archived")))
}

/// Does the newsletter already say what the input says?
fn same(n: &Newsletter, i: &NewsletterInput, archived: bool) -> bool {
    let Ok(f) = i.validate() else { return false };
    n.name == f.name
        && n.description == f.description
        && n.sender_name == f.sender_name
        && n.sender_email == f.sender_email
        && n.reply_to == f.reply_to
        && n.audience == f.audience
        && n.subscribe_by_default == f.subscribe_by_default
        && n.archived == archived
}

impl Run<'_> {
    /// Newsletters, created or updated by slug; returns Ghost newsletter id → slug.
    pub(crate) async fn newsletters(&mut self) -> IdMap {
        let mut ids = IdMap::new();
        let rows = match self.export.table("newsletters") {
            Ok(r) => r,
            Err(p) => {
                self.report.fail("newsletters", p);
                return ids;
            }
        };
        if rows.is_empty() {
            return ids;
        }
        let existing: HashMap<String, Newsletter> = match self.store.newsletters().await {
            Ok(all) => all.into_iter().map(|n| (n.slug.clone(), n)).collect(),
            Err(e) => {
                self.report.fail("newsletters", self.export.problem(None, e.to_string()));
                return ids;
            }
        };
        let actor = Actor::command_line();
        let total = rows.len();
        let created_before = self.report.kind("newsletters").created;
        for (i, row) in rows.into_iter().enumerate() {
            self.tick("newsletters", i + 1, total);
            let (mut input, archived) = match newsletter(row) {
                Ok(n) => n,
                Err(why) => {
                    let p = self.export.record_problem("newsletters", row, why);
                    self.report.fail("newsletters", p);
                    continue;
                }
            };
            let slug = input.slug.clone().unwrap_or_default();
            let before = existing.get(&slug);
            // A digest schedule set in Byline is not Ghost's to undo.
            input.digest = before.and_then(|n| n.digest).map(|d| d.as_string());
            let outcome = match before {
                Some(n) if same(n, &input, archived) => Ok(Outcome::Unchanged),
                Some(_) if self.dry_run => Ok(Outcome::Updated),
                None if self.dry_run => Ok(Outcome::Created),
                Some(n) => self.update(&slug, &input, archived, n.archived, &actor).await,
                None => self.create(&input, archived, &actor).await,
            };
            match outcome {
                Ok(o) => {
                    self.report.counts_mut("newsletters").add(o);
                    if let Some(id) = text(row, "id") {
                        ids.insert(id, slug);
                    }
                }
                Err(e) => {
                    let p = self.export.record_problem("newsletters", row, e.to_string());
                    self.report.fail("newsletters", p);
                }
            }
        }
        let others: Vec<&str> = existing
            .values()
            .filter(|n| !n.archived && !ids.values().any(|s| *s == n.slug))
            .map(|n| n.slug.as_str())
            .collect();
        if self.report.kind("newsletters").created > created_before && !others.is_empty() {
            self.report.warnings.push(self.export.problem(
                None,
                format!(
                    "Ghost's newsletters were added beside this publication's own ({}); \
                     archive those Ghost's replace, or new members receive both",
                    others.join(", ")
                ),
            ));
        }
        ids
    }

    async fn create(
        &self,
        input: &NewsletterInput,
        archived: bool,
        actor: &Actor,
    ) -> Result<Outcome, StoreError> {
        let n = self.store.create_newsletter(input, actor).await?;
        if archived {
            self.store.archive_newsletter(&n.slug, true, actor).await?;
        }
        Ok(Outcome::Created)
    }

    async fn update(
        &self,
        slug: &str,
        input: &NewsletterInput,
        archived: bool,
        was_archived: bool,
        actor: &Actor,
    ) -> Result<Outcome, StoreError> {
        self.store.update_newsletter(slug, input, actor).await?;
        if archived != was_archived {
            self.store.archive_newsletter(slug, archived, actor).await?;
        }
        Ok(Outcome::Updated)
    }
}

/// Who receives which newsletter, by Ghost member id (as newsletter slugs), when the
/// export says (`members_newsletters`, Ghost 5 on); `None` when it does not, and members
/// then keep Ghost 4's `subscribed` flag or the default newsletters (as they do when no
/// newsletter came across).
pub(crate) fn subscriptions(
    export: &super::file::Export<'_>,
    newsletters: &IdMap,
) -> Option<HashMap<String, Vec<String>>> {
    if newsletters.is_empty() {
        return None;
    }
    export.data.get("members_newsletters")?;
    let mut of: HashMap<String, Vec<String>> = HashMap::new();
    for row in export.table("members_newsletters").unwrap_or_default() {
        if let (Some(m), Some(slug)) =
            (text(row, "member_id"), text(row, "newsletter_id").and_then(|n| newsletters.get(&n)))
        {
            of.entry(m).or_default().push(slug.clone());
        }
    }
    Some(of)
}
