//! `/settings`: the publication's settings (read, replace). Administrators and up.

use super::auth::ApiActor;
use super::body::JsonBody;
use crate::{AppState, WebError};
use axum::Json;
use axum::extract::State;
use byline_core::staff::Action;
use byline_core::{Invalid, License, Publication};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(read, replace))
}

#[derive(Serialize, ToSchema)]
pub struct SettingsOut {
    title: String,
    tagline: Option<String>,
    description: Option<String>,
    /// A BCP 47 tag: `en`, `pt-BR`.
    language: String,
    base_url: Option<String>,
    logo: Option<String>,
    /// The site's icon: an image URL or a path such as `/media/icon.png`; empty: built-in.
    favicon: Option<String>,
    contact_email: Option<String>,
    media_email: Option<String>,
    copyright: Option<String>,
    /// Markdown.
    disclaimer: Option<String>,
    /// Markdown.
    republish_policy: Option<String>,
    /// A licence code: `all-rights-reserved`, `cc-by-4.0`, `cc-by-nd-4.0` …
    default_license: String,
    allow_republishing: bool,
}

impl From<Publication> for SettingsOut {
    fn from(p: Publication) -> Self {
        Self {
            title: p.title,
            tagline: p.tagline,
            description: p.description,
            language: p.language,
            base_url: p.base_url,
            logo: p.logo,
            favicon: p.favicon,
            contact_email: p.contact_email,
            media_email: p.media_email,
            copyright: p.copyright,
            disclaimer: p.disclaimer,
            republish_policy: p.republish_policy,
            default_license: p.default_license.code().to_owned(),
            allow_republishing: p.allow_republishing,
        }
    }
}

/// Every setting. Optional fields left out become empty; `default_license` and
/// `allow_republishing` left out keep their current values.
#[derive(Deserialize, ToSchema)]
pub struct SettingsIn {
    title: String,
    tagline: Option<String>,
    description: Option<String>,
    language: String,
    base_url: Option<String>,
    logo: Option<String>,
    /// The site's icon: an image URL or a path such as `/media/icon.png`; empty: built-in.
    favicon: Option<String>,
    contact_email: Option<String>,
    media_email: Option<String>,
    copyright: Option<String>,
    disclaimer: Option<String>,
    republish_policy: Option<String>,
    default_license: Option<String>,
    allow_republishing: Option<bool>,
}

#[utoipa::path(get, path = "/settings", tag = "settings",
    responses((status = 200, body = SettingsOut), (status = 403, body = super::errors::ApiError)))]
async fn read(State(state): State<AppState>, who: ApiActor) -> Result<Json<SettingsOut>, WebError> {
    who.require(Action::ManageSettings)?;
    Ok(Json(state.store.publication().await?.into()))
}

/// Replaces the settings; every invalid field is named in `fields`.
#[utoipa::path(put, path = "/settings", tag = "settings", request_body = SettingsIn,
    responses((status = 200, body = SettingsOut), (status = 422, body = super::errors::ApiError)))]
async fn replace(
    State(state): State<AppState>,
    who: ApiActor,
    JsonBody(b): JsonBody<SettingsIn>,
) -> Result<Json<SettingsOut>, WebError> {
    who.require(Action::ManageSettings)?;
    let current = state.store.publication().await?;
    let mut bad = Vec::new();
    let default_license = match b.default_license.as_deref().map(str::parse::<License>) {
        None => current.default_license,
        Some(Ok(l)) => l,
        Some(Err(_)) => {
            bad.push(byline_core::FieldError::new(
                "default_license",
                "is not a known licence code",
            ));
            current.default_license
        }
    };
    let p = Publication {
        title: b.title,
        tagline: b.tagline,
        description: b.description,
        language: b.language,
        base_url: b.base_url,
        logo: b.logo,
        favicon: b.favicon,
        contact_email: b.contact_email,
        media_email: b.media_email,
        copyright: b.copyright,
        disclaimer: b.disclaimer,
        disclaimer_html: None,
        republish_policy: b.republish_policy,
        republish_policy_html: None,
        default_license,
        allow_republishing: b.allow_republishing.unwrap_or(current.allow_republishing),
    };
    if !bad.is_empty() {
        if let Err(more) = p.clone().validate() {
            bad.extend(more.0);
        }
        return Err(Invalid(bad).into());
    }
    Ok(Json(state.store.update_publication(&who.0, p).await?.into()))
}
