//! The Admin API under `/api/admin/v1/`: JSON over HTTP with `Authorization: Bearer <token>`,
//! the same permission rules as the admin (both call the same store methods with an
//! [`Actor`]), errors as `{"error": {"code", "message", "fields"}}`, and an OpenAPI document
//! at `/api/admin/v1/openapi.json` generated from the handlers themselves (utoipa).
//!
//! A resource adds a module with `#[utoipa::path]` handlers and one `.merge(...)` line in
//! [`routes`].

mod articles;
mod auth;
mod authors;
mod body;
mod comments;
mod corrections;
mod errors;
mod me;
mod media;
mod members;
mod newsletters;
mod pages;
mod settings;
mod taxonomies;
mod tiers;

use crate::error::ErrorInfo;
use crate::{AppState, WebError};
use axum::Json;
use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use utoipa::OpenApi;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa_axum::router::OpenApiRouter;

/// Where the API lives.
pub const BASE: &str = "/api/admin/v1";

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Byline Admin API",
        description = "Write, edit, schedule and publish a Byline publication. Authenticate with \
            `Authorization: Bearer <token>` (tokens are made in the admin under API tokens, or \
            with `byline token create`). Errors are `{\"error\": {\"code\", \"message\", \
            \"fields\"}}`; `fields` names each invalid field."
    ),
    modifiers(&BearerAuth),
    security(("bearer" = []))
)]
struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components
            .add_security_scheme("bearer", SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)));
    }
}

/// The API's routes and its OpenAPI document.
pub(crate) fn routes() -> axum::Router<AppState> {
    let (router, mut doc) = OpenApiRouter::<AppState>::with_openapi(ApiDoc::openapi())
        .merge(me::routes())
        .merge(articles::routes())
        .merge(corrections::routes())
        .merge(authors::routes())
        .merge(taxonomies::routes())
        .merge(pages::routes())
        .merge(settings::routes())
        .merge(media::routes())
        .merge(members::routes())
        .merge(newsletters::routes())
        .merge(tiers::routes())
        .merge(comments::routes())
        .split_for_parts();
    doc.servers = Some(vec![utoipa::openapi::Server::new(BASE)]);
    let doc = std::sync::Arc::new(doc);
    let openapi = axum::routing::get(move || {
        let doc = doc.clone();
        async move { Json(doc.as_ref().clone()) }
    });
    axum::Router::new()
        .nest(
            BASE,
            router.route("/openapi.json", openapi).fallback(|| async { WebError::NotFound }),
        )
        .layer(middleware::from_fn(crate::nul::refuse_nul))
        .layer(middleware::from_fn(json_errors))
}

/// Every error the API returns, as JSON with its stable code.
pub(crate) async fn json_errors(req: Request, next: Next) -> Response {
    let res = next.run(req).await;
    let Some(info) = res.extensions().get::<ErrorInfo>().cloned() else {
        return res;
    };
    let retry = res.headers().get(header::RETRY_AFTER).cloned();
    let mut out = (info.status, Json(ErrorBody { error: info })).into_response();
    if let Some(r) = retry {
        out.headers_mut().insert(header::RETRY_AFTER, r);
    }
    out.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    out
}

#[derive(serde::Serialize)]
struct ErrorBody {
    error: ErrorInfo,
}
