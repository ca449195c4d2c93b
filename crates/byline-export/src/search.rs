//! The static export's search: a prebuilt index cut into small files, which the theme's own
//! `search.js` loads on `/search/` (no server, no third-party script), the way Pagefind serves
//! static sites.
//!
//! Layout under `/search/index/`, all JSON:
//!
//! - `meta.json`: `{"version":1,"docs":N,"per_file":D,"words":["7472", …]}`, the word
//!   files that exist (so the script never asks for a missing one);
//! - `words/<hex>.json`: every indexed word whose first two characters, in UTF-8, are
//!   `<hex>`, with its postings `[[doc, weight], …]` (weight: occurrences, title words
//!   counting [`TITLE_WEIGHT`] times);
//! - `docs/<n>.json`: documents `n × D` to `n × D + D − 1`, each
//!   `{"u":url,"t":title,"s":subtitle,"x":text,"a":[[slug,name,url]],"m":["taxonomy/term"],"d":"YYYY-MM-DD","g":gated}`.
//!
//! Documents are numbered newest first (articles, then static pages), so "sort by date" is
//! sort by number. Words are normalised as the script normalises a query ([`words`]): Unicode
//! decomposition with combining marks dropped, lower case, split at anything that is not a
//! letter or a digit. The index holds only what an anonymous reader may read: a gated
//! article's preview, never its members' text.

use crate::load::Site;
use byline_core::members::Reader;
use byline_core::{Article, republish};
use byline_render::urls;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Where the index files go (and where the script looks for them).
pub const INDEX_DIR: &str = "/search/index/";
/// The format of the files; the script refuses others.
pub const VERSION: u32 = 1;
/// Documents per `docs/<n>.json`.
pub const DOCS_PER_FILE: usize = 50;
/// How much of a document's text is kept for snippets.
pub const TEXT_CHARS: usize = 1_500;
/// A word in a title counts this many times.
pub const TITLE_WEIGHT: u32 = 5;
/// Longer "words" (hashes, URLs run together) are not indexed.
pub const MAX_WORD_CHARS: usize = 40;

/// One searchable document as the script shows it.
#[derive(Debug, Serialize)]
struct Doc {
    u: String,
    t: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    s: Option<String>,
    x: String,
    /// (slug, name, address) of each author.
    a: Vec<(String, String, String)>,
    m: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    d: Option<String>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    g: bool,
}

#[derive(Debug, Serialize)]
struct Meta {
    version: u32,
    docs: usize,
    per_file: usize,
    words: Vec<String>,
}

/// The words of `text`, normalised for the index (and, identically, by `search.js`).
pub fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !(c.is_alphanumeric() || is_combining_mark(c)))
        .filter(|w| !w.is_empty())
        .map(|w| {
            let folded = w.nfd().filter(|c| !is_combining_mark(*c)).flat_map(char::to_lowercase);
            // Final sigma lowers differently by context; one form for both sides.
            folded.map(|c| if c == 'ς' { 'σ' } else { c }).collect()
        })
        .filter(|w: &String| {
            let n = w.chars().count();
            (2..=MAX_WORD_CHARS).contains(&n)
        })
}

/// The file a word lives in: the hex of its first two characters' UTF-8.
pub fn word_file(word: &str) -> String {
    let end = word.char_indices().nth(2).map_or(word.len(), |(i, _)| i);
    word[..end].bytes().map(|b| format!("{b:02x}")).collect()
}

