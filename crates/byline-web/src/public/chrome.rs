//! What every page's frame needs: the publication, its taxonomies and pages. Three queries.

use crate::{AppState, WebError};
use axum::response::{Html, IntoResponse, Response};
use byline_core::{Page, Publication, Taxonomy};
use byline_render::view::SiteView;
use serde::Serialize;

pub(crate) struct Chrome {
    pub publication: Publication,
    pub taxonomies: Vec<Taxonomy>,
    pub pages: Vec<Page>,
    pub site: SiteView,
}

impl Chrome {
    pub(crate) async fn load(state: &AppState) -> Result<Self, WebError> {
        let publication = state.store.publication().await?;
        let taxonomies = state.store.taxonomies().await?;
        let pages = state.store.pages().await?;
        let site =
            SiteView::new(&publication, &taxonomies, &pages, &state.base_url, chrono::Utc::now());
        Ok(Self { publication, taxonomies, pages, site })
    }
}

/// Renders a template into an HTML response.
pub(crate) fn html(
    state: &AppState,
    template: &str,
    view: &impl Serialize,
) -> Result<Response, WebError> {
    Ok(Html(state.theme.render(template, view)?).into_response())
}

/// Marks a response as cacheable, showing what `tags` name (see `byline_store::changes`).
/// Every page shows the frame, so `site` is always added.
pub(crate) fn tagged(mut r: Response, tags: impl IntoIterator<Item = String>) -> Response {
    let mut all = vec![byline_store::changes::SITE.to_owned()];
    all.extend(tags);
    r.extensions_mut().insert(crate::cache::CacheTags(all));
    r
}
