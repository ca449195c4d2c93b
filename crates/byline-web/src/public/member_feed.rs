//! A paid member's private full-text feed: `/members/feed/{id}.{token}/feed.xml` (also
//! `atom.xml`, `feed.json`), where the token is an HMAC of the member's uuid under the site
//! key (`byline_core::gating::feed_token`), so the address needs no column and cannot be
//! guessed. The feed is rendered for the member as they are now (a lapsed member's feed
//! gives previews, like the public one), never kept in the page cache, and marked private.

use super::conditional::cacheable;
use super::render::PageFrame;
use crate::{AppState, WebError};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::Response;
use byline_core::gating;
use byline_core::members::Member;
use byline_render::feeds::{self, FEED_ITEMS, FeedFormat, FeedInfo};
use byline_render::urls;
use byline_store::ArticleFilter;

/// The path of `member`'s private feed in `format`.
pub async fn path_for(
    state: &AppState,
    member: &Member,
    format: FeedFormat,
) -> Result<String, WebError> {
    let key = state.member_key().await?;
    let token = format!("{}.{}", member.id, gating::feed_token(&key, &member.uuid));
    Ok(urls::member_feed(&token, format.file()))
}

pub(crate) async fn feed(
    State(s): State<AppState>,
    Path((token, file)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let format = FeedFormat::from_file(&file).ok_or(WebError::NotFound)?;
    let (id, mac) = token.split_once('.').ok_or(WebError::NotFound)?;
    let id: i64 = id.parse().map_err(|_| WebError::NotFound)?;
    let member = match s.store.member(id).await {
        Err(e) if e.is_not_found() => return Err(WebError::NotFound),
        other => other?,
    };
    let key = s.member_key().await?;
    if !gating::feed_token_matches(&key, &member.uuid, mac) {
        return Err(WebError::NotFound);
    }
    let reader = member.reader(chrono::Utc::now(), &s.store.paid_tier_slugs().await?);
    let chrome = PageFrame::load(&s).await?;
    let articles = s.store.latest_full_articles(&ArticleFilter::All, FEED_ITEMS).await?;
    let info = FeedInfo::site(&chrome.publication);
    let base = chrome.site.base_url.as_str();
    let body = feeds::render(format, &info, &articles, &chrome.publication, base, &reader);
    let mime = match format {
        FeedFormat::Rss => "application/rss+xml; charset=utf-8",
        FeedFormat::Atom => "application/atom+xml; charset=utf-8",
        FeedFormat::Json => "application/feed+json; charset=utf-8",
    };
    let mut r = cacheable(&headers, body, mime, feeds::updated(&articles));
    let h = r.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, max-age=300"));
    h.insert("x-robots-tag", HeaderValue::from_static("noindex"));
    Ok(r)
}
