//! What tells crawlers where the articles are: the sitemap index, its files, robots.txt.

use super::conditional::cacheable;
use super::render::{PageFrame, tagged};
use crate::{AppState, WebError};
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use byline_render::{sitemap, urls};
use byline_store::changes;

/// How many sitemap files a kind needs.
fn files_for(count: usize, limit: usize) -> usize {
    count.div_ceil(limit.max(1)).max(1)
}

pub(crate) async fn sitemap_index(
    State(s): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let chrome = PageFrame::load(&s).await?;
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
    let chrome = PageFrame::load(&s).await?;
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
    let chrome = PageFrame::load(&s).await?;
    let body = sitemap::robots_txt(&chrome.site.base_url);
    Ok(tagged(cacheable(&HeaderMap::new(), body, "text/plain; charset=utf-8", None), []))
}
