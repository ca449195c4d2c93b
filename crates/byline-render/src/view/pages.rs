//! One context per template: what `home.html`, `article.html` … each receive.

use super::article::{ArticleView, LicenseView};
use super::shared::*;
use super::site::*;
use crate::urls;
use byline_core::taxonomy::term_and_descendants;
use byline_core::{Article, Page, Publication, Taxonomy};
use byline_core::{ArticleSummary, Author, Term};
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::HashMap;

#[derive(Debug, Serialize)]
pub struct HomePage<'a> {
    pub site: &'a SiteView,
    pub meta: MetaView,
    pub articles: Vec<CardView>,
    pub pagination: PaginationView,
}

impl<'a> HomePage<'a> {
    pub fn new(site: &'a SiteView, items: &[ArticleSummary], page: u64, pages: u64) -> Self {
        let title = (page > 1).then(|| format!("Page {page}"));
        Self {
            meta: site.meta(title.as_deref(), None, &urls::paged("/", page)),
            site,
            articles: CardView::list(items),
            pagination: PaginationView::new("/", page, pages),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct ArticlePage<'a> {
    pub site: &'a SiteView,
    pub meta: MetaView,
    pub article: ArticleView,
    /// The article's corrections, oldest first (see [`ArticlePage::with_corrections`]).
    pub corrections: Vec<CorrectionView>,
    /// The comments section (`None` where comments are not shown: off, or a static export).
    pub comments: Option<super::CommentsView>,
}

/// A correction as the article shows it.
#[derive(Debug, Serialize)]
pub struct CorrectionView {
    pub text: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    /// As people read it: `3 March 2026`.
    pub display_date: String,
}

impl<'a> ArticlePage<'a> {
    /// The page as `reader` sees it.
    pub fn new(
        site: &'a SiteView,
        a: &Article,
        p: &Publication,
        now: DateTime<Utc>,
        reader: &byline_core::members::Reader,
    ) -> Self {
        let article = ArticleView::new(a, p, site, now, reader);
        let title = article.seo_title.as_deref().unwrap_or(&article.title);
        let description = article.seo_description.as_deref().unwrap_or(&article.excerpt);
        let mut meta = site.meta(Some(title), Some(description), &article.url);
        if let Some(c) = &article.canonical_url {
            meta.canonical = c.clone();
        }
        let (og, twitter) =
            crate::seo::article_tags(a, p, &site.base_url, title, description, &meta.canonical);
        meta.og = og;
        meta.twitter = twitter;
        meta.json_ld = Some(crate::seo::news_article(a, p, &site.base_url, &meta.canonical));
        Self { site, meta, article, corrections: Vec::new(), comments: None }
    }

    /// The page showing `corrections` (the article's, oldest first), on the page and in its
    /// JSON-LD.
    pub fn with_corrections(
        mut self,
        a: &Article,
        p: &Publication,
        corrections: &[byline_core::correction::Correction],
    ) -> Self {
        if corrections.is_empty() {
            return self;
        }
        self.meta.json_ld = Some(crate::seo::corrected_news_article(
            a,
            p,
            &self.site.base_url,
            &self.meta.canonical,
            corrections,
        ));
        self.corrections = corrections
            .iter()
            .map(|c| CorrectionView {
                text: c.text.clone(),
                date: c.date.format("%Y-%m-%d").to_string(),
                display_date: c.date.format("%-d %B %Y").to_string(),
            })
            .collect();
        self
    }
}

#[derive(Debug, Serialize)]
pub struct AuthorPage<'a> {
    pub site: &'a SiteView,
    pub meta: MetaView,
    pub author: AuthorView,
    pub articles: Vec<CardView>,
    pub pagination: PaginationView,
}

impl<'a> AuthorPage<'a> {
    pub fn new(
        site: &'a SiteView,
        a: &Author,
        items: &[ArticleSummary],
        page: u64,
        pages: u64,
    ) -> Self {
        let author = AuthorView::new(a);
        let bio = a.bio.as_deref().map(|b| byline_core::markdown::excerpt(b, 200));
        Self {
            meta: site
                .meta(Some(&a.name), bio.as_deref(), &urls::paged(&author.url, page))
                .with_feeds_of(&author.url, &format!("{} · {}", a.name, site.title)),
            site,
            articles: CardView::list(items),
            pagination: PaginationView::new(&author.url, page, pages),
            author,
        }
    }
}

#[derive(Debug, Serialize)]
pub struct TermView {
    pub name: String,
    pub slug: String,
    pub url: String,
    pub description_html: Option<String>,
    /// Root first.
    pub ancestors: Vec<NameLink>,
    pub children: Vec<NameLink>,
}

#[derive(Debug, Serialize)]
pub struct TermPage<'a> {
    pub site: &'a SiteView,
    pub meta: MetaView,
    pub taxonomy: TaxonomyLink,
    pub term: TermView,
    pub articles: Vec<CardView>,
    pub pagination: PaginationView,
}

