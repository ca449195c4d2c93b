//! Site search: `/search/` (the page), `/api/search` (the same as JSON) and
//! `/opensearch.xml`. Both answer from this node's index (`byline-search`), or from the
//! database's simple match while the index is being built. Searches are limited per address.

use super::render::{PageFrame, html};
use crate::client::ClientAddr;
use crate::{AppState, WebError};
use axum::Json;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use byline_render::view::{FacetIn, SearchAnswer, SearchAsked, SearchHitIn, SearchPage};
use byline_search::{
    FacetCount, Facets, Hit, MAX_PAGE, Named, PER_PAGE, SearchRequest, SearchResults, Sort, parse,
    plain_snippet,
};

/// The parameters of a search, read from the query string.
struct Params {
    req: SearchRequest,
    /// The filters as given (name, value), in order.
    filters: Vec<(String, String)>,
}

/// Reads `q`, `sort`, `page`, `author`, `year` and one parameter per taxonomy slug; other
/// parameters are ignored. A malformed `page` or `year` is a 400 that says which.
fn params(raw: Option<&str>, taxonomies: &[String]) -> Result<Params, WebError> {
    let mut req = SearchRequest { page: 1, taxonomies: taxonomies.to_vec(), ..Default::default() };
    let mut filters = Vec::new();
    for (k, v) in url::form_urlencoded::parse(raw.unwrap_or("").as_bytes()) {
        let v = v.trim().to_owned();
        match k.as_ref() {
            "q" => req.q = v,
            "sort" => req.sort = Sort::parse(&v),
            "page" => {
                req.page =
                    v.parse().ok().filter(|p| (1..=MAX_PAGE).contains(p)).ok_or_else(|| {
                        WebError::BadRequest(format!(
                            "page must be a number from 1 to {MAX_PAGE}, not {v:?}"
                        ))
                    })?;
            }
            "author" if !v.is_empty() => {
                req.author = Some(v.clone());
                filters.push(("author".into(), v));
            }
            "year" if !v.is_empty() => {
                let y =
                    v.parse::<i32>().ok().filter(|y| (1..=9999).contains(y)).ok_or_else(|| {
                        WebError::BadRequest(format!("year must be a year such as 2025, not {v:?}"))
                    })?;
                req.year = Some(y);
                filters.push(("year".into(), y.to_string()));
            }
            t if !v.is_empty() && taxonomies.iter().any(|x| x == t) => {
                req.terms.push((t.to_owned(), v.clone()));
                filters.push((t.to_owned(), v));
            }
            _ => {}
        }
    }
    Ok(Params { req, filters })
}

/// Runs the search on the index when it is ready, else on the database.
async fn run(
    s: &AppState,
    addr: &ClientAddr,
    req: SearchRequest,
) -> Result<SearchResults, WebError> {
    if let Err(secs) = s.search_limit.admit(&addr.0) {
        return Err(WebError::TooManyRequests(secs));
    }
    match s.search.clone().filter(|i| i.is_ready()) {
        Some(index) => tokio::task::spawn_blocking(move || index.search(&req))
            .await
            .map_err(|e| WebError::Internal(format!("search task: {e}")))?
            .map_err(|e| WebError::Internal(e.to_string())),
        None => from_database(s, &req).await,
    }
}

/// The database's simple match (title or excerpt holds every word), newest first: no
/// snippets, facets, filters, pages or typos. What search answers while the index builds.
async fn from_database(s: &AppState, req: &SearchRequest) -> Result<SearchResults, WebError> {
    let parsed = parse(&req.q);
    let mut out = SearchResults {
        query: parsed.text.clone(),
        cut: parsed.cut,
        page: req.page,
        per_page: PER_PAGE,
        engine: "database",
        facets: Facets::default(),
        ..Default::default()
    };
    if parsed.is_empty() {
        return Ok(out);
    }
    let words: Vec<String> = parsed.words.iter().chain(&parsed.phrases).cloned().collect();
    let found = s.store.published_matching(&words, req.page as u64, PER_PAGE as u64).await?;
    out.total = found.total;
    out.hits = found
        .items
        .into_iter()
        .map(|a| Hit {
            kind: "article",
            slug: a.slug,
            title: a.title,
            subtitle: a.subtitle,
            snippet_html: plain_snippet(&a.excerpt, 220),
            authors: a.authors.into_iter().map(|r| Named { slug: r.slug, name: r.name }).collect(),
            terms: a
                .terms
                .into_iter()
                .map(|t| byline_search::FiledTerm {
                    taxonomy: t.taxonomy_slug,
                    taxonomy_name: t.taxonomy_name,
                    slug: t.slug,
                    name: t.name,
                })
                .collect(),
            published_at: a.published_at,
            access: String::new(),
        })
        .collect();
    Ok(out)
}

