//! What an import did, item by item kind, and what went wrong where.

use byline_store::{Outcome, Recorded};
use std::fmt;

/// Created, updated, unchanged and failed items of one kind.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub failed: usize,
}

impl Counts {
    pub(crate) fn add(&mut self, o: Outcome) {
        match o {
            Outcome::Created => self.created += 1,
            Outcome::Updated => self.updated += 1,
            Outcome::Unchanged => self.unchanged += 1,
        }
    }

    /// Adds what the store says a batch write did (old addresses, comments).
    pub(crate) fn add_recorded(&mut self, r: Recorded) {
        self.created += r.created as usize;
        self.updated += r.updated as usize;
        self.unchanged += r.unchanged as usize;
    }
}

/// Something wrong with one file: where, and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub path: String,
    /// 1-based line in the file, where known.
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(l) => write!(f, "{}:{l}: {}", self.path, self.message),
            None => write!(f, "{}: {}", self.path, self.message),
        }
    }
}

#[derive(Debug, Default, Clone)]
pub struct Report {
    pub settings: Counts,
    pub authors: Counts,
    pub pages: Counts,
    pub articles: Counts,
    /// Taxonomies and terms (a site's taxonomies, its sections, described tags).
    pub terms: Counts,
    /// Members, their labels and tiers (a Byline export).
    pub members: Counts,
    /// Media library entries and files (a Byline export).
    pub media: Counts,
    /// Old addresses that now redirect.
    pub redirects: Counts,
    /// Newsletters (a Byline export).
    pub newsletters: Counts,
    /// Comments (a Byline export).
    pub comments: Counts,
    /// Nothing was written: the counts say what an import would do.
    pub dry_run: bool,
    /// Files that were not imported, and why.
    pub errors: Vec<Problem>,
    /// Things imported with a caveat (an ignored key, a skipped file).
    pub warnings: Vec<Problem>,
}

impl Report {
    pub fn total(&self) -> Counts {
        let all = [
            self.settings,
            self.authors,
            self.pages,
            self.articles,
            self.terms,
            self.members,
            self.media,
            self.redirects,
            self.newsletters,
            self.comments,
        ];
        all.iter().fold(Counts::default(), |acc, c| Counts {
            created: acc.created + c.created,
            updated: acc.updated + c.updated,
            unchanged: acc.unchanged + c.unchanged,
            failed: acc.failed + c.failed,
        })
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for w in &self.warnings {
            writeln!(f, "warning: {w}")?;
        }
        for e in &self.errors {
            writeln!(f, "error: {e}")?;
        }
        let row = |f: &mut fmt::Formatter<'_>, name: &str, c: Counts| {
            writeln!(
                f,
                "{name:<9} {:>5} created {:>5} updated {:>5} unchanged {:>5} failed",
                c.created, c.updated, c.unchanged, c.failed
            )
        };
        row(f, "settings", self.settings)?;
        row(f, "authors", self.authors)?;
        row(f, "pages", self.pages)?;
        row(f, "articles", self.articles)?;
        if self.terms != Counts::default() {
            row(f, "terms", self.terms)?;
        }
        if self.members != Counts::default() {
            row(f, "members", self.members)?;
        }
        if self.media != Counts::default() {
            row(f, "media", self.media)?;
        }
        for (name, c) in [
            ("redirects", self.redirects),
            ("newsletters", self.newsletters),
            ("comments", self.comments),
        ] {
            if c != Counts::default() {
                row(f, name, c)?;
            }
        }
        row(f, "total", self.total())?;
        if self.dry_run {
            writeln!(f, "dry run: nothing was written (\"created\" counts what would be written)")?;
        }
        Ok(())
    }
}
