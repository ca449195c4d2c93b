//! What handlers share: the store, the theme, and where the site lives.

use crate::cache::PageCache;
use crate::client::TrustedProxies;
use crate::tracking::Tracker;
use byline_core::{Page, Publication, Taxonomy};
use byline_render::Theme;
use byline_store::{Store, StoreError, changes};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, RwLock};

#[derive(Debug, Clone)]
pub struct AppState {
    pub store: Store,
    pub theme: Theme,
    /// The admin's templates and assets.
    pub admin: Theme,
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
    /// Sends staff email (password resets, invitations); logs it when SMTP is not set up.
    pub mailer: crate::mail::Mailer,
    /// Where media files are kept (memory until [`AppState::with_media`] names a place).
    pub media: byline_media::MediaStorage,
    /// What an upload may be: bytes and pixels.
    pub media_limits: byline_media::Limits,
    /// Proxies whose `Forwarded`/`X-Forwarded-For` name the client (none by default).
    pub trusted_proxies: Arc<TrustedProxies>,
    /// Stripe, when `stripe_secret_key` and `stripe_webhook_secret` are set; without it
    /// paid tiers are only granted by staff.
    pub stripe: Option<byline_stripe::Stripe>,
    /// The postal address at the foot of newsletters (and their web pages).
    pub postal_address: Option<String>,
    /// Newsletter delivery (the admin's test send), when `smtp_host` is set.
    pub newsletter_delivery: Option<byline_mail::Delivery>,
    /// The page frame's data (publication, taxonomies, pages), kept until a `site` change.
    frame: Arc<RwLock<Option<Arc<Frame>>>>,
    /// Where this process is in the store's change log; -1 before the first look.
    cursor: Arc<AtomicI64>,
    /// The key that signs member passes, read from the store on first use.
    member_key: Arc<tokio::sync::OnceCell<Arc<Vec<u8>>>>,
    /// This node's search index; `None` (or not yet ready) answers from the database.
    pub search: Option<Arc<byline_search::SearchIndex>>,
    /// Searches per address.
    pub search_limit: Arc<crate::search_limit::SearchLimiter>,
}

/// What every page's frame shows.
#[derive(Debug)]
pub struct Frame {
    pub publication: Publication,
    pub taxonomies: Vec<Taxonomy>,
    pub pages: Vec<Page>,
}

/// The page cache's size when none is configured, in MiB.
pub const DEFAULT_CACHE_MB: u64 = 16;

impl AppState {
    pub fn new(store: Store, theme: Theme, base_url: impl Into<String>) -> Self {
        let base_url = base_url.into();
        Self {
            store,
            theme,
            admin: Theme::admin().expect("the embedded admin templates compile"),
            tracker: Arc::new(Tracker::new(&base_url)),
            base_url,
            per_page: 10,
            sitemap_limit: byline_render::sitemap::MAX_URLS,
            cache: Some(Arc::new(PageCache::new(DEFAULT_CACHE_MB << 20))),
            mailer: crate::mail::Mailer::default(),
            media: byline_media::MediaStorage::in_memory(),
            media_limits: byline_media::Limits::default(),
            trusted_proxies: Arc::new(TrustedProxies::default()),
            frame: Arc::new(RwLock::new(None)),
            cursor: Arc::new(AtomicI64::new(-1)),
            member_key: Arc::default(),
            stripe: None,
            search: None,
            search_limit: Arc::default(),
            postal_address: None,
            newsletter_delivery: None,
        }
    }

    /// The key that signs member passes (the same on every node: it is kept in the store).
    pub async fn member_key(&self) -> Result<Arc<Vec<u8>>, StoreError> {
        self.member_key
            .get_or_try_init(|| async { self.store.member_pass_key().await.map(Arc::new) })
            .await
            .cloned()
    }

    /// The page frame's data: from memory, or three queries when a change dropped it.
    pub async fn frame(&self) -> Result<Arc<Frame>, StoreError> {
        if let Some(f) = self.frame.read().expect("frame lock").clone() {
            return Ok(f);
        }
        let frame = Arc::new(Frame {
            publication: self.store.publication().await?,
            taxonomies: self.store.taxonomies().await?,
            pages: self.store.pages().await?,
        });
        *self.frame.write().expect("frame lock") = Some(frame.clone());
        Ok(frame)
    }

