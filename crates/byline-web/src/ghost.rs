//! Ghost's Content API at `/ghost/api/content/`: HTTP mapped onto `byline_ghost`. Every
//! request needs an integration's `?key=`; answers carry Ghost's headers (Content-Version,
//! Vary, Cache-Control, open CORS, ETag) and errors Ghost's body. Successful answers go
//! through the page cache keyed by the whole URL, key included (see `cache.rs`), tagged
//! `list` and `integrations` so that new articles and revoked keys drop them.

use crate::AppState;
use crate::cache::CacheTags;
use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use byline_ghost::{CONTENT_VERSION, GhostError, Lookup, Params, Resource, Site, content};
use byline_store::{INTEGRATIONS_TAG, StoreError, changes};
use std::hash::{DefaultHasher, Hash, Hasher};

pub const BASE: &str = "/ghost/api/content";

/// Where older clients look (`@tryghost/content-api` before 1.6 builds `/ghost/api/v4/content/`
/// from its `version`); Ghost 5 still answers there, and so does Byline.
const VERSIONED: [&str; 4] = ["v2", "v3", "v4", "canary"];

/// Every path the Content API answers under starts with this.
pub const PREFIX: &str = "/ghost/api/";

pub(crate) fn routes() -> Router<AppState> {
    let bases = std::iter::once(BASE.to_owned())
        .chain(VERSIONED.iter().map(|v| format!("{PREFIX}{v}/content")));
    let mut router = Router::new();
    for base in bases {
        router = router
            .route(&format!("{base}/settings/"), get(settings).options(preflight))
            .route(&format!("{base}/search-index/{{which}}/"), get(search_index).options(preflight))
            .route(&format!("{base}/{{resource}}/"), get(browse).options(preflight))
            .route(&format!("{base}/{{resource}}/{{id}}/"), get(by_id).options(preflight))
            .route(&format!("{base}/{{resource}}/slug/{{slug}}/"), get(by_slug).options(preflight));
    }
    router
}

type Pairs = Vec<(String, String)>;

/// The query's pairs, once the key in them is known to be a live integration's.
async fn authorized(state: &AppState, query: Option<String>) -> Result<Pairs, GhostError> {
    let pairs: Pairs = serde_urlencoded::from_str(query.as_deref().unwrap_or(""))
        .map_err(|e| GhostError::bad_request("Invalid query string", e.to_string()))?;
    let Some((_, key)) = pairs.iter().rev().find(|(k, _)| k == "key") else {
        return Err(GhostError::NoKey);
    };
    match state.store.integration_by_key(key).await {
        Ok(_) => Ok(pairs),
        Err(StoreError::NotFound { .. }) => Err(GhostError::UnknownKey),
        Err(e) => Err(GhostError::Internal(e.to_string())),
    }
}

fn params(pairs: &Pairs) -> Result<Params, GhostError> {
    Params::parse(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
}

async fn site(state: &AppState) -> Result<Site, GhostError> {
    let frame = state.frame().await.map_err(|e| GhostError::Internal(e.to_string()))?;
    Ok(Site::new(frame.publication.base_url.as_deref().unwrap_or(&state.base_url)))
}

fn resource(name: &str) -> Result<Resource, GhostError> {
    Resource::parse(name).ok_or(GhostError::NotFound("Resource"))
}

async fn read(
    state: &AppState,
    name: &str,
    lookup: Lookup,
    query: Option<String>,
) -> Result<serde_json::Value, GhostError> {
    let pairs = authorized(state, query).await?;
    let resource = resource(name)?;
    if let Lookup::Id(id) = &lookup
        && !content::is_object_id(resource, id)
    {
        return Err(GhostError::NotFound("Resource"));
    }
    let params = params(&pairs)?;
    let site = site(state).await?;
    content::read(&state.store, &site, resource, &lookup, &params, chrono::Utc::now()).await
}

async fn browse(
    State(state): State<AppState>,
    Path(name): Path<String>,
    RawQuery(q): RawQuery,
) -> Response {
    reply(read(&state, &name, Lookup::Browse, q).await)
}

async fn by_id(
    State(state): State<AppState>,
    Path((name, id)): Path<(String, String)>,
    RawQuery(q): RawQuery,
) -> Response {
    reply(read(&state, &name, Lookup::Id(id), q).await)
}

async fn by_slug(
    State(state): State<AppState>,
    Path((name, slug)): Path<(String, String)>,
    RawQuery(q): RawQuery,
) -> Response {
    reply(read(&state, &name, Lookup::Slug(slug), q).await)
}

async fn settings(State(state): State<AppState>, RawQuery(q): RawQuery) -> Response {
    let answer = async {
        authorized(&state, q).await?;
        content::settings(&state.store, &site(&state).await?).await
    };
    reply(answer.await)
}

async fn search_index(
    State(state): State<AppState>,
    Path(which): Path<String>,
    RawQuery(q): RawQuery,
) -> Response {
    let answer = async {
        authorized(&state, q).await?;
        let site = site(&state).await?;
        byline_ghost::search_index::read(&state.store, &site, &which)
            .await?
            .ok_or(GhostError::NotFound("Resource"))
    };
    reply(answer.await)
}

/// CORS preflight: any origin may read.
async fn preflight() -> Response {
    let mut h = common_headers();
    h.insert(header::ACCESS_CONTROL_ALLOW_METHODS, HeaderValue::from_static("GET, HEAD, OPTIONS"));
    h.insert(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static("Accept-Version, Content-Type"),
    );
    h.insert(header::ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static("86400"));
    (StatusCode::NO_CONTENT, h).into_response()
}

fn common_headers() -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    h.insert("content-version", HeaderValue::from_static(CONTENT_VERSION));
    h.insert(header::VARY, HeaderValue::from_static("Accept-Version, Accept-Encoding"));
    h
}

/// Ghost's answer: JSON with its headers; errors with Ghost's body and no caching.
fn reply(answer: Result<serde_json::Value, GhostError>) -> Response {
    let mut h = common_headers();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json; charset=utf-8"));
    let (status, body) = match answer {
        Ok(v) => {
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=0"));
            (StatusCode::OK, v.to_string())
        }
        Err(e) => {
            if let GhostError::Internal(detail) = &e {
                tracing::error!(error = %detail, "Content API request failed");
            }
            h.insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static(
                    "no-cache, private, no-store, must-revalidate, max-stale=0, post-check=0, \
                     pre-check=0",
                ),
            );
            let status =
                StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            (status, e.body().to_string())
        }
    };
    let mut hasher = DefaultHasher::new();
    body.hash(&mut hasher);
    let etag = format!("\"{:x}-{:016x}\"", body.len(), hasher.finish());
    h.insert(header::ETAG, HeaderValue::from_str(&etag).expect("hex is a header value"));
    let mut res = (status, h, body).into_response();
    if status == StatusCode::OK {
        res.extensions_mut()
            .insert(CacheTags(vec![changes::LIST.to_owned(), INTEGRATIONS_TAG.to_owned()]));
    }
    res
}
