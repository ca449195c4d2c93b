//! The Admin API's error shape as the OpenAPI document describes it (the handlers name it in
//! their `responses`); the body itself is written by `json_errors` from the error's info.

/// The error shape, for the OpenAPI document.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub(crate) struct ApiError {
    /// `not_found`, `bad_request`, `unauthorized`, `forbidden`, `invalid`, `conflict`,
    /// `rate_limited`, `too_large`, `unsupported_media_type` or `internal`.
    code: String,
    message: String,
    fields: Vec<ApiFieldError>,
}

#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub(crate) struct ApiFieldError {
    field: String,
    message: String,
}
