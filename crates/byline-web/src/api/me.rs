//! `GET /me`: who a token acts as. Clients call it to check a token.

use super::auth::ApiActor;
use crate::AppState;
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(me))
}

#[derive(Serialize, ToSchema)]
pub struct Me {
    /// As the audit log shows it.
    name: String,
    /// `owner`, `administrator`, `editor`, `author` or `contributor`.
    role: String,
    staff_id: Option<i64>,
}

/// Who this token acts as.
#[utoipa::path(
    get,
    path = "/me",
    tag = "tokens",
    responses(
        (status = 200, body = Me),
        (status = 401, description = "missing, unknown or revoked token", body = super::errors::ApiError)
    )
)]
async fn me(ApiActor(actor): ApiActor) -> Json<Me> {
    Json(Me { name: actor.name, role: actor.role.to_string(), staff_id: actor.staff_id })
}
