//! The home page and article pages.

use super::render::{PageFrame, html, tagged};
use super::{moved, paths};
use crate::{AppState, WebError};
use axum::extract::{Path, State};
use axum::response::Response;
use byline_core::members::Reader;
use byline_render::urls;
use byline_render::view::{ArticlePage, CardView, CommentSort, HomePage};
use byline_store::SlugOf;
use byline_store::changes;

pub(crate) async fn home(State(s): State<AppState>) -> Result<Response, WebError> {
    list(&s, 1).await
}

pub(crate) async fn home_page(
    State(s): State<AppState>,
    Path(n): Path<String>,
) -> Result<Response, WebError> {
    list(&s, paths::page_number(&n)?).await
}

async fn list(s: &AppState, page: u64) -> Result<Response, WebError> {
    let chrome = PageFrame::load(s).await?;
    let list = s.store.home_articles(page, s.per_page).await?;
    if page > 1 {
        paths::within(page, list.pages())?;
    }
    let mut view = HomePage::new(&chrome.site, &list.items, page, list.pages());
    let ids: Vec<i64> = list.items.iter().map(|a| a.id).collect();
    CardView::count_comments(&mut view.articles, &s.store.comment_counts(&ids).await?);
    let r = html(s, "home.html", &view)?;
    // Each card shows its article's comment count: a comment's change drops this page too.
    let tags = ids.iter().map(|id| changes::article(*id));
    Ok(tagged(r, std::iter::once(changes::LIST.to_owned()).chain(tags)))
}

/// An article as its reader may read it: in full, or its preview and a call to join
/// (the page cache keeps one copy per access level, never per person).
pub(crate) async fn article(
    State(s): State<AppState>,
    Path(slug): Path<String>,
    reader: Reader,
) -> Result<Response, WebError> {
    let slug = paths::slug(&slug)?;
    let chrome = PageFrame::load(&s).await?;
    let article = match s.store.published_article(slug).await {
        Err(e) => {
            return moved::or_redirect(&s.store, SlugOf::Article, slug, e, urls::article).await;
        }
        Ok(a) => a,
    };
    let corrections = s.store.corrections_of(article.id).await?;
    let now = chrono::Utc::now();
    let mut view = ArticlePage::new(&chrome.site, &article, &chrome.publication, now, &reader)
        .with_corrections(&article, &chrome.publication, &corrections);
    let section = super::comments::section(&s, &article, &reader, CommentSort::Oldest, 1).await?;
    let closes = section.as_ref().and_then(|c| c.closes);
    view.comments = section.map(|c| c.view);
    let r = tagged(html(&s, "article.html", &view)?, article_tags(&article));
    Ok(super::comments::until_closing(r, closes))
}

/// What an article's own pages show: the article and its authors' bios.
pub(crate) fn article_tags(a: &byline_core::Article) -> Vec<String> {
    let mut tags = vec![changes::article(a.id)];
    tags.extend(a.authors.iter().map(|x| changes::author(x.id)));
    tags
}
