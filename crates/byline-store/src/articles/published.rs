//! Published articles as the public site, feeds and sitemaps read them: a page of summaries
//! under a filter, one article by slug, the newest in full, the sitemap's stamps, the count.

use super::access::{access_of, tier_slugs};
use super::shared::{Refs, by_author, bylines, filings, status, under_terms};
use crate::authors::from_row as author_from_row;
use crate::entity::{article, article_author, author};
use crate::{Paged, Store, StoreError};
use byline_core::{
    Article, ArticleStatus, ArticleSummary, Author, FeaturedImage, License, Source, TermRef,
};
use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, EntityTrait, FromQueryResult, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Select,
};

/// Which published articles a list shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArticleFilter {
    All,
    /// Articles with this author in their byline.
    Author(i64),
    /// Articles filed under any of these terms (a term and its descendants, usually).
    Terms(Vec<i64>),
}

/// The columns a list needs; bodies stay in the database.
#[derive(Debug, FromQueryResult)]
struct SummaryRow {
    id: i64,
    slug: String,
    title: String,
    subtitle: Option<String>,
    excerpt: String,
    status: String,
    published_at: Option<DateTime<Utc>>,
    image_url: Option<String>,
    image_alt: Option<String>,
    image_caption: Option<String>,
    access: String,
    featured: bool,
}

fn image(
    url: Option<String>,
    alt: Option<String>,
    caption: Option<String>,
) -> Option<FeaturedImage> {
    url.map(|url| FeaturedImage { url, alt: alt.unwrap_or_default(), caption })
}

fn published() -> Select<article::Entity> {
    article::Entity::find().filter(article::Column::Status.eq(ArticleStatus::Published.as_str()))
}

/// Published articles that a filter admits.
fn filtered(filter: &ArticleFilter) -> Select<article::Entity> {
    let q = published();
    match filter {
        ArticleFilter::All => q,
        ArticleFilter::Author(id) => q.filter(by_author(*id)),
        ArticleFilter::Terms(ids) => q.filter(under_terms(ids.clone())),
    }
}

impl Store {
    /// One page (1-based) of published articles, newest first, with bylines and terms:
    /// four queries whatever the page size.
    pub async fn published_articles(
        &self,
        filter: &ArticleFilter,
        page: u64,
        per_page: u64,
    ) -> Result<Paged<ArticleSummary>, StoreError> {
        self.summaries(filter, page, per_page, false).await
    }

    /// The home page's list: every published article, featured ones first (newest first
    /// among them), then the rest newest first.
    pub async fn home_articles(
        &self,
        page: u64,
        per_page: u64,
    ) -> Result<Paged<ArticleSummary>, StoreError> {
        self.summaries(&ArticleFilter::All, page, per_page, true).await
    }

    async fn summaries(
        &self,
        filter: &ArticleFilter,
        page: u64,
        per_page: u64,
        featured_first: bool,
    ) -> Result<Paged<ArticleSummary>, StoreError> {
        let page = Ord::max(page, 1);
        let q = filtered(filter);
        let total = q.clone().count(self.db()).await?;
        let q = if featured_first { q.order_by_desc(article::Column::Featured) } else { q };
        let rows = q
            .select_only()
            .columns([
                article::Column::Id,
                article::Column::Slug,
                article::Column::Title,
                article::Column::Subtitle,
                article::Column::Excerpt,
                article::Column::Status,
                article::Column::PublishedAt,
                article::Column::ImageUrl,
                article::Column::ImageAlt,
                article::Column::ImageCaption,
                article::Column::Access,
                article::Column::Featured,
            ])
            .order_by_desc(article::Column::PublishedAt)
            .order_by_desc(article::Column::Id)
            .limit(per_page)
            .offset((page - 1) * per_page)
            .into_model::<SummaryRow>()
            .all(self.db())
            .await?;
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let mut refs = Refs::load(self.db(), &ids).await?;
        let mut tiers =
            tier_slugs(self.db(), &with_tiers(rows.iter().map(|r| (r.id, &r.access)))).await?;
        let items = rows
            .into_iter()
            .map(|r| ArticleSummary {
                authors: refs.authors(r.id),
                terms: refs.terms(r.id),
                id: r.id,
                slug: r.slug,
                title: r.title,
                subtitle: r.subtitle,
                excerpt: r.excerpt,
                status: status(&r.status),
                published_at: r.published_at,
                image: image(r.image_url, r.image_alt, r.image_caption),
                access: access_of(&r.access, tiers.remove(&r.id)),
                featured: r.featured,
            })
            .collect();
        Ok(Paged { items, page, per_page, total })
    }

