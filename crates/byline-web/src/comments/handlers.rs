//! The members' comment requests: the desk, posting, editing, deleting, reporting, and
//! reply emails on or off. Each refused post answers with the desk, the reason and the text
//! as typed (422, or 429 with `Retry-After` for the rate limits, 403 when the member may not
//! comment).

use super::desk::{self, DeskState, member, posted_notice, refused_status};
use super::guest::{self, GuestForm, GuestPost};
use crate::client::ClientAddr;
use crate::members::pages::{message, page};
use crate::public::render::PageFrame;
use crate::{AppState, WebError};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use byline_core::Article;
use byline_core::comment_form;
use byline_core::comments::CommentMode;
use byline_core::member_pass::Pass;
use byline_render::urls;
use byline_render::view::desk_url;
use byline_store::{CommentRefused, NewComment};
use serde::Deserialize;

async fn article(state: &AppState, slug: &str) -> Result<Article, WebError> {
    if !byline_core::slug::is_slug(slug) {
        return Err(WebError::NotFound);
    }
    Ok(state.store.published_article(slug).await?)
}

#[derive(Debug, Deserialize, Default)]
pub(crate) struct DeskQuery {
    reply_to: Option<String>,
    posted: Option<String>,
}

/// `GET /articles/{slug}/comments/desk/`.
pub(crate) async fn show(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    pass: Option<Extension<Pass>>,
    Query(q): Query<DeskQuery>,
) -> Result<Response, WebError> {
    let a = article(&state, &slug).await?;
    let reply_to = q.reply_to.as_deref().and_then(|r| r.trim().parse().ok());
    if pass.is_none() && guests_welcome(&state).await? {
        let f = GuestForm { reply_to, ..Default::default() };
        return guest::render(&state, &a, StatusCode::OK, f).await;
    }
    let (m, pass) = match member(&state, pass).await {
        Ok(x) => x,
        Err(r) => return Ok(r),
    };
    let st = DeskState {
        reply_to,
        notice: q.posted.map(|_| posted_notice_pending()),
        ..Default::default()
    };
    desk::render(&state, &a, &m, &pass, StatusCode::OK, st).await
}

/// Does the publication take comments from readers who are not signed in?
async fn guests_welcome(state: &AppState) -> Result<bool, WebError> {
    Ok(state.store.comment_settings().await?.mode == CommentMode::Everyone)
}

fn posted_notice_pending() -> String {
    "Thank you: your comment is waiting for a moderator. It shows here until then, and on the \
     article once approved."
        .to_owned()
}

#[derive(Debug, Deserialize, Default)]
pub(crate) struct PostForm {
    #[serde(default)]
    body: String,
    #[serde(default)]
    reply_to: String,
    #[serde(default)]
    stamp: String,
    /// The honeypot: hidden from people, filled by scripts.
    #[serde(default)]
    website: String,
    /// A guest's name and address (`everyone` mode, not signed in).
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
}

