//! Everything the site shows, loaded at once.

use byline_core::correction::Correction;
use byline_core::{Article, Author, Page, Publication, Taxonomy, Term};
use byline_render::view::SiteView;
use byline_store::{ArticleFilter, Store, StoreError};
use std::collections::HashMap;

pub(crate) struct Site {
    pub publication: Publication,
    pub taxonomies: Vec<Taxonomy>,
    /// Every term of each taxonomy, by taxonomy id.
    pub terms: HashMap<i64, Vec<Term>>,
    pub pages: Vec<Page>,
    pub authors: Vec<Author>,
    /// Every published article, newest first.
    pub articles: Vec<Article>,
    /// Each article's corrections, by article id.
    pub corrections: HashMap<i64, Vec<Correction>>,
    pub view: SiteView,
}

impl Site {
    pub async fn load(store: &Store, base_url: &str) -> Result<Self, StoreError> {
        let publication = store.publication().await?;
        let taxonomies = store.taxonomies().await?;
        let mut terms = HashMap::new();
        for t in &taxonomies {
            terms.insert(t.id, store.terms(t.id).await?);
        }
        let pages = store.pages().await?;
        let authors = store.authors().await?;
        let articles = store.latest_full_articles(&ArticleFilter::All, u64::MAX >> 1).await?;
        let corrections = store.all_corrections().await?;
        let view = SiteView::new(&publication, &taxonomies, &pages, base_url, chrono::Utc::now());
        Ok(Self { publication, taxonomies, terms, pages, authors, articles, corrections, view })
    }
}