impl<'a> TermPage<'a> {
    /// `terms` are all the taxonomy's terms, to find ancestors and children.
    pub fn new(
        site: &'a SiteView,
        taxonomy: &Taxonomy,
        term: &Term,
        terms: &[Term],
        items: &[ArticleSummary],
        page: u64,
        pages: u64,
    ) -> Self {
        let by_id: HashMap<i64, &Term> = terms.iter().map(|t| (t.id, t)).collect();
        let mut ancestors = Vec::new();
        let mut cursor = term.parent_id;
        while let Some(id) = cursor {
            let Some(t) = by_id.get(&id) else { break };
            if ancestors.len() > terms.len() {
                break; // a cycle in bad data must not hang a request
            }
            ancestors.push(term_link(&taxonomy.slug, t));
            cursor = t.parent_id;
        }
        ancestors.reverse();
        let url = urls::term(&taxonomy.slug, &term.slug);
        let description =
            term.description.as_deref().map(|d| byline_core::markdown::excerpt(d, 200));
        Self {
            meta: site
                .meta(
                    Some(&format!("{}: {}", taxonomy.singular, term.name)),
                    description.as_deref(),
                    &urls::paged(&url, page),
                )
                .with_feeds_of(&url, &format!("{} · {}", term.name, site.title)),
            site,
            taxonomy: TaxonomyLink {
                name: taxonomy.name.clone(),
                singular: taxonomy.singular.clone(),
                slug: taxonomy.slug.clone(),
                url: urls::taxonomy(&taxonomy.slug),
            },
            term: TermView {
                name: term.name.clone(),
                slug: term.slug.clone(),
                description_html: term.description_html.clone(),
                ancestors,
                children: terms
                    .iter()
                    .filter(|t| t.parent_id == Some(term.id))
                    .map(|t| term_link(&taxonomy.slug, t))
                    .collect(),
                url: url.clone(),
            },
            articles: CardView::list(items),
            pagination: PaginationView::new(&url, page, pages),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct TaxonomyView {
    pub name: String,
    pub singular: String,
    pub url: String,
    pub description: Option<String>,
}

/// A term in a taxonomy's tree; `count` is the published articles filed under it or below.
#[derive(Debug, Serialize)]
pub struct TermNode {
    pub name: String,
    pub url: String,
    pub count: u64,
    pub children: Vec<TermNode>,
}

#[derive(Debug, Serialize)]
pub struct TaxonomyPage<'a> {
    pub site: &'a SiteView,
    pub meta: MetaView,
    pub taxonomy: TaxonomyView,
    pub terms: Vec<TermNode>,
}

impl<'a> TaxonomyPage<'a> {
    /// `counts` are published articles filed directly under each term id.
    pub fn new(
        site: &'a SiteView,
        taxonomy: &Taxonomy,
        terms: &[Term],
        counts: &HashMap<i64, u64>,
    ) -> Self {
        fn node(
            t: &Term,
            tax: &str,
            terms: &[Term],
            counts: &HashMap<i64, u64>,
            depth: usize,
        ) -> TermNode {
            let children = if depth > 32 {
                Vec::new()
            } else {
                terms
                    .iter()
                    .filter(|c| c.parent_id == Some(t.id))
                    .map(|c| node(c, tax, terms, counts, depth + 1))
                    .collect()
            };
            let count = term_and_descendants(t.id, terms)
                .iter()
                .map(|id| counts.get(id).copied().unwrap_or(0))
                .sum();
            TermNode { name: t.name.clone(), url: urls::term(tax, &t.slug), count, children }
        }
        let ids: std::collections::HashSet<i64> = terms.iter().map(|t| t.id).collect();
        let roots = terms.iter().filter(|t| t.parent_id.is_none_or(|p| !ids.contains(&p)));
        let url = urls::taxonomy(&taxonomy.slug);
        Self {
            meta: site.meta(Some(&taxonomy.name), taxonomy.description.as_deref(), &url),
            site,
            terms: roots.map(|t| node(t, &taxonomy.slug, terms, counts, 0)).collect(),
            taxonomy: TaxonomyView {
                name: taxonomy.name.clone(),
                singular: taxonomy.singular.clone(),
                url,
                description: taxonomy.description.clone(),
            },
        }
    }
}

#[derive(Debug, Serialize)]
pub struct PageView {
    pub title: String,
    pub url: String,
    pub body_html: String,
}

#[derive(Debug, Serialize)]
pub struct StaticPage<'a> {
    pub site: &'a SiteView,
    pub meta: MetaView,
    pub page: PageView,
}

impl<'a> StaticPage<'a> {
    pub fn new(site: &'a SiteView, p: &Page) -> Self {
        let url = urls::page(&p.slug);
        let description = byline_core::markdown::excerpt(&p.body, 200);
        Self {
            meta: site.meta(
                Some(&p.title),
                Some(&description).filter(|d| !d.is_empty()).map(|d| d.as_str()),
                &url,
            ),
            site,
            page: PageView { title: p.title.clone(), url, body_html: p.body_html.clone() },
        }
    }
}

#[derive(Debug, Serialize)]
pub struct NotFoundPage<'a> {
    pub site: &'a SiteView,
    pub meta: MetaView,
    pub path: String,
    pub articles: Vec<CardView>,
}