/// `POST /articles/{slug}/comments/`: a new comment or reply.
pub(crate) async fn post(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    pass: Option<Extension<Pass>>,
    client: ClientAddr,
    Form(f): Form<PostForm>,
) -> Result<Response, WebError> {
    let a = article(&state, &slug).await?;
    let reply_to = f.reply_to.trim().parse::<i64>().ok();
    if pass.is_none() && guests_welcome(&state).await? {
        let p = GuestPost {
            reply_to,
            name: &f.name,
            email: &f.email,
            body: &f.body,
            stamp: &f.stamp,
            honeypot: &f.website,
        };
        return guest::post(&state, &a, client, p).await;
    }
    let (m, pass) = match member(&state, pass).await {
        Ok(x) => x,
        Err(r) => return Ok(r),
    };
    // A refusal: the desk again, with the reason and the text as typed.
    let back = |error: String| DeskState {
        reply_to,
        text: f.body.clone(),
        notice: None,
        error: Some(error),
    };
    let unprocessable = StatusCode::UNPROCESSABLE_ENTITY;
    if !f.website.trim().is_empty() {
        let why = "Leave the field named “Website” empty (it is there to catch robots).";
        return desk::render(&state, &a, &m, &pass, unprocessable, back(why.into())).await;
    }
    let key = state.member_key().await?;
    if let Err(p) = comment_form::check_stamp(&key, &f.stamp, m.id, chrono::Utc::now()) {
        return desk::render(&state, &a, &m, &pass, unprocessable, back(p.message())).await;
    }
    let settings = state.store.comment_settings().await?;
    if let Err(r) = settings.mode.allows(&pass.reader) {
        let st = back(r.message().into());
        return desk::render(&state, &a, &m, &pass, StatusCode::FORBIDDEN, st).await;
    }
    let new = NewComment {
        article_id: a.id,
        member_id: m.id,
        parent_id: reply_to,
        body: f.body.clone(),
        client: client.0,
    };
    match state.store.post_comment(&new).await? {
        Ok(c) if c.public() => {
            Ok(Redirect::to(&format!("{}#comment-{}", urls::article(&a.slug), c.id))
                .into_response())
        }
        Ok(c) => {
            Ok(Redirect::to(&format!("{}?posted={}#comment-{}", desk_url(&a.slug), c.id, c.id))
                .into_response())
        }
        Err(refused) => {
            let status = refused_status(&refused);
            let st = back(refused.message());
            let mut r = desk::render(&state, &a, &m, &pass, status, st).await?;
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
pub(crate) struct EditForm {
    #[serde(default)]
    body: String,
}

/// `POST /articles/{slug}/comments/{id}/edit/`.
pub(crate) async fn edit(
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, i64)>,
    pass: Option<Extension<Pass>>,
    Form(f): Form<EditForm>,
) -> Result<Response, WebError> {
    let a = article(&state, &slug).await?;
    let (m, pass) = match member(&state, pass).await {
        Ok(x) => x,
        Err(r) => return Ok(r),
    };
    match state.store.edit_own_comment(m.id, id, &f.body).await? {
        Ok(c) => {
            let st = DeskState {
                notice: Some(format!("Your edit is saved. {}", posted_notice(&c))),
                ..Default::default()
            };
            desk::render(&state, &a, &m, &pass, StatusCode::OK, st).await
        }
        Err(refused) => {
            let st = DeskState {
                text: f.body,
                error: Some(format!("Your edit was not saved: {}", refused.message())),
                ..Default::default()
            };
            desk::render(&state, &a, &m, &pass, refused_status(&refused), st).await
        }
    }
}

/// `POST /articles/{slug}/comments/{id}/delete/`.
pub(crate) async fn delete(
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, i64)>,
    pass: Option<Extension<Pass>>,
) -> Result<Response, WebError> {
    let a = article(&state, &slug).await?;
    let (m, pass) = match member(&state, pass).await {
        Ok(x) => x,
        Err(r) => return Ok(r),
    };
    state.store.delete_own_comment(m.id, id).await?;
    let st = DeskState { notice: Some("Your comment is deleted.".into()), ..Default::default() };
    desk::render(&state, &a, &m, &pass, StatusCode::OK, st).await
}

#[derive(Debug, Deserialize, Default)]
pub(crate) struct ReportForm {
    #[serde(default)]
    reason: String,
}

#[derive(serde::Serialize)]
struct ReportPage<'a> {
    site: &'a byline_render::view::SiteView,
    meta: byline_render::view::MetaView,
    action: String,
    comment_html: String,
    comment_author: String,
    article_url: String,
}

/// `GET /articles/{slug}/comments/{id}/report/`: the report form.
pub(crate) async fn report_form(
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, i64)>,
    pass: Option<Extension<Pass>>,
) -> Result<Response, WebError> {
    let a = article(&state, &slug).await?;
    if let Err(r) = member(&state, pass).await {
        return Ok(r);
    }
    let c = state.store.comment(id).await?;
    if c.article_id != a.id || !c.public() {
        return Err(WebError::NotFound);
    }
    let chrome = PageFrame::load(&state).await?;
    let action = format!("/articles/{}/comments/{id}/report/", a.slug);
    let view = ReportPage {
        meta: chrome.site.meta(Some("Report a comment"), None, &action),
        site: &chrome.site,
        action,
        comment_html: c.body_html,
        comment_author: c.author_name,
        article_url: format!("{}#comment-{id}", urls::article(&a.slug)),
    };
    page(&state, StatusCode::OK, "comment_report.html", &view)
}

/// `POST /articles/{slug}/comments/{id}/report/`.
pub(crate) async fn report(
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, i64)>,
    pass: Option<Extension<Pass>>,
    Form(f): Form<ReportForm>,
) -> Result<Response, WebError> {
    let a = article(&state, &slug).await?;
    let (m, _) = match member(&state, pass).await {
        Ok(x) => x,
        Err(r) => return Ok(r),
    };
    state.store.report_comment(m.id, id, &f.reason).await?;
    let back = format!("{}#comment-{id}", urls::article(&a.slug));
    message(
        &state,
        StatusCode::OK,
        "Thank you",
        "The moderators are told, and will look at the comment.",
        Some(("Back to the article", back.as_str())),
    )
    .await
}

#[derive(Debug, Deserialize, Default)]
pub(crate) struct EmailsForm {
    #[serde(default)]
    on: String,
}

/// `POST /articles/{slug}/comments/emails/`: reply emails on (`on=1`) or off.
pub(crate) async fn reply_emails(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    pass: Option<Extension<Pass>>,
    Form(f): Form<EmailsForm>,
) -> Result<Response, WebError> {
    let a = article(&state, &slug).await?;
    let (m, pass) = match member(&state, pass).await {
        Ok(x) => x,
        Err(r) => return Ok(r),
    };
    let on = f.on == "1";
    state.store.set_reply_emails(m.id, on).await?;
    let notice = if on {
        "You will be emailed when someone replies to your comments."
    } else {
        "You will no longer be emailed about replies to your comments."
    };
    let st = DeskState { notice: Some(notice.into()), ..Default::default() };
    desk::render(&state, &a, &m, &pass, StatusCode::OK, st).await
}