    /// A published article by slug, with its authors (bios included) and terms.
    /// Two queries: the article with its byline (joined), then its terms.
    pub async fn published_article(&self, slug: &str) -> Result<Article, StoreError> {
        let (m, authors) = published()
            .filter(article::Column::Slug.eq(slug))
            .find_with_related(author::Entity)
            .order_by_asc(article_author::Column::Position)
            .all(self.db())
            .await?
            .pop()
            .ok_or_else(|| StoreError::not_found("article", slug))?;
        let terms = filings(self.db(), &[m.id]).await?.remove(&m.id).unwrap_or_default();
        let tiers = tier_slugs(self.db(), &with_tiers([(m.id, &m.access)])).await?.remove(&m.id);
        Ok(article_from_row(m, authors.into_iter().map(author_from_row).collect(), terms, tiers))
    }

    /// The newest `limit` published articles in full (bodies, bylines, terms), for feeds:
    /// three queries whatever the limit.
    pub async fn latest_full_articles(
        &self,
        filter: &ArticleFilter,
        limit: u64,
    ) -> Result<Vec<Article>, StoreError> {
        let rows = filtered(filter)
            .order_by_desc(article::Column::PublishedAt)
            .order_by_desc(article::Column::Id)
            .limit(limit)
            .all(self.db())
            .await?;
        self.complete(rows).await
    }

    /// Published articles in full by id, in the order given (ids not published are left
    /// out): three queries whatever the number.
    pub async fn published_articles_by_id(&self, ids: &[i64]) -> Result<Vec<Article>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let rows = published()
            .filter(article::Column::Id.is_in(ids.iter().copied()))
            .all(self.db())
            .await?;
        let mut found = self.complete(rows).await?;
        found.sort_by_key(|a| ids.iter().position(|id| *id == a.id));
        Ok(found)
    }

    /// Rows made into whole articles, with bylines and terms loaded for all at once.
    async fn complete(&self, rows: Vec<article::Model>) -> Result<Vec<Article>, StoreError> {
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let mut bylines = bylines(self.db(), &ids).await?;
        let mut filings = filings(self.db(), &ids).await?;
        let mut tiers =
            tier_slugs(self.db(), &with_tiers(rows.iter().map(|r| (r.id, &r.access)))).await?;
        Ok(rows
            .into_iter()
            .map(|m| {
                let authors = bylines.remove(&m.id).unwrap_or_default();
                let terms = filings.remove(&m.id).unwrap_or_default();
                let t = tiers.remove(&m.id);
                article_from_row(m, authors, terms, t)
            })
            .collect())
    }

    /// Slugs and last-change times of published articles, oldest first, a slice at a time
    /// (for sitemaps).
    pub async fn published_article_stamps(
        &self,
        offset: u64,
        limit: u64,
    ) -> Result<Vec<(String, DateTime<Utc>)>, StoreError> {
        /// slug, published_at, updated_at, modified_at
        type Stamp = (String, Option<DateTime<Utc>>, Option<DateTime<Utc>>, DateTime<Utc>);
        let rows: Vec<Stamp> = published()
            .select_only()
            .columns([
                article::Column::Slug,
                article::Column::PublishedAt,
                article::Column::UpdatedAt,
                article::Column::ModifiedAt,
            ])
            .order_by_asc(article::Column::Id)
            .offset(offset)
            .limit(limit)
            .into_tuple()
            .all(self.db())
            .await?;
        Ok(rows
            .into_iter()
            .map(|(slug, published, updated, modified)| {
                let shown = updated.or(published).unwrap_or(modified);
                (slug, Ord::max(shown, modified))
            })
            .collect())
    }

    /// How many articles are published.
    pub async fn published_count(&self) -> Result<u64, StoreError> {
        Ok(published().count(self.db()).await?)
    }
}

/// The ids among these (id, access) whose access names tiers.
fn with_tiers<'a>(rows: impl IntoIterator<Item = (i64, &'a String)>) -> Vec<i64> {
    rows.into_iter().filter(|(_, a)| a.as_str() == "tiers").map(|(id, _)| id).collect()
}

fn article_from_row(
    m: article::Model,
    authors: Vec<Author>,
    terms: Vec<TermRef>,
    tiers: Option<Vec<String>>,
) -> Article {
    Article {
        access: access_of(&m.access, tiers),
        preview_html: m.preview_html,
        members_from: usize::try_from(m.members_from).unwrap_or(0),
        preview_only: false,
        authors,
        terms,
        id: m.id,
        slug: m.slug,
        title: m.title,
        subtitle: m.subtitle,
        body: m.body,
        body_html: m.body_html,
        excerpt: m.excerpt,
        status: status(&m.status),
        published_at: m.published_at,
        updated_at: m.updated_at,
        image: image(m.image_url, m.image_alt, m.image_caption),
        note_html: m.note_html,
        source: m.source_name.map(|name| Source { name, url: m.source_url }),
        copyright_holder: m.copyright_holder,
        copyright_year: m.copyright_year,
        license: m.license.and_then(|l| l.parse::<License>().ok()),
        canonical_url: m.canonical_url,
        seo_title: m.seo_title,
        seo_description: m.seo_description,
        republish: m.republish,
        comments: m.comments,
        comments_close_after_days: m.comments_close_days.map(|d| u32::try_from(d).unwrap_or(0)),
        featured: m.featured,
    }
}