    /// Applies the store's changes since the last call to what this process keeps in memory
    /// (the page frame and the page cache); returns how many tags it applied. The first call
    /// only notes where the log stands and starts from nothing.
    pub async fn catch_up(&self) -> Result<usize, StoreError> {
        // The index keeps its own place in the log (it outlives the process).
        if let Some(search) = &self.search
            && let Err(e) = search.catch_up(&self.store).await
        {
            tracing::warn!(error = %e, "the search index could not follow the change log");
        }
        let cursor = self.cursor.load(Ordering::Acquire);
        if cursor < 0 {
            let now = self.store.change_cursor().await?;
            self.forget_everything();
            self.cursor.store(now, Ordering::Release);
            return Ok(0);
        }
        let c = self.store.changes_since(cursor).await?;
        if c.tags.iter().any(|t| t == changes::SITE) {
            *self.frame.write().expect("frame lock") = None;
        }
        if let Some(cache) = &self.cache {
            cache.invalidate(&c.tags);
        }
        // Callers may overlap (the poller, the listener, writers): the cursor only advances.
        self.cursor.fetch_max(c.cursor, Ordering::AcqRel);
        Ok(c.tags.len())
    }

    /// [`AppState::catch_up`], and when the log cannot be read, forgets everything kept:
    /// better a slower page than a stale one.
    pub async fn catch_up_or_forget(&self) {
        if let Err(e) = self.catch_up().await {
            tracing::warn!(error = %e, "could not read the change log; forgetting what is kept");
            self.forget_everything();
        }
    }

    fn forget_everything(&self) {
        *self.frame.write().expect("frame lock") = None;
        if let Some(cache) = &self.cache {
            cache.clear();
        }
    }

    /// Follows the store's change log for as long as the server runs: once a second, and on
    /// PostgreSQL also as soon as another process says it wrote (LISTEN/NOTIFY).
    pub async fn follow_changes(self) {
        self.follow_changes_every(std::time::Duration::from_secs(1)).await.await;
    }

    /// Starts following the change log, polling every `poll`; returns once this process
    /// listens for notifications (on PostgreSQL) and has caught up, with the future that
    /// keeps following. Writes made after it returns reach this process's caches.
    pub async fn follow_changes_every(
        self,
        poll: std::time::Duration,
    ) -> impl std::future::Future<Output = ()> + Send + 'static {
        let listener = match self.store.listen_for_changes().await {
            Ok(l) => l,
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for changes; polling only");
                None
            }
        };
        self.catch_up_or_forget().await;
        let poller = self.clone();
        let polling = async move {
            let mut tick = tokio::time::interval(poll);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                poller.catch_up_or_forget().await;
            }
        };
        async move {
            match listener {
                None => polling.await,
                Some(mut listener) => {
                    let listening = async move {
                        loop {
                            match listener.next().await {
                                Ok(()) => self.catch_up_or_forget().await,
                                Err(e) => {
                                    // The poller carries on; try again after a pause.
                                    tracing::warn!(error = %e, "change notifications failed");
                                    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                                }
                            }
                        }
                    };
                    tokio::join!(polling, listening);
                }
            }
        }
    }

    /// Keeps media files in `storage`, within `limits`.
    pub fn with_media(
        mut self,
        storage: byline_media::MediaStorage,
        limits: byline_media::Limits,
    ) -> Self {
        self.media = storage;
        self.media_limits = limits;
        self
    }

    /// Takes payments through Stripe with `config`.
    pub fn with_stripe(
        mut self,
        config: byline_stripe::StripeConfig,
    ) -> Result<Self, byline_stripe::StripeError> {
        self.stripe = Some(byline_stripe::Stripe::new(config)?);
        Ok(self)
    }

    /// Are paid tiers sold online (Stripe is set up)? Without it they are only granted.
    pub fn stripe_enabled(&self) -> bool {
        self.stripe.is_some()
    }

    /// Searches with this index (kept up to date by [`AppState::catch_up`]).
    pub fn with_search(mut self, index: Arc<byline_search::SearchIndex>) -> Self {
        self.search = Some(index);
        self
    }

    /// Sizes the page cache; 0 turns it off.
    pub fn with_cache_mb(mut self, mb: u64) -> Self {
        self.cache = (mb > 0).then(|| Arc::new(PageCache::new(mb << 20)));
        self
    }
}
