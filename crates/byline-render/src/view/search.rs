//! The search page's context (`search.html`): the query, the results with their snippets,
//! facets as links that narrow the search, and the way back from each filter. Built from
//! plain inputs so this crate needs no search engine.

use super::shared::{CardTerm, NameLink, PaginationView, display_date, iso, name_link};
use super::site::{LinkView, MetaView, SiteView};
use crate::urls;
use byline_core::TermRef;
use chrono::{DateTime, Utc};
use serde::Serialize;

/// What was asked: the text, the filters as query parameters (`regions=europe`,
/// `author=anna`, `year=2025`), the order and the page.
#[derive(Debug, Clone, Default)]
pub struct SearchAsked {
    pub q: String,
    pub filters: Vec<(String, String)>,
    /// `relevance` or `date`.
    pub sort: String,
    pub page: u64,
}

impl SearchAsked {
    /// `/search/?q=…&…` for this search with changes: `set` adds or replaces a filter,
    /// `drop` removes one (by name and value), `page` picks a page.
    fn url(
        &self,
        set: Option<(&str, &str)>,
        drop: Option<(&str, &str)>,
        sort: &str,
        page: u64,
    ) -> String {
        let mut s = url::form_urlencoded::Serializer::new(String::new());
        s.append_pair("q", &self.q);
        for (k, v) in &self.filters {
            let replaced = set.is_some_and(|(sk, _)| sk == k);
            let dropped = drop.is_some_and(|(dk, dv)| dk == k && dv == v);
            if !replaced && !dropped {
                s.append_pair(k, v);
            }
        }
        if let Some((k, v)) = set {
            s.append_pair(k, v);
        }
        if sort != "relevance" {
            s.append_pair("sort", sort);
        }
        if page > 1 {
            s.append_pair("page", &page.to_string());
        }
        format!("{}?{}", urls::search(), s.finish())
    }
}

/// One result as the search engine gave it.
#[derive(Debug, Clone)]
pub struct SearchHitIn {
    /// `article` or `page`.
    pub kind: String,
    pub slug: String,
    pub title: String,
    pub subtitle: Option<String>,
    /// Already safe HTML (escaped text, `<mark>` around matches).
    pub snippet_html: String,
    /// (slug, name)
    pub authors: Vec<(String, String)>,
    pub terms: Vec<TermRef>,
    pub published_at: Option<DateTime<Utc>>,
    /// Members-only or paid: shown by its preview only.
    pub gated: bool,
}

/// One facet group as counted: the parameter it sets, its heading, (value, label, count).
#[derive(Debug, Clone)]
pub struct FacetIn {
    pub param: String,
    pub heading: String,
    pub values: Vec<(String, String, u64)>,
}

#[derive(Debug, Serialize)]
pub struct SearchPage<'a> {
    pub site: &'a SiteView,
    pub meta: MetaView,
    pub query: String,
    pub total: u64,
    pub results: Vec<SearchResultView>,
    pub facets: Vec<FacetGroupView>,
    /// The filters in force, each with the address without it.
    pub active: Vec<ActiveFilterView>,
    /// The same search in the other order.
    pub sort: String,
    pub sort_links: Vec<LinkView>,
    pub suggestion: Option<LinkView>,
    /// A word to the reader (nothing typed, query cut, index still being built).
    pub notice: Option<String>,
    pub pagination: PaginationView,
    /// Hidden inputs that keep the filters when the form is sent again.
    pub hidden: Vec<HiddenInput>,
    /// Set on the static export's search page, where the theme's `search.js` answers from
    /// a prebuilt index instead of the server.
    pub static_search: Option<StaticSearchView>,
}

/// Where the static export's search script and its index are.
#[derive(Debug, Serialize)]
pub struct StaticSearchView {
    /// The folder of the index files, e.g. `/search/index/`.
    pub index: String,
    pub script: String,
}

#[derive(Debug, Serialize)]
pub struct HiddenInput {
    pub name: String,
    pub value: String,
}

#[derive(Debug, Serialize)]
pub struct SearchResultView {
    pub kind: String,
    pub title: String,
    pub subtitle: Option<String>,
    pub url: String,
    pub snippet_html: String,
    pub authors: Vec<NameLink>,
    pub terms: Vec<CardTerm>,
    pub published: Option<String>,
    pub published_iso: Option<String>,
    pub gated: bool,
}

#[derive(Debug, Serialize)]
pub struct FacetGroupView {
    pub heading: String,
    pub values: Vec<FacetValueView>,
}

