//! The publication's comment settings and what they decide: whether comments are open on
//! an article now and when they close, what becomes of a new comment (approved, held and
//! why, or refused), and where a reply is kept.

use super::{CommentMode, MAX_DEPTH, Refusal};
use crate::article::Article;
use crate::error::Invalid;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// The publication's comment settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommentSettings {
    pub mode: CommentMode,
    /// The deepest a reply nests (1: no replies nest; default 3).
    pub depth: u32,
    /// Comments close this many days after an article is published (`None`: never).
    pub close_after_days: Option<u32>,
    /// Hold the first comment of a member who has none approved yet.
    pub hold_first: bool,
    /// Hold a comment with more links than this.
    pub max_links: u32,
    /// Hold a comment containing any of these words or phrases.
    pub hold_words: Vec<String>,
    /// Refuse a comment containing any of these words or phrases.
    pub blocked_words: Vec<String>,
    /// Top-level comments a page shows.
    pub per_page: u32,
}

impl Default for CommentSettings {
    fn default() -> Self {
        Self {
            mode: CommentMode::Members,
            depth: 3,
            close_after_days: None,
            hold_first: true,
            max_links: 2,
            hold_words: Vec::new(),
            blocked_words: Vec::new(),
            per_page: 50,
        }
    }
}

impl CommentSettings {
    /// Checks the numbers and tidies the word lists (trimmed, lower case, no blanks or
    /// repeats).
    pub fn validate(mut self) -> Result<Self, Invalid> {
        let mut errors = Vec::new();
        if !(1..=MAX_DEPTH).contains(&self.depth) {
            errors.push(crate::error::FieldError::new(
                "depth",
                format!("must be from 1 to {MAX_DEPTH}, not {}", self.depth),
            ));
        }
        if !(1..=500).contains(&self.per_page) {
            errors.push(crate::error::FieldError::new(
                "per_page",
                format!("must be from 1 to 500, not {}", self.per_page),
            ));
        }
        if self.close_after_days == Some(0) {
            self.close_after_days = None;
        }
        if self.max_links > 100 {
            errors.push(crate::error::FieldError::new("max_links", "must be 100 or fewer"));
        }
        self.hold_words = word_list(&self.hold_words);
        self.blocked_words = word_list(&self.blocked_words);
        if errors.is_empty() { Ok(self) } else { Err(Invalid(errors)) }
    }

    /// Are comments open on this article at `now`? Its own switch and its own closing
    /// age (which overrides the publication's; 0 never closes) decide, after the mode.
    pub fn open_on(&self, article: &Article, now: DateTime<Utc>) -> Result<(), Refusal> {
        self.open_with(
            article.comments,
            article.comments_close_after_days,
            article.published_at,
            now,
        )
    }

    /// [`CommentSettings::open_on`] from the article's fields: `switch` (`Some(false)`
    /// closes), `close_after_days` (the article's own; `Some(0)`: never by age) and when it
    /// was published.
    pub fn open_with(
        &self,
        switch: Option<bool>,
        close_after_days: Option<u32>,
        published_at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Result<(), Refusal> {
        if self.mode == CommentMode::Off {
            return Err(Refusal::Off);
        }
        if switch == Some(false) {
            return Err(Refusal::ClosedByArticle);
        }
        if self.closes_at(close_after_days, published_at).is_some_and(|at| now > at) {
            return Err(Refusal::ClosedByAge);
        }
        Ok(())
    }

    /// When comments on this article close by age: its publication plus its own closing
    /// age, or the publication's (`None`: never by age). Comments are open up to that
    /// moment and closed after it; a page saying they are open is true until then.
    pub fn closes_at_on(&self, article: &Article) -> Option<DateTime<Utc>> {
        self.closes_at(article.comments_close_after_days, article.published_at)
    }

    /// [`CommentSettings::closes_at_on`] from the article's fields.
    pub fn closes_at(
        &self,
        close_after_days: Option<u32>,
        published_at: Option<DateTime<Utc>>,
    ) -> Option<DateTime<Utc>> {
        let days = close_after_days.or(self.close_after_days).filter(|d| *d > 0)?;
        Some(published_at? + Duration::days(i64::from(days)))
    }

    /// What a new comment's verdict is, given its text and whether the member has had a
    /// comment approved before.
    pub fn judge(&self, body: &str, has_approved_before: bool) -> Verdict {
        let words = normalise(body);
        if let Some(w) = self.blocked_words.iter().find(|w| contains_word(&words, w)) {
            return Verdict::Refused(format!(
                "Your comment contains “{w}”, which this publication does not accept."
            ));
        }
        let mut why = Vec::new();
        if self.hold_first && !has_approved_before {
            why.push(HoldReason::FirstComment);
        }
        let links = count_links(body);
        if links > self.max_links as usize {
            why.push(HoldReason::Links { count: links, max: self.max_links });
        }
        if let Some(w) = self.hold_words.iter().find(|w| contains_word(&words, w)) {
            why.push(HoldReason::Word(w.clone()));
        }
        if why.is_empty() { Verdict::Approved } else { Verdict::Held(why) }
    }

    /// The parent a reply is kept under: `parent` itself unless it already sits at the
    /// deepest level (0 is top level), in which case the reply joins it there, beside it
    /// under the parent's parent (top level when threads do not nest).
    pub fn reply_parent(
        &self,
        parent: i64,
        parent_depth: u32,
        grandparent: Option<i64>,
    ) -> Option<i64> {
        if parent_depth + 1 >= self.depth { grandparent } else { Some(parent) }
    }
}

/// What becomes of a new comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Approved,
    Held(Vec<HoldReason>),
    /// Not kept; the reason is for the writer.
    Refused(String),
}

