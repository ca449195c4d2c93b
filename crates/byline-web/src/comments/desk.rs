//! The member's comment desk for an article (`/articles/{slug}/comments/desk/`): the form
//! (a reply's when `?reply_to=N`), their own comments there with edit (for 15 minutes) and
//! delete, and reply emails on or off. Posting answers here too: a refused comment comes
//! back with the reason and the text as typed. Never cached: it shows one person.

use crate::members::pages::page;
use crate::public::render::PageFrame;
use crate::{AppState, WebError};
use axum::Extension;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use byline_core::comment_form;
use byline_core::member_pass::Pass;
use byline_core::members::Member;
use byline_core::{Article, comments::Comment};
use byline_render::view::CommentDeskPage;
use byline_store::CommentRefused;

/// The signed-in member (checked in the database, so a pass ended elsewhere no longer
/// works), or the answer that sends the reader to sign in.
pub(crate) async fn member(
    state: &AppState,
    pass: Option<Extension<Pass>>,
) -> Result<(Member, Pass), Response> {
    let Some(Extension(pass)) = pass else {
        return Err(Redirect::to("/members/signin/").into_response());
    };
    match state.store.member_for_pass(pass.member_id).await {
        Ok(Some((m, generation))) if generation == pass.generation => Ok((m, pass)),
        Ok(_) => Err(Redirect::to("/members/signin/").into_response()),
        Err(e) => Err(WebError::from(e).into_response()),
    }
}

/// What the desk shows besides the member's comments.
#[derive(Debug, Default)]
pub(crate) struct DeskState {
    pub reply_to: Option<i64>,
    pub text: String,
    pub notice: Option<String>,
    pub error: Option<String>,
}

/// Renders the desk for `m` on `article`, answered with `status`.
pub(crate) async fn render(
    state: &AppState,
    article: &Article,
    m: &Member,
    pass: &Pass,
    status: StatusCode,
    st: DeskState,
) -> Result<Response, WebError> {
    let chrome = PageFrame::load(state).await?;
    let now = chrono::Utc::now();
    let mine = state.store.member_comments_on(m.id, article.id).await?;
    let mut view = CommentDeskPage::new(&chrome.site, &article.title, &article.slug, &mine, now);
    let settings = state.store.comment_settings().await?;
    let commenter = state.store.commenter(m.id).await?;
    view.closed = settings
        .open_on(article, now)
        .and_then(|()| settings.mode.allows(&pass.reader))
        .err()
        .map(|r| r.message().to_owned())
        .or_else(|| {
            commenter
                .ban
                .as_ref()
                .map(|_| byline_core::comments::Refusal::Banned.message().to_owned())
        });
    view.reply_emails = commenter.reply_emails;
    view.stamp = comment_form::stamp(&state.member_key().await?, m.id, now);
    if let Some(id) = st.reply_to {
        match state.store.comment(id).await {
            Ok(c) if c.article_id == article.id && c.public() => view.replying(&c, &article.slug),
            _ => {
                view.error.get_or_insert_with(|| {
                    "The comment you wanted to reply to is not there any more.".to_owned()
                });
            }
        }
    }
    view.text = st.text;
    view.notice = st.notice;
    if st.error.is_some() {
        view.error = st.error;
    }
    page(state, status, "comment_desk.html", &view)
}

/// The status a refused comment is answered with.
pub(crate) fn refused_status(r: &CommentRefused) -> StatusCode {
    match r {
        CommentRefused::Closed(_) => StatusCode::FORBIDDEN,
        CommentRefused::TooMany { .. } => StatusCode::TOO_MANY_REQUESTS,
        CommentRefused::Duplicate => StatusCode::CONFLICT,
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    }
}

/// What to say after a post, by what became of the comment.
pub(crate) fn posted_notice(c: &Comment) -> String {
    if c.public() {
        "Your comment is published.".to_owned()
    } else {
        "Thank you: your comment is waiting for a moderator. It shows here until then, and \
         on the article once approved."
            .to_owned()
    }
}
