//! The editor's "publish and email": besides "publish only", publishing (or scheduling)
//! offers "publish and email", and a published or scheduled article offers "email only",
//! each to the newsletters ticked and one segment (all, free, paid, a tier, a label). The
//! choice is checked before anything is saved; the emailing then goes through
//! `Store::email_article`, the use case `byline newsletter send` and the Admin API call, so
//! a scheduled article is emailed at its time.

use super::form::EditorForm;
use crate::{AppState, WebError};
use byline_core::ArticleStatus;
use byline_core::audit::Actor;
use byline_core::newsletters::Segment;
use serde::Serialize;

/// What the editor shows of the emailing choice.
#[derive(Serialize, Default)]
pub(super) struct EmailBox {
    /// (slug, name, ticked) of every open newsletter that goes out with each article.
    newsletters: Vec<(String, String, bool)>,
    /// (value, label, selected) of every segment.
    segments: Vec<(String, String, bool)>,
    /// "Email only" is offered (the saved article is published or scheduled).
    pub(super) email_only: bool,
}

/// The newsletters and segment to email to; `None` when the role may not send newsletters.
pub(super) async fn email_box(
    state: &AppState,
    may_send: bool,
    form: &EditorForm,
    saved_status: Option<ArticleStatus>,
) -> Result<Option<EmailBox>, WebError> {
    if !may_send {
        return Ok(None);
    }
    let newsletters: Vec<_> = state
        .store
        .newsletters()
        .await?
        .into_iter()
        .filter(|n| !n.archived && n.digest.is_none())
        .map(|n| {
            let ticked = form.email_newsletters.contains(&n.slug);
            (n.slug, n.name, ticked)
        })
        .collect();
    if newsletters.is_empty() {
        return Ok(None);
    }
    let chosen = match Segment::parse(&form.email_segment) {
        Ok(s) => s.as_string(),
        Err(_) => form.email_segment.clone(),
    };
    let mut segments: Vec<(String, String)> = vec![
        ("all".into(), "All subscribers".into()),
        ("free".into(), "Free members".into()),
        ("paid".into(), "Paying members".into()),
    ];
    for t in state.store.tiers().await? {
        segments.push((format!("tier:{}", t.slug), format!("Tier: {}", t.name)));
    }
    for l in state.store.member_labels().await? {
        segments.push((format!("label:{}", l.slug), format!("Label: {}", l.name)));
    }
    Ok(Some(EmailBox {
        newsletters,
        segments: segments
            .into_iter()
            .map(|(value, label)| {
                let selected = value == chosen;
                (value, label, selected)
            })
            .collect(),
        email_only: matches!(
            saved_status,
            Some(ArticleStatus::Published | ArticleStatus::Scheduled)
        ),
    }))
}

/// A checked choice: the open newsletters (by slug) and the segment.
pub(super) struct Choice {
    newsletters: Vec<String>,
    segment: Segment,
}

/// Checks the form's choice before anything is saved; a refusal is (field, message).
pub(super) async fn check(
    state: &AppState,
    form: &EditorForm,
) -> Result<Result<Choice, (&'static str, String)>, WebError> {
    if form.email_newsletters.is_empty() {
        return Ok(Err((
            "email_newsletters",
            "choose at least one newsletter to email the article to".into(),
        )));
    }
    let open = state.store.newsletters().await?;
    for slug in &form.email_newsletters {
        match open.iter().find(|n| &n.slug == slug) {
            Some(n) if n.archived => {
                let why = format!("{} is archived and takes no new issues", n.name);
                return Ok(Err(("email_newsletters", why)));
            }
            Some(_) => {}
            None => {
                let why = format!("there is no newsletter {slug:?}");
                return Ok(Err(("email_newsletters", why)));
            }
        }
    }
    let segment = match Segment::parse(&form.email_segment) {
        Ok(s) => s,
        Err(e) => return Ok(Err(("email_segment", e))),
    };
    Ok(Ok(Choice { newsletters: form.email_newsletters.clone(), segment }))
}

/// Emails the saved article `slug` to each chosen newsletter; what happened, or why not.
pub(super) async fn email(
    state: &AppState,
    actor: &Actor,
    slug: &str,
    choice: &Choice,
) -> Result<String, String> {
    let mut said = Vec::new();
    for n in &choice.newsletters {
        match state.store.email_article(slug, Some(n), &choice.segment, actor).await {
            Ok(s) if s.state == "scheduled" => said.push(format!(
                "{} will get it ({}) when the article is published",
                s.newsletter_name,
                choice.segment.as_string()
            )),
            Ok(s) => said.push(format!(
                "{} is emailing it to {} recipient(s) ({})",
                s.newsletter_name,
                s.counts.total,
                choice.segment.as_string()
            )),
            Err(e) => {
                let done = if said.is_empty() { String::new() } else { said.join("; ") + "; " };
                return Err(format!("{done}not emailed to {n}: {e}"));
            }
        }
    }
    Ok(said.join("; ") + ".")
}
