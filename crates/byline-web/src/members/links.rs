//! Joining and signing in by email: the forms, the one-time link's confirmation page (a GET
//! shows a button and spends nothing, so mail scanners cannot use the link up), spending it
//! (the member pass cookie is set), and signing out.
//!
//! The answer to a join or sign-in is the same "check your inbox" whether or not the address
//! is a member's: a join for a member's address mails a sign-in link, and a sign-in for an
//! unknown address mails a join link.

use super::pages::{message, page, too_many, with_cookie};
use super::passes::{clear_cookie, new_pass};
use super::reader::pass_cookie;
use crate::client::ClientAddr;
use crate::public::render::PageFrame;
use crate::{AppState, WebError};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use byline_core::member_pass::Pass;
use byline_core::members::check_member_email;
use byline_render::view::{MemberConfirmPage, MemberFormPage};
use byline_store::{LinkAsked, LinkPurpose, LinkRefusal, LinkRequest};
use serde::Deserialize;

#[derive(Debug, Deserialize, Default)]
pub(crate) struct EmailForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    name: String,
    /// The newsletters ticked on the join page (`None`: none were offered, so the
    /// default ones).
    #[serde(skip)]
    newsletters: Option<Vec<String>>,
}

impl EmailForm {
    /// The join form: email, name, and the ticked `newsletter-SLUG` boxes when the page
    /// offered newsletters (`newsletters_offered`).
    fn from_join(form: &std::collections::HashMap<String, String>) -> Self {
        EmailForm {
            email: form.get("email").cloned().unwrap_or_default(),
            name: form.get("name").cloned().unwrap_or_default(),
            newsletters: form
                .contains_key("newsletters_offered")
                .then(|| crate::newsletters::ticked(form)),
        }
    }
}

#[derive(Debug, Deserialize, Default)]
pub(crate) struct TokenForm {
    #[serde(default)]
    token: String,
}

#[derive(Debug, Deserialize, Default)]
pub(crate) struct SignOutForm {
    everywhere: Option<String>,
}

const JOIN: (&str, &str, &str) = ("Join", "/members/join/", "member_join.html");
const SIGN_IN: (&str, &str, &str) = ("Sign in", "/members/signin/", "member_signin.html");

async fn form(
    state: &AppState,
    which: (&str, &str, &str),
    status: StatusCode,
    sent: &EmailForm,
    error: Option<String>,
) -> Result<Response, WebError> {
    let chrome = PageFrame::load(state).await?;
    let mut view = MemberFormPage::new(&chrome.site, which.0, which.1);
    view.email = sent.email.trim().to_owned();
    view.name = sent.name.trim().to_owned();
    if which.1 == JOIN.1 {
        view.newsletters =
            crate::newsletters::choices(state, false, sent.newsletters.as_deref()).await?;
    }
    view.error = error;
    page(state, status, which.2, &view)
}

pub(crate) async fn join_form(State(state): State<AppState>) -> Result<Response, WebError> {
    form(&state, JOIN, StatusCode::OK, &EmailForm::default(), None).await
}

pub(crate) async fn signin_form(State(state): State<AppState>) -> Result<Response, WebError> {
    form(&state, SIGN_IN, StatusCode::OK, &EmailForm::default(), None).await
}

pub(crate) async fn join(
    State(state): State<AppState>,
    client: ClientAddr,
    Form(sent): Form<std::collections::HashMap<String, String>>,
) -> Result<Response, WebError> {
    ask(&state, JOIN, LinkPurpose::SignUp, client, EmailForm::from_join(&sent)).await
}

pub(crate) async fn signin(
    State(state): State<AppState>,
    client: ClientAddr,
    Form(sent): Form<EmailForm>,
) -> Result<Response, WebError> {
    ask(&state, SIGN_IN, LinkPurpose::SignIn, client, sent).await
}

