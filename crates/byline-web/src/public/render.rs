//! How a public page is made: its frame ([`PageFrame`]: the publication, its taxonomies and
//! pages from memory (see `AppState::frame`) and the site view built from them), its HTML
//! ([`html`]) and its cache tags ([`tagged`]).

use crate::state::Frame;
use crate::{AppState, WebError};
use axum::response::{Html, IntoResponse, Response};
use byline_render::view::SiteView;
use serde::Serialize;
use std::sync::Arc;

pub(crate) struct PageFrame {
    pub frame: Arc<Frame>,
    pub site: SiteView,
}

impl std::ops::Deref for PageFrame {
    type Target = Frame;
    fn deref(&self) -> &Frame {
        &self.frame
    }
}

impl PageFrame {
    pub(crate) async fn load(state: &AppState) -> Result<Self, WebError> {
        let frame = state.frame().await?;
        let mut site = SiteView::new(
            &frame.publication,
            &frame.taxonomies,
            &frame.pages,
            &state.base_url,
            chrono::Utc::now(),
        );
        // The header's "Account" or "Subscribe": by access level, as pages are cached.
        site.member = crate::members::passes::current().is_member();
        Ok(Self { frame, site })
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
