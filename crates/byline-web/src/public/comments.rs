//! Comments on the public, cached pages: the section under an article (its first page,
//! oldest first) and later pages or the newest-first order at
//! `/articles/{slug}/comments/{sort}/{n}/`. Both are cached per access level and tagged with
//! the article alone, so a comment's change drops that article's pages and nothing else.

use super::render::{PageFrame, html, tagged};
use super::{articles::article_tags, paths};
use crate::{AppState, WebError};
use axum::extract::{Path, State};
use axum::response::Response;
use byline_core::Article;
use byline_core::members::Reader;
use byline_render::view::{CommentSort, CommentsContext, CommentsPage, CommentsView};

/// The comments section of `a` as `reader`'s access level sees it; `None` when comments
/// are off on this publication.
pub(crate) async fn section(
    s: &AppState,
    a: &Article,
    reader: &Reader,
    sort: CommentSort,
    page: u64,
) -> Result<Option<CommentsView>, WebError> {
    let settings = s.store.comment_settings().await?;
    if settings.mode == byline_core::comments::CommentMode::Off {
        return Ok(None);
    }
    let comments = s.store.article_comments(a.id).await?;
    let ctx = CommentsContext {
        slug: &a.slug,
        open: settings.open_on(a, chrono::Utc::now()),
        allowed: settings.mode.allows(reader),
        sort,
        page,
        per_page: u64::from(settings.per_page),
    };
    Ok(Some(CommentsView::new(&ctx, &comments)))
}

/// `/articles/{slug}/comments/{sort}/{n}/`.
pub(crate) async fn page(
    State(s): State<AppState>,
    Path((slug, sort, n)): Path<(String, String, String)>,
    reader: Reader,
) -> Result<Response, WebError> {
    let slug = paths::slug(&slug)?;
    let sort = CommentSort::parse(&sort).ok_or(WebError::NotFound)?;
    let n: u64 =
        n.parse().ok().filter(|x: &u64| *x >= 1 && x.to_string() == n).ok_or(WebError::NotFound)?;
    let chrome = PageFrame::load(&s).await?;
    let article = s.store.published_article(slug).await?;
    let view = section(&s, &article, &reader, sort, n).await?.ok_or(WebError::NotFound)?;
    paths::within(n, view.pages)?;
    let page = CommentsPage::new(&chrome.site, &article.title, &article.slug, view);
    Ok(tagged(html(&s, "comments.html", &page)?, article_tags(&article)))
}
