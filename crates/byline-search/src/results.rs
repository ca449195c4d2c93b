//! What a search returns: hits, facet counts, and a word to the reader when there is
//! nothing to show. Serializable as the JSON API's answer.

use chrono::{DateTime, Utc};
use serde::Serialize;

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SearchResults {
    /// The text searched for (cut at `MAX_QUERY_CHARS`).
    pub query: String,
    /// Whether the query was cut.
    pub cut: bool,
    pub total: u64,
    /// 1-based.
    pub page: usize,
    pub per_page: usize,
    pub hits: Vec<Hit>,
    pub facets: Facets,
    /// Another query that finds something, when this one found nothing.
    pub suggestion: Option<String>,
    /// `index`, or `database` while the index is being built (then without snippets,
    /// pages or facets).
    pub engine: &'static str,
}

impl SearchResults {
    pub fn pages(&self) -> usize {
        (self.total as usize).div_ceil(self.per_page.max(1))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hit {
    /// `article` or `page`.
    pub kind: &'static str,
    pub slug: String,
    pub title: String,
    /// Plain text: the article's subtitle.
    pub subtitle: Option<String>,
    /// HTML: the text around the matched words, HTML-escaped, the words in `<mark>`.
    pub snippet_html: String,
    pub authors: Vec<Named>,
    pub terms: Vec<FiledTerm>,
    pub published_at: Option<DateTime<Utc>>,
    /// `public`, `members`, `paid` or `tiers`.
    pub access: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Named {
    pub slug: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FiledTerm {
    pub taxonomy: String,
    pub taxonomy_name: String,
    pub slug: String,
    pub name: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Facets {
    /// One group per taxonomy asked for, in the order asked; terms by count.
    pub terms: Vec<TermFacet>,
    pub authors: Vec<FacetCount>,
    /// Newest first.
    pub years: Vec<FacetCount>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TermFacet {
    pub taxonomy: String,
    pub values: Vec<FacetCount>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FacetCount {
    /// What the filter parameter takes (a term's or author's slug, a year).
    pub value: String,
    pub name: String,
    pub count: u64,
}

/// Text as a snippet with nothing marked: HTML-escaped, cut at about `max` characters on a
/// word boundary (for results that come from elsewhere than the index).
pub fn plain_snippet(text: &str, max: usize) -> String {
    let mut cut: String = text.chars().take(max).collect();
    if cut.len() < text.len()
        && let Some(i) = cut.rfind(char::is_whitespace)
    {
        cut.truncate(i);
        cut.push_str(" …");
    }
    byline_core::markdown::escape_html(&cut)
}
