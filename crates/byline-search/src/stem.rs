//! The stemming step of the analyzer, remembering what it made of each word: a publication
//! uses the same few tens of thousands of words over and over, and stemming one costs more
//! than looking it up. The tokens are exactly those of stemming then folding every time.

use std::collections::HashMap;
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, RawTokenizer, Stemmer, TextAnalyzer, Token, TokenFilter,
    TokenStream, Tokenizer,
};

/// Words remembered per analyzer (one per field and writing thread): a few megabytes at most.
const REMEMBERED: usize = 100_000;

/// Stems a lower-cased word for a language, then folds it to ASCII.
#[derive(Clone)]
pub(crate) struct StemAndFold {
    language: Language,
}

impl StemAndFold {
    pub(crate) fn new(language: Language) -> StemAndFold {
        StemAndFold { language }
    }
}

impl TokenFilter for StemAndFold {
    type Tokenizer<T: Tokenizer> = StemAndFoldFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> StemAndFoldFilter<T> {
        let word = TextAnalyzer::builder(RawTokenizer::default())
            .filter(Stemmer::new(self.language))
            .filter(AsciiFoldingFilter)
            .build();
        StemAndFoldFilter { inner: tokenizer, word, seen: HashMap::new() }
    }
}

pub(crate) struct StemAndFoldFilter<T> {
    inner: T,
    /// The stemmer and folder, for one word at a time.
    word: TextAnalyzer,
    seen: HashMap<String, String>,
}

/// A copy starts with nothing remembered (copies are made per field and thread).
impl<T: Clone> Clone for StemAndFoldFilter<T> {
    fn clone(&self) -> Self {
        StemAndFoldFilter {
            inner: self.inner.clone(),
            word: self.word.clone(),
            seen: HashMap::new(),
        }
    }
}

impl<T: Tokenizer> Tokenizer for StemAndFoldFilter<T> {
    type TokenStream<'a> = StemAndFoldStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        StemAndFoldStream {
            tail: self.inner.token_stream(text),
            word: &mut self.word,
            seen: &mut self.seen,
        }
    }
}

pub(crate) struct StemAndFoldStream<'a, T> {
    tail: T,
    word: &'a mut TextAnalyzer,
    seen: &'a mut HashMap<String, String>,
}

impl<T: TokenStream> TokenStream for StemAndFoldStream<'_, T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        if let Some(stem) = self.seen.get(&token.text) {
            token.text.clear();
            token.text.push_str(stem);
            return true;
        }
        let mut stem = String::new();
        let mut one = self.word.token_stream(&token.text);
        if one.advance() {
            stem.push_str(&one.token().text);
        }
        drop(one);
        if self.seen.len() < REMEMBERED {
            self.seen.insert(std::mem::take(&mut token.text), stem.clone());
        }
        token.text = stem;
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::tokens;
    use tantivy::tokenizer::{LowerCaser, SimpleTokenizer};

    #[test]
    fn remembering_changes_no_token() {
        let text = "Running runners ran; the RUNNING café's cafés, naïve naively \
                    Zürich's Zürich, running again and again, Ελληνικά λέξεις";
        for language in [Language::English, Language::German, Language::Greek] {
            let mut plain = TextAnalyzer::builder(SimpleTokenizer::default())
                .filter(LowerCaser)
                .filter(Stemmer::new(language))
                .filter(AsciiFoldingFilter)
                .build();
            let mut cached = TextAnalyzer::builder(SimpleTokenizer::default())
                .filter(LowerCaser)
                .filter(StemAndFold::new(language))
                .build();
            let want = tokens(&mut plain, text);
            // Twice: the second time every word comes from what was remembered.
            assert_eq!(tokens(&mut cached, text), want, "{language:?}");
            assert_eq!(tokens(&mut cached, text), want, "{language:?}");
            assert!(want.contains(&"run".to_owned()) || language != Language::English);
        }
    }
}