#[derive(Debug, Serialize)]
pub struct FacetValueView {
    pub name: String,
    pub count: u64,
    pub url: String,
    pub active: bool,
}

#[derive(Debug, Serialize)]
pub struct ActiveFilterView {
    pub label: String,
    pub remove_url: String,
}

/// What the search engine answered.
#[derive(Debug, Clone, Default)]
pub struct SearchAnswer {
    pub total: u64,
    pub pages: u64,
    pub hits: Vec<SearchHitIn>,
    pub facets: Vec<FacetIn>,
    pub suggestion: Option<String>,
    pub notice: Option<String>,
}

impl<'a> SearchPage<'a> {
    pub fn new(site: &'a SiteView, asked: &SearchAsked, answer: SearchAnswer) -> Self {
        let title = if asked.q.trim().is_empty() {
            "Search".to_owned()
        } else {
            format!("Search: {}", asked.q.trim())
        };
        let mut meta = site.meta(Some(&title), None, &urls::search());
        meta.noindex = true;
        let results = answer.hits.into_iter().map(result_view).collect();
        let facets = answer
            .facets
            .iter()
            .filter(|f| !f.values.is_empty())
            .map(|f| FacetGroupView {
                heading: f.heading.clone(),
                values: f
                    .values
                    .iter()
                    .map(|(value, name, count)| FacetValueView {
                        name: name.clone(),
                        count: *count,
                        url: asked.url(Some((&f.param, value)), None, &asked.sort, 1),
                        active: asked.filters.iter().any(|(k, v)| k == &f.param && v == value),
                    })
                    .collect(),
            })
            .collect();
        let active = asked
            .filters
            .iter()
            .map(|(k, v)| {
                let label = answer
                    .facets
                    .iter()
                    .find(|f| &f.param == k)
                    .and_then(|f| {
                        let name = f.values.iter().find(|(val, ..)| val == v).map(|(_, n, _)| n)?;
                        Some(format!("{}: {name}", f.heading))
                    })
                    .unwrap_or_else(|| format!("{k}: {v}"));
                ActiveFilterView {
                    label,
                    remove_url: asked.url(None, Some((k, v)), &asked.sort, 1),
                }
            })
            .collect();
        let sort_links = ["relevance", "date"]
            .into_iter()
            .map(|s| LinkView { title: s.to_owned(), url: asked.url(None, None, s, 1) })
            .collect();
        let suggestion = answer.suggestion.map(|s| {
            let other = SearchAsked { q: s.clone(), ..asked.clone() };
            LinkView { url: other.url(None, None, &asked.sort, 1), title: s }
        });
        let mut pagination = PaginationView::new("/", asked.page, answer.pages);
        pagination.prev_url =
            (asked.page > 1).then(|| asked.url(None, None, &asked.sort, asked.page - 1));
        pagination.next_url =
            (asked.page < answer.pages).then(|| asked.url(None, None, &asked.sort, asked.page + 1));
        Self {
            site,
            meta,
            query: asked.q.clone(),
            total: answer.total,
            results,
            facets,
            active,
            sort: asked.sort.clone(),
            sort_links,
            suggestion,
            notice: answer.notice,
            pagination,
            hidden: asked
                .filters
                .iter()
                .map(|(k, v)| HiddenInput { name: k.clone(), value: v.clone() })
                .collect(),
            static_search: None,
        }
    }

    /// The static export's `/search/`: an empty page that `search.js` fills in the browser
    /// from the index under `index` (a folder path ending in `/`).
    pub fn for_static_export(site: &'a SiteView, index: &str) -> Self {
        let asked = SearchAsked { sort: "relevance".into(), page: 1, ..SearchAsked::default() };
        let mut page = Self::new(site, &asked, SearchAnswer::default());
        page.static_search =
            Some(StaticSearchView { index: index.to_owned(), script: urls::asset("search.js") });
        page
    }
}

fn result_view(h: SearchHitIn) -> SearchResultView {
    SearchResultView {
        url: if h.kind == "page" { urls::page(&h.slug) } else { urls::article(&h.slug) },
        kind: h.kind,
        title: h.title,
        subtitle: h.subtitle,
        snippet_html: h.snippet_html,
        authors: h.authors.iter().map(|(slug, name)| name_link(name, slug)).collect(),
        terms: h
            .terms
            .iter()
            .map(|t| CardTerm {
                name: t.name.clone(),
                url: urls::term(&t.taxonomy_slug, &t.slug),
                taxonomy: t.taxonomy_name.clone(),
            })
            .collect(),
        published: h.published_at.map(display_date),
        published_iso: h.published_at.map(iso),
        gated: h.gated,
    }
}
