//! `byline republications`: where articles were republished, for editors, until the admin
//! shows the same.

use crate::config::Settings;
use byline_core::republish::CopyStatus;
use std::process::ExitCode;

pub async fn list(settings: Settings, article: Option<&str>) -> anyhow::Result<ExitCode> {
    let store = crate::node::open(&settings).await?;
    let id = match article {
        Some(slug) => Some(store.published_article(slug).await?.id),
        None => None,
    };
    let copies = store.republications(id).await?;
    if copies.is_empty() {
        outln!("No copies seen yet.");
        return Ok(ExitCode::SUCCESS);
    }
    let mut by_article: Vec<(String, String)> = Vec::new();
    for c in &copies {
        if !by_article.iter().any(|(s, _)| *s == c.article_slug) {
            by_article.push((c.article_slug.clone(), c.article_title.clone()));
        }
    }
    for (slug, title) in &by_article {
        let mine: Vec<_> = copies.iter().filter(|c| &c.article_slug == slug).collect();
        let total: i64 = mine.iter().map(|c| c.views).sum();
        outln!("{title} ({slug}): {total} views on {} site(s)", mine.len());
        for c in mine {
            outln!(
                "  #{:<6} {:>8} views  {:<8}  {}  (last seen {})",
                c.id,
                c.views,
                c.status.as_str(),
                c.url,
                c.last_seen.format("%Y-%m-%d %H:%M")
            );
        }
    }
    let total: i64 = copies.iter().map(|c| c.views).sum();
    let sites: std::collections::HashSet<&str> = copies.iter().map(|c| c.host.as_str()).collect();
    outln!("total: {total} views of {} article(s) on {} site(s)", by_article.len(), sites.len());
    Ok(ExitCode::SUCCESS)
}

pub async fn mark(settings: Settings, id: i64, status: &str) -> anyhow::Result<ExitCode> {
    let status: CopyStatus = status.parse().map_err(|e: String| anyhow::anyhow!(e))?;
    let store = crate::node::open(&settings).await?;
    store.mark_republication(id, status).await?;
    outln!("copy #{id} is now {}", status.as_str());
    Ok(ExitCode::SUCCESS)
}