/// Every file of the static search index, as (site path, bytes).
pub(crate) fn index_files(site: &Site) -> Vec<(String, Vec<u8>)> {
    let base = site.view.base_url.as_str();
    let mut docs: Vec<(Doc, String, String)> = site
        .articles
        .iter()
        .map(|a| article_doc(a, base))
        .chain(site.pages.iter().map(|p| {
            let text = republish::body_text(&p.body, base);
            let doc = Doc {
                u: urls::page(&p.slug),
                t: p.title.clone(),
                s: None,
                x: cut(&text),
                a: Vec::new(),
                m: Vec::new(),
                d: None,
                g: false,
            };
            (doc, p.title.clone(), text)
        }))
        .collect();
    let mut postings: HashMap<String, Vec<(usize, u32)>> = HashMap::new();
    for (n, (_, title, text)) in docs.iter().enumerate() {
        let mut counts: HashMap<String, u32> = HashMap::new();
        for w in words(title) {
            *counts.entry(w).or_default() += TITLE_WEIGHT;
        }
        for w in words(text) {
            *counts.entry(w).or_default() += 1;
        }
        for (w, c) in counts {
            postings.entry(w).or_default().push((n, c));
        }
    }
    let mut by_file: BTreeMap<String, BTreeMap<String, Vec<(usize, u32)>>> = BTreeMap::new();
    for (w, mut list) in postings {
        list.sort_unstable();
        by_file.entry(word_file(&w)).or_default().insert(w, list);
    }
    let mut files = Vec::new();
    let meta = Meta {
        version: VERSION,
        docs: docs.len(),
        per_file: DOCS_PER_FILE,
        words: by_file.keys().cloned().collect(),
    };
    files.push(json(&format!("{INDEX_DIR}meta.json"), &meta));
    for (file, words) in &by_file {
        files.push(json(&format!("{INDEX_DIR}words/{file}.json"), words));
    }
    let docs: Vec<Doc> = docs.drain(..).map(|(d, ..)| d).collect();
    for (n, chunk) in docs.chunks(DOCS_PER_FILE).enumerate() {
        files.push(json(&format!("{INDEX_DIR}docs/{n}.json"), &chunk));
    }
    files
}

/// An article as an anonymous reader may find it: its title, subtitle, excerpt, byline and
/// terms always; its body only as far as that reader may read it.
fn article_doc(a: &Article, base: &str) -> (Doc, String, String) {
    let visible = a.clone().for_reader(&Reader::Anonymous);
    let body = republish::body_text(&visible.body, base);
    let shown = if body.trim().is_empty() { a.excerpt.clone() } else { body.clone() };
    let mut title = a.title.clone();
    for extra in a.subtitle.iter().chain(a.authors.iter().map(|au| &au.name)) {
        title.push(' ');
        title.push_str(extra);
    }
    let terms: String = a.terms.iter().map(|t| format!(" {}", t.name)).collect();
    let doc = Doc {
        u: urls::article(&a.slug),
        t: a.title.clone(),
        s: a.subtitle.clone(),
        x: cut(&shown),
        a: a.authors
            .iter()
            .map(|au| (au.slug.clone(), au.name.clone(), urls::author(&au.slug)))
            .collect(),
        m: a.terms.iter().map(|t| format!("{}/{}", t.taxonomy_slug, t.slug)).collect(),
        d: a.published_at.map(|d| d.format("%Y-%m-%d").to_string()),
        g: visible.preview_only,
    };
    (doc, title, format!("{}\n{body}{terms}", a.excerpt))
}

/// The first [`TEXT_CHARS`] characters, cut at a word.
fn cut(text: &str) -> String {
    byline_core::markdown::truncate_words(text, TEXT_CHARS)
}

fn json(path: &str, value: &impl Serialize) -> (String, Vec<u8>) {
    (path.to_owned(), serde_json::to_vec(value).expect("the index serializes"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_folded_as_the_script_folds_them() {
        let w: Vec<String> = words("Éire's CAFÉ-culture, naïve 2024 a x").collect();
        assert_eq!(w, ["eire", "cafe", "culture", "naive", "2024"]);
        assert_eq!(word_file("trade"), "7472");
        assert_eq!(words("ΟΔΟΣ οδος").collect::<Vec<_>>(), ["οδοσ", "οδοσ"]);
        assert_eq!(word_file("жк"), "d0b6d0ba");
        assert_eq!(words(&"x".repeat(41)).count(), 0);
    }
}
