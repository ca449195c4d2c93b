//! Feeds (RSS, Atom, JSON Feed) of the whole site, an author and a term.

use super::conditional::cacheable;
use super::render::{PageFrame, tagged};
use super::{moved, paths};
use crate::{AppState, WebError};
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use byline_core::members::Reader;
use byline_core::taxonomy::term_and_descendants;
use byline_render::feeds::{self, FEED_ITEMS, FeedFormat, FeedInfo};
use byline_render::urls;
use byline_store::changes;
use byline_store::{ArticleFilter, SlugOf};

pub(crate) async fn site_rss(
    State(s): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    site_feed(&s, FeedFormat::Rss, &headers).await
}

pub(crate) async fn site_atom(
    State(s): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    site_feed(&s, FeedFormat::Atom, &headers).await
}

pub(crate) async fn site_json(
    State(s): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    site_feed(&s, FeedFormat::Json, &headers).await
}

async fn site_feed(
    s: &AppState,
    format: FeedFormat,
    headers: &HeaderMap,
) -> Result<Response, WebError> {
    let chrome = PageFrame::load(s).await?;
    let info = FeedInfo::site(&chrome.publication);
    let r = feed(s, &chrome, info, &ArticleFilter::All, format, headers).await?;
    Ok(tagged(r, [changes::LIST.to_owned()]))
}

pub(crate) async fn author_feed(
    State(s): State<AppState>,
    Path((slug, file)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let format = FeedFormat::from_file(&file).ok_or(WebError::NotFound)?;
    let slug = paths::slug(&slug)?;
    let chrome = PageFrame::load(&s).await?;
    let author = match s.store.author(slug).await {
        Err(e) => {
            let to = |now: &str| format!("{}{}", urls::author(now), format.file());
            return moved::or_redirect(&s.store, SlugOf::Author, slug, e, to).await;
        }
        Ok(a) => a,
    };
    let info = FeedInfo::author(&author, &chrome.publication);
    let r = feed(&s, &chrome, info, &ArticleFilter::Author(author.id), format, &headers).await?;
    Ok(tagged(r, [changes::author(author.id)]))
}

pub(crate) async fn term_feed(
    State(s): State<AppState>,
    Path((taxonomy, term, file)): Path<(String, String, String)>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let format = FeedFormat::from_file(&file).ok_or(WebError::NotFound)?;
    let (taxonomy, term) = (paths::slug(&taxonomy)?, paths::slug(&term)?);
    let chrome = PageFrame::load(&s).await?;
    let ctx = s.store.term_context(taxonomy, term).await?;
    let info = FeedInfo::term(&ctx.taxonomy, &ctx.term, &chrome.publication);
    let ids = term_and_descendants(ctx.term.id, &ctx.terms);
    let tags: Vec<String> = ids.iter().map(|&t| changes::term(t)).collect();
    let r = feed(&s, &chrome, info, &ArticleFilter::Terms(ids), format, &headers).await?;
    Ok(tagged(r, tags))
}

async fn feed(
    s: &AppState,
    chrome: &PageFrame,
    info: FeedInfo,
    filter: &ArticleFilter,
    format: FeedFormat,
    headers: &HeaderMap,
) -> Result<Response, WebError> {
    let articles = s.store.latest_full_articles(filter, FEED_ITEMS).await?;
    let (p, base) = (&chrome.publication, chrome.site.base_url.as_str());
    // Public feeds have no reader: gated articles give their preview only.
    let body = feeds::render(format, &info, &articles, p, base, &Reader::Anonymous);
    let mime = match format {
        FeedFormat::Rss => "application/rss+xml; charset=utf-8",
        FeedFormat::Atom => "application/atom+xml; charset=utf-8",
        FeedFormat::Json => "application/feed+json; charset=utf-8",
    };
    Ok(cacheable(headers, body, mime, feeds::updated(&articles)))
}
