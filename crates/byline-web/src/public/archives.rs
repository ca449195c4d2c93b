//! Author archives, taxonomy indexes, term archives (with child terms), and static pages.

use super::render::{PageFrame, html, tagged};
use super::{moved, paths};
use crate::{AppState, WebError};
use axum::extract::{Path, State};
use axum::response::Response;
use byline_core::taxonomy::term_and_descendants;
use byline_render::urls;
use byline_render::view::{AuthorPage, CardView, StaticPage, TaxonomyPage, TermPage};
use byline_store::changes;
use byline_store::{ArticleFilter, SlugOf};

pub(crate) async fn author(
    State(s): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Response, WebError> {
    author_list(&s, &slug, 1).await
}

pub(crate) async fn author_page(
    State(s): State<AppState>,
    Path((slug, n)): Path<(String, String)>,
) -> Result<Response, WebError> {
    author_list(&s, &slug, paths::page_number(&n)?).await
}

async fn author_list(s: &AppState, slug: &str, page: u64) -> Result<Response, WebError> {
    let slug = paths::slug(slug)?;
    let chrome = PageFrame::load(s).await?;
    let author = match s.store.author(slug).await {
        Err(e) => {
            let to = |now: &str| urls::paged(&urls::author(now), page);
            return moved::or_redirect(&s.store, SlugOf::Author, slug, e, to).await;
        }
        Ok(a) => a,
    };
    let list =
        s.store.published_articles(&ArticleFilter::Author(author.id), page, s.per_page).await?;
    paths::within(page, list.pages())?;
    let mut view = AuthorPage::new(&chrome.site, &author, &list.items, page, list.pages());
    let counted = count_comments(s, &mut view.articles).await?;
    let r = html(s, "author.html", &view)?;
    Ok(tagged(r, std::iter::once(changes::author(author.id)).chain(counted)))
}

/// `/{slug}/` is a taxonomy's index when a taxonomy has that slug, else a static page.
pub(crate) async fn taxonomy_or_page(
    State(s): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Response, WebError> {
    let slug = paths::slug(&slug)?;
    let chrome = PageFrame::load(&s).await?;
    if let Some(taxonomy) = chrome.taxonomies.iter().find(|t| t.slug == slug) {
        let terms = s.store.terms(taxonomy.id).await?;
        let counts = s.store.published_counts(taxonomy.id).await?;
        return html(
            &s,
            "taxonomy.html",
            &TaxonomyPage::new(&chrome.site, taxonomy, &terms, &counts),
        );
    }
    let Some(page) = chrome.pages.iter().find(|p| p.slug == slug) else {
        let missing = byline_store::StoreError::NotFound { what: "page", key: slug.into() };
        return moved::or_redirect(&s.store, SlugOf::Page, slug, missing, urls::page).await;
    };
    Ok(tagged(html(&s, "page.html", &StaticPage::new(&chrome.site, page))?, []))
}

pub(crate) async fn term(
    State(s): State<AppState>,
    Path((taxonomy, term)): Path<(String, String)>,
) -> Result<Response, WebError> {
    term_list(&s, &taxonomy, &term, 1).await
}

pub(crate) async fn term_page(
    State(s): State<AppState>,
    Path((taxonomy, term, n)): Path<(String, String, String)>,
) -> Result<Response, WebError> {
    term_list(&s, &taxonomy, &term, paths::page_number(&n)?).await
}

async fn term_list(
    s: &AppState,
    taxonomy: &str,
    term: &str,
    page: u64,
) -> Result<Response, WebError> {
    let (taxonomy, term) = (paths::slug(taxonomy)?, paths::slug(term)?);
    let chrome = PageFrame::load(s).await?;
    let ctx = match s.store.term_context(taxonomy, term).await {
        // A renamed or merged term's old address leads to its new one.
        Err(e) if e.is_not_found() => match s.store.moved_term(taxonomy, term).await {
            Ok(now) => {
                let to =
                    byline_render::urls::paged(&byline_render::urls::term(taxonomy, &now), page);
                return moved::permanent(&to);
            }
            Err(_) => return Err(e.into()),
        },
        other => other?,
    };
    let ids = term_and_descendants(ctx.term.id, &ctx.terms);
    let tags: Vec<String> = ids.iter().map(|&t| changes::term(t)).collect();
    let list = s.store.published_articles(&ArticleFilter::Terms(ids), page, s.per_page).await?;
    paths::within(page, list.pages())?;
    let mut view = TermPage::new(
        &chrome.site,
        &ctx.taxonomy,
        &ctx.term,
        &ctx.terms,
        &list.items,
        page,
        list.pages(),
    );
    let counted = count_comments(s, &mut view.articles).await?;
    Ok(tagged(html(s, "term.html", &view)?, tags.into_iter().chain(counted)))
}

/// Puts the comment counts on a list's cards; returns the tags of the articles counted
/// (a comment's change drops the list too).
async fn count_comments(s: &AppState, cards: &mut [CardView]) -> Result<Vec<String>, WebError> {
    let ids: Vec<i64> = cards.iter().map(|c| c.id).collect();
    CardView::count_comments(cards, &s.store.comment_counts(&ids).await?);
    Ok(ids.into_iter().map(changes::article).collect())
}