pub(crate) async fn page(
    State(s): State<AppState>,
    addr: ClientAddr,
    RawQuery(raw): RawQuery,
) -> Result<Response, WebError> {
    let chrome = PageFrame::load(&s).await?;
    let slugs: Vec<String> = chrome.taxonomies.iter().map(|t| t.slug.clone()).collect();
    let Params { req, filters } = params(raw.as_deref(), &slugs)?;
    let asked = SearchAsked {
        q: req.q.clone(),
        filters,
        sort: req.sort.as_str().to_owned(),
        page: req.page as u64,
    };
    let r = run(&s, &addr, req).await?;
    let notice = if parse(&asked.q).is_empty() && !asked.q.trim().is_empty() {
        Some("Type a word or two to search for: symbols alone find nothing.".to_owned())
    } else if r.engine == "database" && !r.query.is_empty() {
        Some("The search index is being built: for now only titles and summaries are searched, newest first.".to_owned())
    } else if r.cut {
        Some(format!(
            "Your search was long: only its first {} characters or {} words were used.",
            byline_search::MAX_QUERY_CHARS,
            byline_search::MAX_PARTS
        ))
    } else {
        None
    };
    let mut facets: Vec<FacetIn> = r
        .facets
        .terms
        .iter()
        .map(|g| FacetIn {
            heading: chrome
                .taxonomies
                .iter()
                .find(|t| t.slug == g.taxonomy)
                .map_or_else(|| g.taxonomy.clone(), |t| t.name.clone()),
            param: g.taxonomy.clone(),
            values: triples(&g.values),
        })
        .collect();
    facets.push(FacetIn {
        param: "author".into(),
        heading: "Authors".into(),
        values: triples(&r.facets.authors),
    });
    facets.push(FacetIn {
        param: "year".into(),
        heading: "Year".into(),
        values: triples(&r.facets.years),
    });
    let answer = SearchAnswer {
        total: r.total,
        pages: r.pages() as u64,
        hits: r
            .hits
            .iter()
            .map(|h| SearchHitIn {
                kind: h.kind.to_owned(),
                slug: h.slug.clone(),
                title: h.title.clone(),
                subtitle: h.subtitle.clone(),
                snippet_html: h.snippet_html.clone(),
                authors: h.authors.iter().map(|a| (a.slug.clone(), a.name.clone())).collect(),
                terms: h
                    .terms
                    .iter()
                    .map(|t| byline_core::TermRef {
                        taxonomy_slug: t.taxonomy.clone(),
                        taxonomy_name: t.taxonomy_name.clone(),
                        slug: t.slug.clone(),
                        name: t.name.clone(),
                    })
                    .collect(),
                published_at: h.published_at,
                gated: !matches!(h.access.as_str(), "public" | ""),
            })
            .collect(),
        facets,
        suggestion: r.suggestion.clone(),
        notice,
    };
    let mut res = html(&s, "search.html", &SearchPage::new(&chrome.site, &asked, answer))?;
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}

fn triples(values: &[FacetCount]) -> Vec<(String, String, u64)> {
    values.iter().map(|v| (v.value.clone(), v.name.clone(), v.count)).collect()
}

/// `/api/search?q=…`: the same parameters, results and facets as JSON. Errors are JSON too:
/// `{"error": {"code", "message"}}`.
pub(crate) async fn api(
    State(s): State<AppState>,
    addr: ClientAddr,
    RawQuery(raw): RawQuery,
) -> Response {
    let answer = async {
        let frame = s.frame().await?;
        let slugs: Vec<String> = frame.taxonomies.iter().map(|t| t.slug.clone()).collect();
        let Params { req, .. } = params(raw.as_deref(), &slugs)?;
        run(&s, &addr, req).await
    };
    let mut res = match answer.await {
        Ok(r) => Json(r).into_response(),
        Err(e) => {
            let info = crate::ErrorInfo::of(&e);
            let mut r = (info.status, Json(serde_json::json!({ "error": info }))).into_response();
            if let WebError::TooManyRequests(secs) = e
                && let Ok(v) = HeaderValue::from_str(&secs.to_string())
            {
                r.headers_mut().insert(header::RETRY_AFTER, v);
            }
            if let WebError::Internal(detail) = &e {
                tracing::error!(%detail, "search failed");
            }
            r
        }
    };
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// The OpenSearch description that lets browsers add the site as a search engine.
pub(crate) async fn opensearch(State(s): State<AppState>) -> Result<Response, WebError> {
    let frame = s.frame().await?;
    let base = frame.publication.base_url.clone().unwrap_or_else(|| s.base_url.clone());
    let base = base.trim_end_matches('/');
    let name: String = frame.publication.title.chars().take(16).collect();
    let xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <OpenSearchDescription xmlns=\"http://a9.com/-/spec/opensearch/1.1/\">\n\
         <ShortName>{}</ShortName>\n<Description>Search {}</Description>\n\
         <InputEncoding>UTF-8</InputEncoding>\n\
         <Url type=\"text/html\" method=\"get\" template=\"{}/search/?q={{searchTerms}}\"/>\n\
         <Url type=\"application/json\" method=\"get\" template=\"{}/api/search?q={{searchTerms}}\"/>\n\
         </OpenSearchDescription>\n",
        xml_escape(&name),
        xml_escape(&frame.publication.title),
        xml_escape(base),
        xml_escape(base),
    );
    Ok((
        [(header::CONTENT_TYPE, HeaderValue::from_static("application/opensearchdescription+xml"))],
        xml,
    )
        .into_response())
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}
