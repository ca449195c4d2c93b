//! Guests' comments, in the `everyone` mode: a reader who is not signed in comments with a
//! name and an email address from the desk, the comment waits, and the mailed link confirms
//! the address (`/comments/confirm/`: a GET shows a button and spends nothing, so mail
//! scanners cannot use the link up; the POST confirms). A confirmed guest is mailed replies
//! to their comments; the signed link in that email stops them (`/comments/replies/stop/`:
//! again a GET shows a button, the POST stops). The same anti-spam as members':
//! the honeypot, the signed stamp and its minimum time, then the store's rate limits (per
//! client address and per email address), duplicates and blocked words.

use super::desk::refused_status;
use crate::client::ClientAddr;
use crate::members::pages::{message, page};
use crate::public::render::PageFrame;
use crate::{AppState, WebError};
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use byline_core::Article;
use byline_core::comment_form;
use byline_core::comments::reply_stop_email;
use byline_render::urls;
use byline_render::view::{CommentDeskPage, MemberConfirmPage};
use byline_store::{CommentRefused, ConfirmRefused, NewGuestComment};
use serde::Deserialize;

/// The id guests' form stamps are signed for (members' are their own ids, from 1).
const GUEST: i64 = 0;

/// What the guest typed, and what to say about it.
#[derive(Debug, Default)]
pub(crate) struct GuestForm {
    pub reply_to: Option<i64>,
    pub name: String,
    pub email: String,
    pub text: String,
    pub notice: Option<String>,
    pub error: Option<String>,
}

/// The guest's desk for `article`: the form with name and address, answered with `status`.
pub(crate) async fn render(
    state: &AppState,
    article: &Article,
    status: StatusCode,
    f: GuestForm,
) -> Result<Response, WebError> {
    let chrome = PageFrame::load(state).await?;
    let now = chrono::Utc::now();
    let mut view = CommentDeskPage::new(&chrome.site, &article.title, &article.slug, &[], now);
    view.guest = true;
    let settings = state.store.comment_settings().await?;
    view.closed = settings.open_on(article, now).err().map(|r| r.message().to_owned());
    view.stamp = comment_form::stamp(&state.member_key().await?, GUEST, now);
    if let Some(id) = f.reply_to {
        match state.store.comment(id).await {
            Ok(c) if c.article_id == article.id && c.public() => view.replying(&c, &article.slug),
            _ => {
                view.error =
                    Some("The comment you wanted to reply to is not there any more.".into())
            }
        }
    }
    view.name = f.name;
    view.email = f.email;
    view.text = f.text;
    view.notice = f.notice;
    if f.error.is_some() {
        view.error = f.error;
    }
    page(state, status, "comment_desk.html", &view)
}

/// A guest's post, from the desk's form fields.
pub(crate) struct GuestPost<'a> {
    pub reply_to: Option<i64>,
    pub name: &'a str,
    pub email: &'a str,
    pub body: &'a str,
    pub stamp: &'a str,
    pub honeypot: &'a str,
}

/// `POST /articles/{slug}/comments/` without a member's pass, in the `everyone` mode.
pub(crate) async fn post(
    state: &AppState,
    a: &Article,
    client: ClientAddr,
    p: GuestPost<'_>,
) -> Result<Response, WebError> {
    let back = |error: String| GuestForm {
        reply_to: p.reply_to,
        name: p.name.to_owned(),
        email: p.email.to_owned(),
        text: p.body.to_owned(),
        notice: None,
        error: Some(error),
    };
    let unprocessable = StatusCode::UNPROCESSABLE_ENTITY;
    if !p.honeypot.trim().is_empty() {
        let why = "Leave the field named “Website” empty (it is there to catch robots).";
        return render(state, a, unprocessable, back(why.into())).await;
    }
    let key = state.member_key().await?;
    if let Err(problem) = comment_form::check_stamp(&key, p.stamp, GUEST, chrono::Utc::now()) {
        return render(state, a, unprocessable, back(problem.message())).await;
    }
    let (name, email) = match comment_form::check_guest(p.name, p.email) {
        Ok(x) => x,
        Err((_, why)) => return render(state, a, unprocessable, back(why)).await,
    };
    let new = NewGuestComment {
        article_id: a.id,
        parent_id: p.reply_to,
        name,
        email: email.clone(),
        body: p.body.to_owned(),
        client: client.0,
    };
    match state.store.post_guest_comment(&new).await? {
        Ok(_) => {
            let text = format!(
                "Your comment is kept, and waits until you confirm your address: a link is on \
                 its way to {email}. It works once, within {} hours.",
                byline_core::comments::CONFIRM_VALID_FOR.num_hours()
            );
            let back = urls::article(&a.slug);
            let next = Some(("Back to the article", back.as_str()));
            message(state, StatusCode::OK, "Check your inbox", &text, next).await
        }
        Err(refused) => {
            let status = refused_status(&refused);
            let mut r = render(state, a, status, back(refused.message())).await?;
            if let CommentRefused::TooMany { retry_after } = refused
                && let Ok(v) = HeaderValue::from_str(&retry_after.to_string())
            {
                r.headers_mut().insert(header::RETRY_AFTER, v);
            }
            Ok(r)
        }
    }
}

