//! Cross-site request forgery protection for the members' forms: the pass cookie is
//! `SameSite=Lax` (a cross-site POST does not carry it), and every state-changing request
//! must say, by `Sec-Fetch-Site` and `Origin`, that it came from this site (the same check
//! as the admin's first one). There is no session to tie a token to, and none is needed.

use crate::admin::csrf::same_origin;
use crate::{AppState, WebError};
use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

pub(crate) async fn same_site_only(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    if let Err(why) = same_origin(req.headers(), &state.base_url) {
        tracing::warn!(path = %req.uri().path(), why, "refused a cross-site member request");
        return WebError::forbidden(format!("cross-site request refused: {why}")).into_response();
    }
    next.run(req).await
}
