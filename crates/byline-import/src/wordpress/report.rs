//! What a WordPress import did, per kind, and what went wrong where (file and line).

use crate::report::{Counts, Problem};
use std::fmt;

#[derive(Debug, Default, Clone)]
pub struct WxrReport {
    /// Nothing was written: the counts say what would have been saved.
    pub dry_run: bool,
    pub authors: Counts,
    pub terms: Counts,
    pub articles: Counts,
    pub pages: Counts,
    pub media: Counts,
    /// Old addresses kept so they answer 301.
    pub redirects: Counts,
    /// Comments on posts (pingbacks and trackbacks are skipped).
    pub comments: Counts,
    /// Items not imported on purpose, by what they were (`pingbacks and trackbacks`).
    pub skipped: Vec<(String, usize)>,
    pub errors: Vec<Problem>,
    pub warnings: Vec<Problem>,
}

impl WxrReport {
    pub(crate) fn skip(&mut self, what: &str, n: usize) {
        if n == 0 {
            return;
        }
        match self.skipped.iter_mut().find(|(w, _)| w == what) {
            Some((_, c)) => *c += n,
            None => self.skipped.push((what.to_owned(), n)),
        }
    }

    /// How many of anything failed.
    pub fn failed(&self) -> usize {
        let all = [
            self.authors,
            self.terms,
            self.articles,
            self.pages,
            self.media,
            self.redirects,
            self.comments,
        ];
        all.iter().map(|c| c.failed).sum()
    }
}

impl fmt::Display for WxrReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for w in &self.warnings {
            writeln!(f, "warning: {w}")?;
        }
        for e in &self.errors {
            writeln!(f, "error: {e}")?;
        }
        if self.dry_run {
            writeln!(f, "dry run: nothing was written; \"created\" counts what would be saved")?;
        }
        let row = |f: &mut fmt::Formatter<'_>, name: &str, c: Counts| {
            writeln!(
                f,
                "{name:<9} {:>6} created {:>6} updated {:>6} unchanged {:>6} failed",
                c.created, c.updated, c.unchanged, c.failed
            )
        };
        row(f, "authors", self.authors)?;
        row(f, "terms", self.terms)?;
        row(f, "articles", self.articles)?;
        row(f, "pages", self.pages)?;
        row(f, "media", self.media)?;
        row(f, "redirects", self.redirects)?;
        row(f, "comments", self.comments)?;
        for (what, n) in &self.skipped {
            writeln!(f, "skipped   {n:>6} {what}")?;
        }
        Ok(())
    }
}
