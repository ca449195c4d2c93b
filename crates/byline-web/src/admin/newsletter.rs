//! One newsletter in the admin: adding one, editing it (name, description, sender,
//! reply-to, audience, default flag, digest schedule) and archiving it or bringing it back;
//! and the publication's choice to count opens and clicks (off by default).
//! An archived newsletter is offered to no one, takes no new subscribers and no new issue;
//! its subscribers and its past sends stay. The store's use cases write the audit lines.

use super::fields::{done, refused};
use super::frame::{Layout, SignedIn, render};
use crate::{AppState, WebError};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use byline_core::newsletters::{Audience, Newsletter, NewsletterInput, Tracking};
use byline_core::staff::Action;
use byline_store::StoreError;
use serde::{Deserialize, Serialize};

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/newsletters/lists/{slug}", get(edit).post(update))
        .route("/admin/newsletters/lists/{slug}/archive", post(archive))
        .route("/admin/newsletters/tracking", post(tracking))
}

const SECTION: &str = "/admin/newsletters";

/// The add and edit forms, as typed.
#[derive(Deserialize, Serialize, Default)]
pub(super) struct NewsletterForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    slug: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    sender_name: String,
    #[serde(default)]
    sender_email: String,
    #[serde(default)]
    reply_to: String,
    #[serde(default)]
    paid: Option<String>,
    #[serde(default)]
    default: Option<String>,
    #[serde(default)]
    digest: String,
}

impl NewsletterForm {
    fn input(&self) -> NewsletterInput {
        let some = |s: &str| (!s.trim().is_empty()).then(|| s.to_owned());
        NewsletterInput {
            name: self.name.clone(),
            slug: some(&self.slug),
            description: some(&self.description),
            sender_name: some(&self.sender_name),
            sender_email: some(&self.sender_email),
            reply_to: some(&self.reply_to),
            audience: if self.paid.is_some() { Audience::Paid } else { Audience::Members },
            subscribe_by_default: self.default.is_some(),
            digest: some(&self.digest),
        }
    }

    fn of(n: &Newsletter) -> Self {
        let text = |s: &Option<String>| s.clone().unwrap_or_default();
        NewsletterForm {
            name: n.name.clone(),
            slug: n.slug.clone(),
            description: text(&n.description),
            sender_name: text(&n.sender_name),
            sender_email: text(&n.sender_email),
            reply_to: text(&n.reply_to),
            paid: (n.audience == Audience::Paid).then(|| "1".into()),
            default: n.subscribe_by_default.then(|| "1".into()),
            digest: n.digest.map(|d| d.as_string()).unwrap_or_default(),
        }
    }
}

pub(super) async fn create(
    State(state): State<AppState>,
    who: SignedIn,
    Form(f): Form<NewsletterForm>,
) -> Result<Response, WebError> {
    who.require(Action::ManageMembers)?;
    match state.store.create_newsletter(&f.input(), &who.actor()).await {
        Ok(n) => Ok(done(&who, format!("Newsletter {} added.", n.name), SECTION).await),
        Err(StoreError::Invalid(e)) => {
            refused(&who, WebError::Conflict(e.to_string()), SECTION).await
        }
        Err(e) => refused(&who, e.into(), SECTION).await,
    }
}

#[derive(Serialize)]
struct EditView {
    /// The slug the form saves to (the saved one, even when the form changes it).
    slug: String,
    archived: bool,
    subscribers: u64,
    sends: usize,
    form: NewsletterForm,
    /// Why nothing was saved, when a save was refused.
    error: Option<String>,
}

async fn show(
    state: &AppState,
    who: &SignedIn,
    n: &Newsletter,
    form: NewsletterForm,
    error: Option<String>,
) -> Result<Response, WebError> {
    let subscribers = state
        .store
        .newsletter_subscriber_counts()
        .await?
        .into_iter()
        .find(|(id, _)| *id == n.id)
        .map_or(0, |c| c.1);
    let sends = state.store.sends(10_000, false).await?;
    let sends = sends.iter().filter(|s| s.newsletter_id == n.id).count();
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let title = format!("Newsletter {}", n.name);
    let layout = Layout::signed_in(state, who, title, SECTION).await?;
    let view =
        EditView { slug: n.slug.clone(), archived: n.archived, subscribers, sends, form, error };
    let mut r = render(state, "newsletter.html", layout, view)?;
    *r.status_mut() = status;
    Ok(r)
}

async fn edit(
    State(state): State<AppState>,
    who: SignedIn,
    Path(slug): Path<String>,
) -> Result<Response, WebError> {
    who.require(Action::ManageMembers)?;
    let n = state.store.newsletter(&slug).await?;
    show(&state, &who, &n, NewsletterForm::of(&n), None).await
}

/// Saves the form; a refusal shows it again as typed, with the reason.
async fn update(
    State(state): State<AppState>,
    who: SignedIn,
    Path(slug): Path<String>,
    Form(f): Form<NewsletterForm>,
) -> Result<Response, WebError> {
    who.require(Action::ManageMembers)?;
    let n = state.store.newsletter(&slug).await?;
    match state.store.update_newsletter(&slug, &f.input(), &who.actor()).await {
        Ok(n) => Ok(done(
            &who,
            format!("Newsletter {} saved.", n.name),
            &format!("{SECTION}/lists/{}", n.slug),
        )
        .await),
        Err(StoreError::Invalid(e)) => {
            show(&state, &who, &n, f, Some(format!("Nothing was saved: {e}"))).await
        }
        Err(StoreError::Conflict(e)) => {
            show(&state, &who, &n, f, Some(format!("Nothing was saved: {e}"))).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
struct ArchiveForm {
    /// `1` archives, `0` brings it back.
    archived: String,
}

async fn archive(
    State(state): State<AppState>,
    who: SignedIn,
    Path(slug): Path<String>,
    Form(f): Form<ArchiveForm>,
) -> Result<Response, WebError> {
    who.require(Action::ManageMembers)?;
    let archived = match f.archived.as_str() {
        "1" => true,
        "0" => false,
        other => {
            return Err(WebError::BadRequest(format!("archived: {other:?} is neither 1 nor 0")));
        }
    };
    let n = state.store.archive_newsletter(&slug, archived, &who.actor()).await?;
    let said = if archived {
        format!(
            "{} is archived: offered to no one and sent nothing; its subscribers and past \
             issues are kept.",
            n.name
        )
    } else {
        format!("{} is open again.", n.name)
    };
    Ok(done(&who, said, &format!("{SECTION}/lists/{}", n.slug)).await)
}

#[derive(Deserialize)]
struct TrackingForm {
    #[serde(default)]
    opens: Option<String>,
    #[serde(default)]
    clicks: Option<String>,
}

/// Turns open and click counting on or off for the sends from now on.
async fn tracking(
    State(state): State<AppState>,
    who: SignedIn,
    Form(f): Form<TrackingForm>,
) -> Result<Response, WebError> {
    who.require(Action::ManageSettings)?;
    let t = Tracking { opens: f.opens.is_some(), clicks: f.clicks.is_some() };
    let t = state.store.set_newsletter_tracking(t, &who.actor()).await?;
    let said = match (t.opens, t.clicks) {
        (false, false) => "Opens and clicks are not counted.".to_owned(),
        _ => format!(
            "New sends count {}; only the counts are kept.",
            match (t.opens, t.clicks) {
                (true, true) => "opens and clicks",
                (true, false) => "opens",
                _ => "clicks",
            }
        ),
    };
    Ok(done(&who, said, SECTION).await)
}
