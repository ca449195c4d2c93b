//! The index's schema and its analyzer: which fields a document has, how words are cut,
//! lower-cased, stemmed for the publication's language and folded to ASCII.

use crate::stem::StemAndFold;
use tantivy::Index;
use tantivy::schema::{
    FAST, FacetOptions, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema,
    TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, TextAnalyzer,
};

/// Raised whenever the schema or the analyzer changes: an index written with another
/// version is rebuilt at start.
pub const SCHEMA_VERSION: u32 = 3;

/// The stemming analyzer (title, subtitle, excerpt, body, authors, terms).
pub(crate) const STEMMED: &str = "byline_stemmed";
/// Lower-cased, folded, unstemmed words: the vocabulary "did you mean" draws from.
pub(crate) const PLAIN: &str = "byline_plain";

/// The fields of one document.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fields {
    /// `article:ID` or `page:ID`: what a change replaces.
    pub key: Field,
    pub kind: Field,
    pub slug: Field,
    pub title: Field,
    pub subtitle: Field,
    pub excerpt: Field,
    pub body: Field,
    /// Not stored: the whole body of every article whose body is not in `body` (drafts,
    /// gated articles), for the newsroom's search only, which searches `body` and this
    /// together (public search never queries it).
    pub newsroom: Field,
    /// Author names, searchable.
    pub authors: Field,
    /// Term names, searchable.
    pub terms: Field,
    pub words: Field,
    /// `/author/SLUG`, `/year/YYYY`, `/t/TAXONOMY/SLUG`: counted per search.
    pub facets: Field,
    /// `author=SLUG`, `year=YYYY`, `TAXONOMY=SLUG`, `kind=article`, `status=published`:
    /// what filters match.
    pub filters: Field,
    /// Seconds since 1970 (published, or a page's last update): the date order.
    pub date: Field,
    pub access: Field,
    /// Stored only: `slug\u{1f}name` per author, in byline order.
    pub byline: Field,
    /// Stored only: `taxonomy slug\u{1f}taxonomy name\u{1f}slug\u{1f}name` per term.
    pub filed: Field,
}

/// Separates the parts of a stored or facet value.
pub(crate) const SEP: char = '\u{1f}';

pub(crate) fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let stemmed = TextFieldIndexing::default()
        .set_tokenizer(STEMMED)
        .set_index_option(IndexRecordOption::WithFreqsAndPositions);
    let shown = TextOptions::default().set_indexing_options(stemmed.clone()).set_stored();
    let hidden = TextOptions::default().set_indexing_options(stemmed);
    let plain = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(PLAIN)
            .set_index_option(IndexRecordOption::Basic),
    );
    let fields = Fields {
        key: b.add_text_field("key", STRING | STORED),
        kind: b.add_text_field("kind", STORED),
        slug: b.add_text_field("slug", STORED),
        title: b.add_text_field("title", shown.clone()),
        subtitle: b.add_text_field("subtitle", shown.clone()),
        excerpt: b.add_text_field("excerpt", shown.clone()),
        body: b.add_text_field("body", shown),
        newsroom: b.add_text_field("newsroom", hidden.clone()),
        authors: b.add_text_field("authors", hidden.clone()),
        terms: b.add_text_field("terms", hidden),
        words: b.add_text_field("words", plain),
        facets: b.add_facet_field("facets", FacetOptions::default()),
        filters: b.add_text_field("filters", STRING),
        date: b.add_i64_field("date", INDEXED | FAST | STORED),
        access: b.add_text_field("access", STORED),
        byline: b.add_text_field("byline", STORED),
        filed: b.add_text_field("filed", STORED),
    };
    (b.build(), fields)
}

/// The stemmer for a BCP 47 language tag (`en`, `pt-BR`), by its primary subtag; `None`
/// for languages tantivy has no stemmer for (their words are only lower-cased and folded).
pub fn stemmer_for(language: &str) -> Option<Language> {
    let primary = language.split(['-', '_']).next().unwrap_or("").to_ascii_lowercase();
    Some(match primary.as_str() {
        "ar" => Language::Arabic,
        "da" => Language::Danish,
        "nl" => Language::Dutch,
        "en" => Language::English,
        "fi" => Language::Finnish,
        "fr" => Language::French,
        "de" => Language::German,
        "el" => Language::Greek,
        "hu" => Language::Hungarian,
        "it" => Language::Italian,
        "no" | "nb" | "nn" => Language::Norwegian,
        "pt" => Language::Portuguese,
        "ro" => Language::Romanian,
        "ru" => Language::Russian,
        "es" => Language::Spanish,
        "sv" => Language::Swedish,
        "ta" => Language::Tamil,
        "tr" => Language::Turkish,
        _ => return None,
    })
}

/// Registers both analyzers on an index, stemming for `language`.
pub(crate) fn register(index: &Index, language: &str) {
    let stemmed = match stemmer_for(language) {
        Some(l) => TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(60))
            .filter(LowerCaser)
            .filter(StemAndFold::new(l))
            .build(),
        None => plain_analyzer(),
    };
    index.tokenizers().register(STEMMED, stemmed);
    index.tokenizers().register(PLAIN, plain_analyzer());
}

fn plain_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(60))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// The tokens an analyzer makes of `text`.
pub(crate) fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut stream = analyzer.token_stream(text);
    while stream.advance() {
        out.push(stream.token().text.clone());
    }
    out
}
