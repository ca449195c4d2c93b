//! The search index on a node: opened by `serve` (rebuilt in the background when missing or
//! outdated, with progress in the log), and rebuilt by `byline search reindex` with a
//! progress bar.

use crate::config::Settings;
use byline_search::SearchIndex;
use byline_store::Store;
use std::process::ExitCode;
use std::sync::Arc;

/// Opens this node's index for `serve`. When it must be rebuilt, starts that in the
/// background; search answers from the database until it is done.
pub async fn open_for_serving(
    settings: &Settings,
    store: &Store,
) -> anyhow::Result<Arc<SearchIndex>> {
    let dir = settings.search_dir();
    let language = store.publication().await?.language;
    let (index, why) = SearchIndex::open(&dir, &language)?;
    let index = Arc::new(index);
    match why {
        None => tracing::info!(dir = %dir.display(), documents = index.len(), "search index ready"),
        Some(why) => {
            tracing::info!(dir = %dir.display(), %why, "building the search index in the background");
            let (building, store) = (index.clone(), store.clone());
            tokio::spawn(async move {
                let started = std::time::Instant::now();
                let mut last_logged = 0;
                let res = building
                    .rebuild(&store, |done, total| {
                        // A line per tenth, not per slice.
                        if done == total || done - last_logged >= (total / 10).max(1) {
                            last_logged = done;
                            tracing::info!(done, total, "building the search index");
                        }
                    })
                    .await;
                match res {
                    Ok(n) => tracing::info!(
                        articles = n,
                        secs = started.elapsed().as_secs_f32(),
                        "search index built; search uses it now"
                    ),
                    Err(e) => {
                        tracing::error!(error = %e, "could not build the search index; search answers from the database")
                    }
                }
            });
        }
    }
    Ok(index)
}

/// `byline search reindex`.
pub async fn reindex(settings: Settings) -> anyhow::Result<ExitCode> {
    let store = crate::node::open(&settings).await?;
    let dir = settings.search_dir();
    let language = store.publication().await?.language;
    let (index, _) = SearchIndex::open(&dir, &language)?;
    let bar = indicatif::ProgressBar::new(store.indexable_count().await?);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{bar:40} {pos}/{len} articles ({per_sec}, {eta} left)",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let started = std::time::Instant::now();
    let n = index
        .rebuild(&store, |done, total| {
            bar.set_length(total);
            bar.set_position(done);
        })
        .await?;
    bar.finish_and_clear();
    eprintln!(
        "search index rebuilt in {}: {n} articles and {} documents in all, in {:.1} s",
        dir.display(),
        index.len(),
        started.elapsed().as_secs_f32()
    );
    Ok(ExitCode::SUCCESS)
}
