//! The home page and article pages.

use super::chrome::{Chrome, html, tagged};
use super::paths;
use crate::{AppState, WebError};
use axum::extract::{Path, State};
use axum::response::Response;
use byline_render::view::{ArticlePage, HomePage};
use byline_store::ArticleFilter;
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
    let chrome = Chrome::load(s).await?;
    let list = s.store.published_articles(&ArticleFilter::All, page, s.per_page).await?;
    if page > 1 {
        paths::within(page, list.pages())?;
    }
    let r = html(s, "home.html", &HomePage::new(&chrome.site, &list.items, page, list.pages()))?;
    Ok(tagged(r, [changes::LIST.to_owned()]))
}

pub(crate) async fn article(
    State(s): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Response, WebError> {
    let slug = paths::slug(&slug)?;
    let chrome = Chrome::load(&s).await?;
    let article = s.store.published_article(slug).await?;
    let view = ArticlePage::new(&chrome.site, &article, &chrome.publication, chrono::Utc::now());
    Ok(tagged(html(&s, "article.html", &view)?, article_tags(&article)))
}

/// What an article's own pages show: the article and its authors' bios.
pub(crate) fn article_tags(a: &byline_core::Article) -> Vec<String> {
    let mut tags = vec![changes::article(a.id)];
    tags.extend(a.authors.iter().map(|x| changes::author(x.id)));
    tags
}