/// Why a comment waits for a moderator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HoldReason {
    FirstComment,
    Links {
        count: usize,
        max: u32,
    },
    Word(String),
    /// Reported by readers.
    Reported,
}

impl HoldReason {
    /// In words for the moderation queue.
    pub fn describe(&self) -> String {
        match self {
            HoldReason::FirstComment => "first comment of a new commenter".into(),
            HoldReason::Links { count, max } => format!("{count} links (more than {max})"),
            HoldReason::Word(w) => format!("contains the held word “{w}”"),
            HoldReason::Reported => "reported by a reader".into(),
        }
    }

    /// Several reasons as one line.
    pub fn describe_all(why: &[HoldReason]) -> String {
        why.iter().map(HoldReason::describe).collect::<Vec<_>>().join("; ")
    }
}

/// Lower case, letters and digits only, words separated by single spaces, with a space at
/// each end (so that " word " finds whole words).
fn normalise(text: &str) -> String {
    let mut out = String::from(" ");
    for ch in text.chars().flat_map(char::to_lowercase) {
        if ch.is_alphanumeric() {
            out.push(ch);
        } else if !out.ends_with(' ') {
            out.push(' ');
        }
    }
    if !out.ends_with(' ') {
        out.push(' ');
    }
    out
}

fn contains_word(normalised: &str, word: &str) -> bool {
    let w = normalise(word);
    !w.trim().is_empty() && normalised.contains(&w)
}

fn word_list(words: &[String]) -> Vec<String> {
    let mut out: Vec<String> = words
        .iter()
        .flat_map(|w| w.split(['\n', ',']))
        .map(|w| w.trim().to_lowercase())
        .filter(|w| !w.is_empty())
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Links in a comment: web addresses written out or linked.
pub fn count_links(body: &str) -> usize {
    let lower = body.to_lowercase();
    lower.matches("http://").count() + lower.matches("https://").count() + {
        // "www.example.org" without a scheme; not counted twice after one.
        lower.match_indices("www.").filter(|(i, _)| !lower[..*i].ends_with("//")).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closing_by_switch_and_age() {
        let now = Utc::now();
        let s = CommentSettings { close_after_days: Some(7), ..Default::default() };
        let ago = |d| Some(now - Duration::days(d));
        assert_eq!(s.open_with(None, None, ago(3), now), Ok(()));
        assert_eq!(s.open_with(Some(true), None, ago(8), now), Err(Refusal::ClosedByAge));
        assert_eq!(s.open_with(Some(false), None, ago(0), now), Err(Refusal::ClosedByArticle));
        // The article's own age overrides the publication's, longer or shorter; 0 never closes.
        assert_eq!(s.open_with(None, Some(30), ago(8), now), Ok(()));
        assert_eq!(s.open_with(None, Some(30), ago(31), now), Err(Refusal::ClosedByAge));
        assert_eq!(s.open_with(None, Some(0), ago(3000), now), Ok(()));
        let never = CommentSettings::default();
        assert_eq!(never.open_with(None, Some(2), ago(3), now), Err(Refusal::ClosedByAge));
        assert_eq!(never.open_with(None, None, ago(3000), now), Ok(()));
        let off = CommentSettings { mode: CommentMode::Off, ..Default::default() };
        assert_eq!(off.open_with(None, Some(0), None, now), Err(Refusal::Off));

        // Closed just after the moment it closes, open up to it.
        let at = now - Duration::days(7);
        assert_eq!(s.closes_at(None, Some(at)), Some(now));
        assert_eq!(s.open_with(None, None, Some(at), now), Ok(()));
        let later = now + Duration::milliseconds(1);
        assert_eq!(s.open_with(None, None, Some(at), later), Err(Refusal::ClosedByAge));
        assert_eq!(s.closes_at(Some(0), Some(at)), None);
        assert_eq!(never.closes_at(None, Some(at)), None);
        assert_eq!(s.closes_at(None, None), None);
    }

    #[test]
    fn verdicts() {
        let s = CommentSettings {
            hold_words: vec!["casino".into()],
            blocked_words: vec!["slur".into(), "two words".into()],
            ..Default::default()
        }
        .validate()
        .unwrap();
        assert_eq!(s.judge("Thoughtful reply", true), Verdict::Approved);
        assert_eq!(
            s.judge("Thoughtful reply", false),
            Verdict::Held(vec![HoldReason::FirstComment])
        );
        assert!(matches!(s.judge("what a SLUR!", true), Verdict::Refused(m) if m.contains("slur")));
        assert!(matches!(s.judge("two   Words here", true), Verdict::Refused(_)));
        // Whole words only.
        assert_eq!(s.judge("slurry is mud", true), Verdict::Approved);
        assert_eq!(
            s.judge("Casino night", true),
            Verdict::Held(vec![HoldReason::Word("casino".into())])
        );
        let links = "https://a.example https://b.example www.c.example";
        assert_eq!(count_links(links), 3);
        assert_eq!(
            s.judge(links, true),
            Verdict::Held(vec![HoldReason::Links { count: 3, max: 2 }])
        );
    }

    #[test]
    fn settings_are_checked() {
        let bad = CommentSettings { depth: 0, per_page: 0, ..Default::default() };
        assert_eq!(bad.validate().unwrap_err().0.len(), 2);
    }

    #[test]
    fn replies_stop_nesting_at_the_depth() {
        let s = CommentSettings::default();
        assert_eq!(s.reply_parent(5, 0, None), Some(5));
        assert_eq!(s.reply_parent(6, 1, Some(5)), Some(6));
        assert_eq!(s.reply_parent(7, 2, Some(6)), Some(6));
        let flat = CommentSettings { depth: 1, ..Default::default() };
        assert_eq!(flat.reply_parent(5, 0, None), None);
    }
}
