//! What takes articles beyond the site: feeds, sitemaps and robots.txt.

use super::chrome::{Chrome, tagged};
use super::conditional::cacheable;
use super::paths;
use crate::{AppState, WebError};
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use byline_core::taxonomy::term_and_descendants;
use byline_render::feeds::{self, FEED_ITEMS, FeedFormat, FeedInfo};
use byline_render::{sitemap, urls};
use byline_store::ArticleFilter;
use byline_store::changes;

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
    let chrome = Chrome::load(s).await?;
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
    let chrome = Chrome::load(&s).await?;
    let author = s.store.author(slug).await?;
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
    let chrome = Chrome::load(&s).await?;
    let ctx = s.store.term_context(taxonomy, term).await?;
    let info = FeedInfo::term(&ctx.taxonomy, &ctx.term, &chrome.publication);
    let ids = term_and_descendants(ctx.term.id, &ctx.terms);
    let tags: Vec<String> = ids.iter().map(|&t| changes::term(t)).collect();
    let r = feed(&s, &chrome, info, &ArticleFilter::Terms(ids), format, &headers).await?;
    Ok(tagged(r, tags))
}

async fn feed(
    s: &AppState,
    chrome: &Chrome,
    info: FeedInfo,
    filter: &ArticleFilter,
    format: FeedFormat,
    headers: &HeaderMap,
) -> Result<Response, WebError> {
    let articles = s.store.latest_full_articles(filter, FEED_ITEMS).await?;
    let (p, base) = (&chrome.publication, chrome.site.base_url.as_str());
    let body = feeds::render(format, &info, &articles, p, base);
    let mime = match format {
        FeedFormat::Rss => "application/rss+xml; charset=utf-8",
        FeedFormat::Atom => "application/atom+xml; charset=utf-8",
        FeedFormat::Json => "application/feed+json; charset=utf-8",
    };
    Ok(cacheable(headers, body, mime, feeds::updated(&articles)))
}

/// How many sitemap files a kind needs.
fn files_for(count: usize, limit: usize) -> usize {
    count.div_ceil(limit.max(1)).max(1)
}

pub(crate) async fn sitemap_index(
    State(s): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let chrome = Chrome::load(&s).await?;
    let base = &chrome.site.base_url;
    let limit = s.sitemap_limit;
    let counts = [
        ("articles", s.store.published_count().await? as usize),
        ("pages", chrome.pages.len() + 1), // and the home page
        ("authors", s.store.authors().await?.len()),
        ("terms", s.store.all_term_paths().await?.len()),
    ];
    let mut locs = Vec::new();
    for (kind, count) in counts {
        for n in 1..=files_for(count, limit) {
            locs.push(format!("{base}{}", sitemap::file_path(kind, n)));
        }
    }
    let r = cacheable(&headers, sitemap::index(&locs), "application/xml; charset=utf-8", None);
    Ok(tagged(r, [changes::LIST.to_owned()]))
}

pub(crate) async fn sitemap_file(
    State(s): State<AppState>,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let (kind, n) = sitemap::parse_file(&file).ok_or(WebError::NotFound)?;
    let chrome = Chrome::load(&s).await?;
    let base = chrome.site.base_url.clone();
    let limit = s.sitemap_limit;
    let offset = (n - 1) * limit;
    let entries: Vec<(String, Option<chrono::DateTime<chrono::Utc>>)> = match kind {
        "articles" => s
            .store
            .published_article_stamps(offset as u64, limit as u64)
            .await?
            .into_iter()
            .map(|(slug, at)| (format!("{base}{}", urls::article(&slug)), Some(at)))
            .collect(),
        "pages" => {
            let mut all = vec![(format!("{base}/"), None)];
            all.extend(
                chrome
                    .pages
                    .iter()
                    .map(|p| (format!("{base}{}", urls::page(&p.slug)), Some(p.updated_at))),
            );
            all.into_iter().skip(offset).take(limit).collect()
        }
        "authors" => s
            .store
            .authors()
            .await?
            .iter()
            .skip(offset)
            .take(limit)
            .map(|a| (format!("{base}{}", urls::author(&a.slug)), None))
            .collect(),
        _ => s
            .store
            .all_term_paths()
            .await?
            .iter()
            .skip(offset)
            .take(limit)
            .map(|(t, term)| (format!("{base}{}", urls::term(t, term)), None))
            .collect(),
    };
    if entries.is_empty() && n > 1 {
        return Err(WebError::NotFound);
    }
    let r = cacheable(&headers, sitemap::urlset(&entries), "application/xml; charset=utf-8", None);
    Ok(tagged(r, [changes::LIST.to_owned()]))
}

pub(crate) async fn robots(State(s): State<AppState>) -> Result<Response, WebError> {
    let chrome = Chrome::load(&s).await?;
    let body = sitemap::robots_txt(&chrome.site.base_url);
    Ok(tagged(cacheable(&HeaderMap::new(), body, "text/plain; charset=utf-8", None), []))
}