#[derive(Debug, Deserialize, Default)]
pub(crate) struct TokenForm {
    #[serde(default)]
    token: String,
}

async fn refused(state: &AppState, why: ConfirmRefused) -> Result<Response, WebError> {
    let (status, heading) = match &why {
        ConfirmRefused::Unknown => (StatusCode::NOT_FOUND, "This link does not work"),
        ConfirmRefused::Used => (StatusCode::GONE, "This link was already used"),
        ConfirmRefused::Expired => (StatusCode::GONE, "This link has expired"),
        ConfirmRefused::Comment(r) => (refused_status(r), "Your comment could not be kept"),
    };
    message(state, status, heading, &why.message(), None).await
}

/// `GET /comments/confirm/?token=…`: the button that confirms.
pub(crate) async fn confirm_page(
    State(state): State<AppState>,
    Query(q): Query<TokenForm>,
) -> Result<Response, WebError> {
    if let Err(why) = state.store.comment_confirmation_usable(&q.token).await? {
        return refused(&state, why).await;
    }
    let chrome = PageFrame::load(&state).await?;
    let mut view = MemberConfirmPage::new(
        &chrome.site,
        "Confirm your comment",
        "Confirm my email address",
        q.token.trim(),
    );
    view.action = super::CONFIRM_PATH.to_owned();
    page(&state, StatusCode::OK, "member_confirm.html", &view)
}

/// `POST /comments/confirm/`: confirms the address; the comment is published, or waits
/// for a moderator, as the rules say.
pub(crate) async fn confirm(
    State(state): State<AppState>,
    Form(sent): Form<TokenForm>,
) -> Result<Response, WebError> {
    let done = match state.store.confirm_guest_comment(&sent.token).await? {
        Ok(c) => c,
        Err(why) => return refused(&state, why).await,
    };
    let at = format!("{}#comment-{}", urls::article(&done.article_slug), done.comment.id);
    if done.comment.public() {
        return Ok(Redirect::to(&at).into_response());
    }
    let back = urls::article(&done.article_slug);
    message(
        &state,
        StatusCode::OK,
        "Thank you: your address is confirmed",
        "Your comment waits for a moderator, and shows on the article once approved.",
        Some(("Back to the article", back.as_str())),
    )
    .await
}

/// The address a stop link's token was signed for, or the page saying the link is not valid.
async fn stop_address(state: &AppState, token: &str) -> Result<Result<String, Response>, WebError> {
    let key = state.member_key().await?;
    if let Some(email) = reply_stop_email(&key, token) {
        return Ok(Ok(email));
    }
    let text = "This link is not complete or not valid. Copy the whole link from the email.";
    Ok(Err(message(state, StatusCode::BAD_REQUEST, "Link not valid", text, None).await?))
}

/// `GET /comments/replies/stop/?token=…`: the button that stops reply emails (mail
/// scanners follow links, so looking stops nothing).
pub(crate) async fn stop_page(
    State(state): State<AppState>,
    Query(q): Query<TokenForm>,
) -> Result<Response, WebError> {
    if let Err(r) = stop_address(&state, &q.token).await? {
        return Ok(r);
    }
    let chrome = PageFrame::load(&state).await?;
    let mut view = MemberConfirmPage::new(
        &chrome.site,
        "Stop emails about replies to your comments",
        "Stop these emails",
        q.token.trim(),
    );
    view.action = super::STOP_PATH.to_owned();
    page(&state, StatusCode::OK, "member_confirm.html", &view)
}

/// `POST /comments/replies/stop/`: the address gets no more reply emails, for any of its
/// comments. Stopping twice says the same.
pub(crate) async fn stop(
    State(state): State<AppState>,
    Form(sent): Form<TokenForm>,
) -> Result<Response, WebError> {
    let email = match stop_address(&state, &sent.token).await? {
        Ok(e) => e,
        Err(r) => return Ok(r),
    };
    state.store.stop_guest_reply_emails(&email).await?;
    let text = format!("{email} will get no more emails about replies to its comments.");
    message(&state, StatusCode::OK, "Reply emails stopped", &text, Some(("Home", "/"))).await
}
