//! What handlers share: the store, the theme, and where the site lives.

use crate::cache::PageCache;
use crate::tracking::Tracker;
use byline_render::Theme;
use byline_store::Store;
use std::sync::Arc;

#[derive(Debug, Clone)]
pub struct AppState {
    pub store: Store,
    pub theme: Theme,
    /// The site's address when the publication sets none (e.g. `http://127.0.0.1:8080`).
    pub base_url: String,
    /// Articles per page on the home page and archives.
    pub per_page: u64,
    /// Views of republished copies, buffered until the next flush.
    pub tracker: Arc<Tracker>,
    /// Addresses per sitemap file (the protocol's limit is 50,000; tests use fewer).
    pub sitemap_limit: usize,
    /// Rendered pages kept in memory; `None` renders every request.
    pub cache: Option<Arc<PageCache>>,
}

/// The page cache's size when none is configured, in MiB.
pub const DEFAULT_CACHE_MB: u64 = 16;

impl AppState {
    pub fn new(store: Store, theme: Theme, base_url: impl Into<String>) -> Self {
        let base_url = base_url.into();
        Self {
            store,
            theme,
            tracker: Arc::new(Tracker::new(&base_url)),
            base_url,
            per_page: 10,
            sitemap_limit: byline_render::sitemap::MAX_URLS,
            cache: Some(Arc::new(PageCache::new(DEFAULT_CACHE_MB << 20))),
        }
    }

    /// Sizes the page cache; 0 turns it off.
    pub fn with_cache_mb(mut self, mb: u64) -> Self {
        self.cache = (mb > 0).then(|| Arc::new(PageCache::new(mb << 20)));
        self
    }
}
