//! What a Ghost import did, kind by kind, what it left out and why, and what went wrong
//! where.

use crate::report::{Counts, Problem};
use std::fmt;

/// The kinds a Ghost export holds that Byline imports, in the report's order.
pub const KINDS: &[&str] = &[
    "settings",
    "authors",
    "tags",
    "labels",
    "tiers",
    "newsletters",
    "members",
    "pages",
    "articles",
    "comments",
    "redirects",
];

#[derive(Debug, Default, Clone)]
pub struct GhostReport {
    /// Ghost's version as the export states it.
    pub version: String,
    /// Nothing was written: the counts say what an import would do.
    pub dry_run: bool,
    /// The file could not be read at all (the error says why); nothing was imported.
    pub unreadable: bool,
    /// Counts per kind, in [`KINDS`] order.
    pub counts: Vec<(&'static str, Counts)>,
    /// Rows of the export that Byline does not import: (what, how many, why).
    pub skipped: Vec<(String, usize, String)>,
    pub errors: Vec<Problem>,
    pub warnings: Vec<Problem>,
}

impl GhostReport {
    pub(crate) fn new(dry_run: bool) -> Self {
        Self {
            dry_run,
            counts: KINDS.iter().map(|k| (*k, Counts::default())).collect(),
            ..Self::default()
        }
    }

    /// The counts of one kind.
    pub fn kind(&self, kind: &str) -> Counts {
        self.counts.iter().find(|(k, _)| *k == kind).map(|(_, c)| *c).unwrap_or_default()
    }

    pub(crate) fn counts_mut(&mut self, kind: &str) -> &mut Counts {
        let i = self.counts.iter().position(|(k, _)| *k == kind).unwrap_or(0);
        &mut self.counts[i].1
    }

    pub(crate) fn fail(&mut self, kind: &str, p: Problem) {
        self.counts_mut(kind).failed += 1;
        self.errors.push(p);
    }

    /// Every failed item, of every kind (and 1 for a file that could not be read).
    pub fn failed(&self) -> usize {
        self.counts.iter().map(|(_, c)| c.failed).sum::<usize>() + usize::from(self.unreadable)
    }
}

impl fmt::Display for GhostReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for w in &self.warnings {
            writeln!(f, "warning: {w}")?;
        }
        for e in &self.errors {
            writeln!(f, "error: {e}")?;
        }
        if self.unreadable {
            return writeln!(f, "nothing was imported");
        }
        for (what, n, why) in &self.skipped {
            writeln!(f, "skipped: {n} {what}: {why}")?;
        }
        writeln!(
            f,
            "Ghost {} export{}",
            self.version,
            if self.dry_run { " (dry run: nothing was written)" } else { "" }
        )?;
        let created = if self.dry_run { "to import" } else { "created" };
        for (kind, c) in &self.counts {
            writeln!(
                f,
                "{kind:<11} {:>6} {created} {:>6} updated {:>6} unchanged {:>6} failed",
                c.created, c.updated, c.unchanged, c.failed
            )?;
        }
        Ok(())
    }
}
