//! What handlers share: the store, the theme, and where the site lives.

use byline_render::Theme;
use byline_store::Store;

#[derive(Debug, Clone)]
pub struct AppState {
    pub store: Store,
    pub theme: Theme,
    /// The site's address when the publication sets none (e.g. `http://127.0.0.1:8080`).
    pub base_url: String,
    /// Articles per page on the home page and archives.
    pub per_page: u64,
}

impl AppState {
    pub fn new(store: Store, theme: Theme, base_url: impl Into<String>) -> Self {
        Self { store, theme, base_url: base_url.into(), per_page: 10 }
    }
}
