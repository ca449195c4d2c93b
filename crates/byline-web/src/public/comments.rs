//! Comments on the public, cached pages: the section under an article (its first page,
//! oldest first) and later pages or the newest-first order at
//! `/articles/{slug}/comments/{sort}/{n}/`. Both are cached per access level and tagged with
//! the article alone, so a comment's change drops that article's pages and nothing else;
//! while comments are open on an article that closes them by age, its pages are kept no
//! longer than the moment they close ([`until_closing`]).

use super::render::{PageFrame, html, tagged};
use super::{articles::article_tags, paths};
use crate::{AppState, WebError};
use axum::extract::{Path, State};
use axum::response::Response;
use byline_core::Article;
use byline_core::members::Reader;
use byline_render::view::{CommentSort, CommentsContext, CommentsPage, CommentsView};
use chrono::{DateTime, Utc};

/// An article's comments section, and until when it is true.
pub(crate) struct Section {
    pub view: CommentsView,
    /// When comments that are open now close by age: the page says "open" until then.
    pub closes: Option<DateTime<Utc>>,
}

/// The comments section of `a` as `reader`'s access level sees it; `None` when comments
/// are off on this publication.
pub(crate) async fn section(
    s: &AppState,
    a: &Article,
    reader: &Reader,
    sort: CommentSort,
    page: u64,
) -> Result<Option<Section>, WebError> {
    let settings = s.store.comment_settings().await?;
    if settings.mode == byline_core::comments::CommentMode::Off {
        return Ok(None);
    }
    let comments = s.store.article_comments(a.id).await?;
    let open = settings.open_on(a, Utc::now());
    let ctx = CommentsContext {
        slug: &a.slug,
        open,
        allowed: settings.mode.allows(reader),
        sort,
        page,
        per_page: u64::from(settings.per_page),
    };
    let closes = open.ok().and_then(|()| settings.closes_at_on(a));
    Ok(Some(Section { view: CommentsView::new(&ctx, &comments), closes }))
}

/// `r`, kept by the page cache no longer than the moment its comments close.
pub(crate) fn until_closing(mut r: Response, closes: Option<DateTime<Utc>>) -> Response {
    if let Some(at) = closes {
        r.extensions_mut().insert(crate::cache::FreshUntil(at));
    }
    r
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
    let Section { view, closes } =
        section(&s, &article, &reader, sort, n).await?.ok_or(WebError::NotFound)?;
    paths::within(n, view.pages)?;
    let page = CommentsPage::new(&chrome.site, &article.title, &article.slug, view);
    let r = tagged(html(&s, "comments.html", &page)?, article_tags(&article));
    Ok(until_closing(r, closes))
}
