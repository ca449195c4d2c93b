//! `byline serve`: open (and if new, fill) the publication, then serve it until stopped.

use crate::config::Settings;
use crate::node::{init_logging, open, shutdown};
use anyhow::Context;
use byline_render::Theme;
use byline_store::Store;
use byline_web::tracking::Tracker;
use byline_web::{AppState, router};
use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

pub async fn run(settings: Settings) -> anyhow::Result<()> {
    init_logging(&settings.log);
    tracing::debug!(?settings, "settings");
    let store = open(&settings).await?;
    if settings.demo && store.is_empty().await? {
        let report =
            byline_import::import(&store, &byline_import::demo(), chrono::Utc::now()).await;
        tracing::info!(
            articles = report.articles.created,
            authors = report.authors.created,
            pages = report.pages.created,
            "loaded the demo publication (start with --no-demo for an empty one)"
        );
        for e in &report.errors {
            tracing::warn!("demo content: {e}");
        }
    }
    let theme = Theme::load(settings.theme_dir()).context("cannot load the theme")?;
    let base_url = settings.base_url();
    let (media, limits) = settings.media()?;
    tracing::info!(place = media.place(), "media files");
    let mut state = AppState::new(store.clone(), theme, base_url.clone())
        .with_cache_mb(settings.cache_mb)
        .with_media(media, limits);
    state.per_page = settings.per_page;
    state.postal_address = settings.postal_address.clone();
    let newsletters = crate::newsletter::delivery(&settings)?;
    state.newsletter_delivery = newsletters.as_ref().map(|(d, _)| d.clone());
    state.mailer = settings.mailer()?;
    state.trusted_proxies = std::sync::Arc::new(settings.trusted_proxies()?);
    match settings.stripe()? {
        Some(stripe) => {
            tracing::info!(api = %stripe.api_base, "paid tiers are sold through Stripe");
            state = state.with_stripe(stripe).context("cannot set up Stripe")?;
        }
        None => tracing::info!(
            "no Stripe keys are set: paid tiers are granted by staff, not sold online"
        ),
    }
    state.search_limit =
        Arc::new(byline_web::search_limit::SearchLimiter::new(settings.search_per_minute));
    let state = state.with_search(crate::search::open_for_serving(&settings, &store).await?);
    match &settings.smtp_host {
        Some(h) => {
            tracing::info!(host = %h, port = settings.smtp_port, "staff email goes through SMTP")
        }
        None => tracing::warn!(
            "no smtp_host is set: staff email (password resets, invitations) is written to this log"
        ),
    }
    let mail = crate::work::MailWiring {
        mailer: state.mailer.clone(),
        base_url: base_url.clone(),
        newsletters: newsletters.clone(),
    };
    let webhooks =
        byline_webhooks::Deliverer::new(settings.base_url(), settings.webhooks_allow_private);
    let registry = crate::work::registry(&store, &state.media, limits, mail, webhooks);
    let workers = byline_jobs::start(store.clone(), registry, settings.jobs());
    state.catch_up().await?;
    tokio::spawn(state.clone().follow_changes());
    let tracker = state.tracker.clone();
    tokio::spawn(publish_scheduled(store.clone()));
    tokio::spawn(crate::newsletter::start_due_sends(store.clone()));
    tokio::spawn(flush_views_every(store.clone(), tracker.clone(), Duration::from_secs(10)));

    let mut limits = settings.connection_limits();
    limits.max_connections = crate::connections::fit_cap_to_file_limit(limits.max_connections);
    let listener = crate::connections::listen(settings.bind)
        .with_context(|| format!("cannot listen on {}", settings.bind))?;
    let title = store.publication().await.map(|p| p.title).unwrap_or_default();
    let local = listener.local_addr().unwrap_or(settings.bind);
    // Written, not println!: a closed stdout must not stop the server.
    let _ = writeln!(
        std::io::stdout(),
        "Byline is serving {title:?} at {base_url}/ (listening on {local}; Ctrl-C stops)"
    );
    if store.staff_count().await? == 0 {
        let token = store
            .issue_one_time(
                byline_store::Purpose::Setup,
                None,
                None,
                None,
                chrono::Duration::days(7),
            )
            .await?;
        // Written, not println!: a closed stdout must not stop the server.
        let _ = writeln!(
            std::io::stdout(),
            "This publication has no staff yet. Create the owner's account (the link works once):\n  {base_url}/admin/setup?token={token}"
        );
    }
    crate::connections::serve(listener, router(state), limits, shutdown()).await;
    workers.stop().await;
    flush_views(&store, &tracker).await;
    Ok(())
}

/// Writes buffered views of republished copies to the database now and then, so the
/// tracking image never waits for a write.
async fn flush_views_every(store: Store, tracker: Arc<Tracker>, every: Duration) {
    let mut tick = tokio::time::interval(every);
    loop {
        tick.tick().await;
        flush_views(&store, &tracker).await;
    }
}

async fn flush_views(store: &Store, tracker: &Tracker) {
    let views = tracker.drain();
    if views.is_empty() {
        return;
    }
    if let Err(e) = store.record_copy_views(&views, chrono::Utc::now()).await {
        tracing::warn!(error = %e, "could not record views of republished copies; will retry");
        tracker.restore(views);
    }
}

/// Publishes scheduled articles when their time comes, checking every five seconds (and at
/// start, those whose time passed while the server was down).
async fn publish_scheduled(store: Store) {
    let mut tick = tokio::time::interval(Duration::from_secs(5));
    for round in 0u64.. {
        tick.tick().await;
        if round % 720 == 0 {
            // About hourly: the change log only needs the last few seconds.
            if let Err(e) = store.prune_changes().await {
                tracing::warn!(error = %e, "could not prune the change log");
            }
        }
        if round % 720 == 1
            && let Err(e) = store.delete_expired_sessions().await
        {
            tracing::warn!(error = %e, "could not delete expired sessions");
        }
        if round % 240 == 2
            && let Err(e) =
                store.prune_attempts(chrono::Utc::now() - chrono::Duration::days(1)).await
        {
            tracing::warn!(error = %e, "could not prune old sign-in attempts");
        }
        if round % 240 == 3
            && let Err(e) =
                store.prune_form_submissions(chrono::Utc::now() - chrono::Duration::days(2)).await
        {
            tracing::warn!(error = %e, "could not prune old form submissions");
        }
        match store.publish_due(chrono::Utc::now()).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(articles = n, "published scheduled articles"),
            Err(e) => tracing::warn!(error = %e, "could not publish scheduled articles"),
        }
    }
}
