//! Republishing and sharing: the "Republish this article" page, the tracking image, and
//! the page that sends a reader to their own Mastodon server.

use super::render::{PageFrame, html, tagged};
use super::{moved, paths};
use crate::{AppState, WebError};
use axum::extract::{ConnectInfo, Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use byline_render::urls;
use byline_render::view::share::server_host;
use byline_render::view::{MastodonSharePage, RepublishPage};
use byline_store::SlugOf;
use serde::Deserialize;
use std::net::SocketAddr;

pub(crate) async fn republish(
    State(s): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Response, WebError> {
    let slug = paths::slug(&slug)?;
    let chrome = PageFrame::load(&s).await?;
    let article = match s.store.published_article(slug).await {
        Err(e) => {
            return moved::or_redirect(&s.store, SlugOf::Article, slug, e, urls::republish).await;
        }
        Ok(a) => a,
    };
    if !article.republishable(&chrome.publication) {
        return Err(WebError::NotFound);
    }
    let r = html(
        &s,
        "republish.html",
        &RepublishPage::new(&chrome.site, &article, &chrome.publication),
    )?;
    Ok(tagged(r, super::articles::article_tags(&article)))
}

/// A transparent 1×1 GIF.
pub(crate) const PIXEL: &[u8] = &[
    0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00,
    0xff, 0xff, 0xff, 0x21, 0xf9, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x2c, 0x00, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x01, 0x00, 0x00, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3b,
];

/// `/r/{id}.gif`: counts a view of a republished copy (in memory only) and answers the same
/// image whatever happens, without cookies.
pub(crate) async fn pixel(
    State(s): State<AppState>,
    Path(file): Path<String>,
    req: Request,
) -> Response {
    if let Some(id) = file.strip_suffix(".gif").and_then(|n| n.parse::<i64>().ok()) {
        let headers = req.headers();
        let peer = req.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
        let referer = headers.get(header::REFERER).and_then(|v| v.to_str().ok());
        let ua = headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok()).unwrap_or("");
        let client = peer.map(|p| s.trusted_proxies.client(p, headers));
        s.tracker.view(id, referer, client, ua);
    }
    let mut h = HeaderMap::new();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("image/gif"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store, max-age=0"));
    // Copies on other sites must be able to load it.
    h.insert("cross-origin-resource-policy", HeaderValue::from_static("cross-origin"));
    (StatusCode::OK, h, PIXEL).into_response()
}

#[derive(Deserialize)]
pub(crate) struct ShareQuery {
    #[serde(default)]
    url: String,
    #[serde(default)]
    text: String,
    server: Option<String>,
}

/// Without `server`: a form asking for the reader's server. With a valid one: off to that
/// server's share page with the text filled in.
pub(crate) async fn mastodon(
    State(s): State<AppState>,
    Query(q): Query<ShareQuery>,
) -> Result<Response, WebError> {
    let chrome = PageFrame::load(&s).await?;
    // Only our own addresses are shared through this page.
    let url = if q.url.starts_with(&format!("{}/", chrome.site.base_url)) {
        q.url.clone()
    } else {
        format!("{}/", chrome.site.base_url)
    };
    let text: String = q.text.chars().take(300).collect();
    let error = match q.server.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(given) => match server_host(given) {
            Some(host) => {
                let status =
                    url::form_urlencoded::byte_serialize(format!("{text} {url}").as_bytes())
                        .collect::<String>();
                return Ok(
                    Redirect::to(&format!("https://{host}/share?text={status}")).into_response()
                );
            }
            None => Some(format!("{given:?} is not a server name like mastodon.social")),
        },
    };
    let page =
        MastodonSharePage::new(&chrome.site, &url, &text, q.server.as_deref().unwrap_or(""), error);
    let mut r = html(&s, "share_mastodon.html", &page)?;
    if page.error.is_some() {
        *r.status_mut() = StatusCode::BAD_REQUEST;
    }
    Ok(r)
}
