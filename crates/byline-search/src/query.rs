//! What a reader typed, read leniently: words and "quoted phrases"; anything else
//! (operators, stray quotes, punctuation, any script) is only text, so no input fails.

use serde::{Deserialize, Serialize};

/// Queries are cut to this many characters (on a character boundary), and the rest ignored.
pub const MAX_QUERY_CHARS: usize = 200;
/// At most this many words and phrases count; the rest are ignored.
pub const MAX_PARTS: usize = 10;
/// Results per page.
pub const PER_PAGE: usize = 10;
/// Pages beyond this are not served (deep paging is costly and nobody reads page 101).
pub const MAX_PAGE: usize = 100;

/// What a search asks.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchRequest {
    /// The reader's text, as typed.
    pub q: String,
    /// `(taxonomy slug, term slug)` pairs, all required.
    pub terms: Vec<(String, String)>,
    pub author: Option<String>,
    pub year: Option<i32>,
    pub sort: Sort,
    /// 1-based.
    pub page: usize,
    /// The taxonomies whose terms are counted as facets.
    pub taxonomies: Vec<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Sort {
    #[default]
    Relevance,
    Date,
}

impl Sort {
    pub fn parse(s: &str) -> Sort {
        if s.eq_ignore_ascii_case("date") { Sort::Date } else { Sort::Relevance }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Sort::Relevance => "relevance",
            Sort::Date => "date",
        }
    }
}

/// The reader's text in parts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Parsed {
    /// The text the search used (cut, trimmed).
    pub text: String,
    /// Whether the text was cut at [`MAX_QUERY_CHARS`] or [`MAX_PARTS`].
    pub cut: bool,
    /// Unquoted words.
    pub words: Vec<String>,
    /// Quoted phrases (each as typed between the quotes).
    pub phrases: Vec<String>,
}

impl Parsed {
    pub fn is_empty(&self) -> bool {
        self.words.is_empty() && self.phrases.is_empty()
    }
}

/// Splits text into words and phrases. A quote without its pair quotes nothing; the
/// characters `+ - ! ( ) : ^ ~ * ?` and the like are only separators.
pub fn parse(raw: &str) -> Parsed {
    let mut cut = raw.chars().count() > MAX_QUERY_CHARS;
    let text: String = raw.chars().take(MAX_QUERY_CHARS).collect();
    let text = text.trim().to_owned();
    let quotes = text.chars().filter(|c| is_quote(*c)).count();
    // With an odd count the last quote is unpaired: it is ignored.
    let last_pair_end = if quotes % 2 == 1 {
        text.char_indices().rev().find(|(_, c)| is_quote(*c)).map(|(i, _)| i)
    } else {
        None
    };
    let mut words = Vec::new();
    let mut phrases = Vec::new();
    let mut in_phrase = false;
    let mut current = String::new();
    for (i, c) in text.char_indices() {
        if is_quote(c) && Some(i) != last_pair_end {
            if in_phrase {
                let p = current.split_whitespace().collect::<Vec<_>>().join(" ");
                if p.chars().any(char::is_alphanumeric) {
                    phrases.push(p);
                }
            } else {
                push_words(&mut words, &current);
            }
            current.clear();
            in_phrase = !in_phrase;
        } else if is_quote(c) {
            current.push(' ');
        } else {
            current.push(c);
        }
    }
    if in_phrase {
        let p = current.split_whitespace().collect::<Vec<_>>().join(" ");
        if p.chars().any(char::is_alphanumeric) {
            phrases.push(p);
        }
    } else {
        push_words(&mut words, &current);
    }
    if words.len() + phrases.len() > MAX_PARTS {
        cut = true;
        phrases.truncate(MAX_PARTS);
        words.truncate(MAX_PARTS - phrases.len());
    }
    Parsed { text, cut, words, phrases }
}

fn is_quote(c: char) -> bool {
    matches!(c, '"' | '“' | '”' | '„' | '«' | '»')
}

fn push_words(out: &mut Vec<String>, text: &str) {
    for w in text.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’')) {
        let w = w.trim_matches(|c| c == '\'' || c == '’');
        if w.chars().any(char::is_alphanumeric) && !matches!(w, "AND" | "OR" | "NOT") {
            out.push(w.to_owned());
        }
    }
}

/// How many typos a word of this many characters may have and still match.
pub fn typo_distance(word: &str) -> u8 {
    match word.chars().count() {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    }
}
