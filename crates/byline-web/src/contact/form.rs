//! The contact form: drawn with a signed stamp of the time (the minimum time to submit) and a
//! honeypot field; a post is checked (stamp, honeypot, fields), then kept under the per-address
//! limit and duplicate check in one store transaction that also queues its email.

use crate::client::ClientAddr;
use crate::public::render::PageFrame;
use crate::{AppState, WebError};
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use byline_core::contact::ContactInput;
use byline_core::spam::{FormStamp, HONEYPOT_FIELD, Refusal};
use byline_render::view::{ContactPage, MemberMessagePage};
use byline_store::ContactOutcome;
use chrono::Utc;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The scope the form's stamp is signed for.
const SCOPE: &str = "contact";

#[derive(Debug, Deserialize, Default)]
pub(crate) struct Sent {
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    subject: String,
    #[serde(default)]
    message: String,
    #[serde(default)]
    stamp: String,
    #[serde(default, rename = "website")]
    honeypot: String,
}

#[derive(Debug, Deserialize, Default)]
pub(crate) struct Shown {
    #[serde(default)]
    subject: String,
}

/// `GET /contact/` (`?subject=correction` preselects a subject).
pub(crate) async fn show(
    State(state): State<AppState>,
    Query(q): Query<Shown>,
) -> Result<Response, WebError> {
    let sent = Sent { subject: q.subject, ..Sent::default() };
    form(&state, StatusCode::OK, &sent, BTreeMap::new(), None).await
}

/// `POST /contact/`.
pub(crate) async fn send(
    State(state): State<AppState>,
    client: ClientAddr,
    Form(sent): Form<Sent>,
) -> Result<Response, WebError> {
    debug_assert_eq!(HONEYPOT_FIELD, "website");
    let key = state.member_key().await?;
    let now = Utc::now();
    match FormStamp::check(&key, SCOPE, &sent.stamp, &sent.honeypot, now) {
        Ok(()) => {}
        Err(Refusal::Honeypot) => {
            // A bot: answered as if accepted, so it learns nothing; nothing is kept.
            tracing::info!(client = %client.0, "the contact form's honeypot was filled; dropped");
            return thanks(&state).await;
        }
        Err(why) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return form(&state, status, &sent, BTreeMap::new(), Some(why.message())).await;
        }
    }
    let input = ContactInput {
        name: sent.name.clone(),
        email: sent.email.clone(),
        subject: sent.subject.clone(),
        message: sent.message.clone(),
    };
    let fields = match input.validate() {
        Ok(f) => f,
        Err(invalid) => {
            let mut errors = BTreeMap::new();
            for e in invalid.0 {
                errors.entry(e.field).or_insert(e.message);
            }
            return form(&state, StatusCode::UNPROCESSABLE_ENTITY, &sent, errors, None).await;
        }
    };
    match state.store.receive_contact_message(&fields, &client.0, now).await? {
        ContactOutcome::Received { .. } => thanks(&state).await,
        ContactOutcome::Duplicate => {
            message(
                &state,
                StatusCode::OK,
                "We already have your message",
                "This message reached us already, so it was not kept twice. We will reply to the \
                 address you gave.",
            )
            .await
        }
        ContactOutcome::Limited { retry_after } => {
            let minutes = retry_after.div_ceil(60);
            let notice = format!(
                "Too many messages were sent from your network in the last hour. Your text is kept \
                 below: please send it again in {minutes} minutes."
            );
            // The form again, with its notice, so nothing typed is lost.
            let status = StatusCode::TOO_MANY_REQUESTS;
            let mut r = form(&state, status, &sent, BTreeMap::new(), Some(notice.as_str())).await?;
            if let Ok(v) = HeaderValue::from_str(&retry_after.to_string()) {
                r.headers_mut().insert(header::RETRY_AFTER, v);
            }
            Ok(r)
        }
    }
}

fn fill(view: &mut ContactPage<'_>, sent: &Sent) {
    view.name = sent.name.trim().to_owned();
    view.email = sent.email.trim().to_owned();
    view.message = sent.message.clone();
}

/// The form, with what was typed and what is wrong with it.
async fn form(
    state: &AppState,
    status: StatusCode,
    sent: &Sent,
    errors: BTreeMap<String, String>,
    notice: Option<&str>,
) -> Result<Response, WebError> {
    let chrome = PageFrame::load(state).await?;
    let stamp = FormStamp::issue(&state.member_key().await?, SCOPE, Utc::now());
    let intro = chrome.pages.iter().find(|p| p.slug == "contact");
    let mut view = ContactPage::new(&chrome.site, stamp, sent.subject.trim(), intro);
    fill(&mut view, sent);
    view.errors = errors;
    view.notice = notice.map(str::to_owned);
    page(state, status, "contact.html", &view)
}

async fn thanks(state: &AppState) -> Result<Response, WebError> {
    message(
        state,
        StatusCode::OK,
        "Thank you for your message",
        "Your message reached the newsroom. We will reply to the address you gave.",
    )
    .await
}

async fn message(
    state: &AppState,
    status: StatusCode,
    heading: &str,
    text: &str,
) -> Result<Response, WebError> {
    let chrome = PageFrame::load(state).await?;
    let mut view = MemberMessagePage::new(&chrome.site, heading, text, "/contact/");
    view.next = Some(("Back to the front page".to_owned(), "/".to_owned()));
    page(state, status, "member_message.html", &view)
}

/// Renders a never-cached page.
fn page(
    state: &AppState,
    status: StatusCode,
    template: &str,
    view: &impl Serialize,
) -> Result<Response, WebError> {
    let mut r = (status, Html(state.theme.render(template, view)?)).into_response();
    r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(r)
}
