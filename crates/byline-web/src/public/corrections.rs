//! The corrections page (`/corrections/`, newest first, 30 a page) and its Atom feed, both
//! cached and dropped by any correction's change (`byline_store::CORRECTIONS_TAG`).

use super::paths;
use super::render::{PageFrame, html, tagged};
use crate::{AppState, WebError};
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use byline_render::view::CorrectionsPage;
use byline_render::view::{CORRECTIONS_FEED_ITEMS as FEED_ITEMS, CORRECTIONS_PER_PAGE as PER_PAGE};
use byline_store::CORRECTIONS_TAG;

pub(crate) async fn first(State(s): State<AppState>) -> Result<Response, WebError> {
    list(&s, 1).await
}

pub(crate) async fn page(
    State(s): State<AppState>,
    Path(n): Path<String>,
) -> Result<Response, WebError> {
    list(&s, paths::page_number(&n)?).await
}

async fn list(s: &AppState, page: u64) -> Result<Response, WebError> {
    let chrome = PageFrame::load(s).await?;
    let list = s.store.corrections_page(page, PER_PAGE).await?;
    if page > 1 {
        paths::within(page, list.pages())?;
    }
    let view = CorrectionsPage::new(&chrome.site, &list.items, page, list.pages());
    Ok(tagged(html(s, "corrections.html", &view)?, [CORRECTIONS_TAG.to_owned()]))
}

pub(crate) async fn feed(State(s): State<AppState>) -> Result<Response, WebError> {
    let chrome = PageFrame::load(&s).await?;
    let list = s.store.corrections_page(1, FEED_ITEMS).await?;
    let body = byline_render::feeds::corrections_atom(
        &chrome.publication,
        &chrome.site.base_url,
        &list.items,
    );
    let mut r = body.into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/atom+xml; charset=utf-8"),
    );
    Ok(tagged(r, [CORRECTIONS_TAG.to_owned()]))
}