async fn ask(
    state: &AppState,
    which: (&str, &str, &str),
    purpose: LinkPurpose,
    client: ClientAddr,
    sent: EmailForm,
) -> Result<Response, WebError> {
    let email = match check_member_email(&sent.email) {
        Ok(e) => e,
        Err(why) => {
            let error = Some(format!("Email address: {why}."));
            return form(state, which, StatusCode::UNPROCESSABLE_ENTITY, &sent, error).await;
        }
    };
    let name = sent.name.trim();
    if name.chars().count() > 191 {
        let error = Some("Name: is longer than 191 characters.".to_owned());
        return form(state, which, StatusCode::UNPROCESSABLE_ENTITY, &sent, error).await;
    }
    let req = LinkRequest {
        purpose,
        email: email.clone(),
        name: (!name.is_empty()).then(|| name.to_owned()),
        newsletters: sent.newsletters.clone(),
        member_id: None,
        client: client.0,
    };
    match state.store.ask_member_link(&req).await? {
        LinkAsked::Limited { retry_after, per } => too_many(state, retry_after, per).await,
        LinkAsked::Queued { .. } => {
            let text = format!(
                "If {email} can join or sign in, a link is on its way there. It works once, \
                 within an hour. Open it on this device and press its button."
            );
            message(state, StatusCode::OK, "Check your inbox", &text, None).await
        }
    }
}

/// Why a link does not work, as a page.
async fn refused(state: &AppState, why: LinkRefusal) -> Result<Response, WebError> {
    let (status, heading, text) = match why {
        LinkRefusal::Unknown => (
            StatusCode::NOT_FOUND,
            "This link does not work",
            "This link is not one we sent, or it was replaced by a newer one. Ask for a new link.",
        ),
        LinkRefusal::Used => (
            StatusCode::GONE,
            "This link was already used",
            "Each link works once. If you are not signed in, ask for a new link.",
        ),
        LinkRefusal::Expired => (
            StatusCode::GONE,
            "This link has expired",
            "Links work for one hour. Ask for a new link.",
        ),
        LinkRefusal::EmailTaken => (
            StatusCode::CONFLICT,
            "This address is already taken",
            "Another member uses this email address, so yours was not changed.",
        ),
    };
    message(state, status, heading, text, Some(("Sign in", "/members/signin/"))).await
}

pub(crate) async fn confirm_page(
    State(state): State<AppState>,
    Query(q): Query<TokenForm>,
) -> Result<Response, WebError> {
    let (heading, button) = match state.store.member_link(&q.token).await? {
        Err(why) => return refused(&state, why).await,
        Ok(LinkPurpose::SignIn) => ("Sign in", "Sign me in"),
        Ok(LinkPurpose::SignUp) => ("Confirm your membership", "Confirm and sign me in"),
        Ok(LinkPurpose::ChangeEmail) => ("Confirm your new address", "Use this address"),
    };
    let chrome = PageFrame::load(&state).await?;
    let view = MemberConfirmPage::new(&chrome.site, heading, button, q.token.trim());
    page(&state, StatusCode::OK, "member_confirm.html", &view)
}

pub(crate) async fn confirm(
    State(state): State<AppState>,
    Form(sent): Form<TokenForm>,
) -> Result<Response, WebError> {
    let signed = match state.store.spend_member_link(&sent.token).await? {
        Ok(s) => s,
        Err(why) => return refused(&state, why).await,
    };
    let now = chrono::Utc::now();
    let paid = state.store.paid_tier_slugs().await?;
    let pass = new_pass(&signed.member, signed.generation, &paid, now);
    let cookie = pass_cookie(&state, &pass).await?;
    let to = match signed.purpose {
        LinkPurpose::SignIn => "/",
        LinkPurpose::SignUp | LinkPurpose::ChangeEmail => "/members/account/",
    };
    Ok(with_cookie(Redirect::to(to).into_response(), &cookie))
}

pub(crate) async fn signout(
    State(state): State<AppState>,
    pass: Option<Extension<Pass>>,
    Form(sent): Form<SignOutForm>,
) -> Result<Response, WebError> {
    if let Some(Extension(p)) = pass
        && sent.everywhere.is_some_and(|v| !v.is_empty())
    {
        match state.store.sign_out_member_everywhere(p.member_id).await {
            Ok(_) => {}
            Err(e) if e.is_not_found() => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(with_cookie(Redirect::to("/").into_response(), &clear_cookie(&state)))
}
