//! Who calls the Admin API: the actor behind a valid bearer token, and the role check every
//! handler makes with it.

use crate::{AppState, WebError};
use axum::extract::{FromRef, FromRequestParts};
use axum::http::header;
use axum::http::request::Parts;
use byline_core::audit::Actor;
use byline_core::staff::Action;

/// Who is calling: the actor behind a valid bearer token.
#[derive(Debug, Clone)]
pub struct ApiActor(pub Actor);

impl ApiActor {
    /// Refuses with 403 unless the token's role allows `action`.
    pub fn require(&self, action: Action) -> Result<(), WebError> {
        if self.0.may(action) {
            Ok(())
        } else {
            Err(WebError::forbidden(format!(
                "this token's role ({}) does not allow this",
                self.0.role
            )))
        }
    }
}

impl<S> FromRequestParts<S> for ApiActor
where
    S: Send + Sync,
    AppState: FromRef<S>,
{
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let state = AppState::from_ref(state);
        let secret = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, secret)| secret.trim())
            .filter(|s| !s.is_empty())
            .ok_or(WebError::Unauthorized)?;
        match state.store.api_actor(secret).await {
            Ok(actor) => Ok(ApiActor(actor)),
            Err(e) if e.is_not_found() => Err(WebError::Unauthorized),
            Err(e) => Err(e.into()),
        }
    }
}