impl<'a> NotFoundPage<'a> {
    pub fn new(site: &'a SiteView, path: &str, latest: &[ArticleSummary]) -> Self {
        let mut meta = site.meta(Some("Page not found"), None, path);
        meta.noindex = true;
        Self { site, meta, path: path.to_owned(), articles: CardView::list(latest) }
    }
}

/// "Republish this article": the publication's terms and the text to paste.
#[derive(Debug, Serialize)]
pub struct RepublishPage<'a> {
    pub site: &'a SiteView,
    pub meta: MetaView,
    pub article: NameLink,
    /// The publication's policy, only when it is what grants permission (all rights reserved).
    pub policy_html: Option<String>,
    pub license: LicenseView,
    /// What a republisher may do, as the article's licence says.
    pub terms: byline_core::republish::Terms,
    pub html: String,
    pub text: String,
}

impl<'a> RepublishPage<'a> {
    pub fn new(site: &'a SiteView, a: &Article, p: &Publication) -> Self {
        let mut meta =
            site.meta(Some(&format!("Republish: {}", a.title)), None, &urls::republish(&a.slug));
        meta.noindex = true;
        let license = a.license_or(p.default_license);
        let terms = byline_core::republish::Terms::of(license, &p.title);
        Self {
            site,
            meta,
            article: NameLink { name: a.title.clone(), url: urls::article(&a.slug) },
            policy_html: p.republish_policy_html.clone().filter(|_| terms.policy_applies),
            license: license.into(),
            terms,
            html: crate::republish::snippet_html(a, p, &site.base_url),
            text: crate::republish::snippet_text(a, p, &site.base_url),
        }
    }
}

/// The page that asks a reader for their Mastodon (or other fediverse) server.
#[derive(Debug, Serialize)]
pub struct MastodonSharePage<'a> {
    pub site: &'a SiteView,
    pub meta: MetaView,
    /// What is being shared.
    pub url: String,
    pub text: String,
    /// The server the reader gave, when it was not usable.
    pub error: Option<String>,
    pub server: String,
}

impl<'a> MastodonSharePage<'a> {
    pub fn new(
        site: &'a SiteView,
        url: &str,
        text: &str,
        server: &str,
        error: Option<String>,
    ) -> Self {
        let mut meta = site.meta(Some("Share on Mastodon"), None, "/share/mastodon/");
        meta.noindex = true;
        Self {
            site,
            meta,
            url: url.to_owned(),
            text: text.to_owned(),
            error,
            server: server.to_owned(),
        }
    }
}
