//! NQL, the filter language of Ghost's Content API (`tag:news+featured:true`,
//! `published_at:>now-30d`, `slug:[a,b]`, `(tag:a,tag:b)+-author:c`): the tree
//! ([`parse`]), then [`compile`] against the fields a resource allows (types checked,
//! dates resolved), then [`Filter::matches`] on records. Every mistake is an [`NqlError`]
//! that says what and where; nothing here panics on any input.

mod filter;
mod parse;

pub use filter::{Atom, Filter, Kind, Record, compile};
pub use parse::parse;

/// A filter as written.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    And(Vec<Expr>),
    Or(Vec<Expr>),
    Cond(Cond),
}

/// `field:value`, `field:-value`, `field:>value`, `field:[a,b]` …
#[derive(Debug, Clone, PartialEq)]
pub struct Cond {
    /// Where the field's name starts (0-based character).
    pub at: usize,
    pub field: String,
    pub negated: bool,
    pub op: Op,
    /// One value, or the members of a `[list]` (then `op` is `In`).
    pub values: Vec<Literal>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    In,
    Gt,
    Gte,
    Lt,
    Lte,
    /// `~`
    Contains,
    /// `~^`
    StartsWith,
    /// `~$`
    EndsWith,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    Null,
    Bool(bool),
    Number(f64),
    Text(String),
    Relative(Relative),
}

/// `now-30d`: an amount of a unit (y, M, w, d, h, m, s) from the time of the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Relative {
    pub amount: i64,
    pub unit: char,
    /// As written, for fields that take text.
    pub raw: String,
}

/// What is wrong with a filter, and at which character (0-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NqlError {
    pub at: usize,
    pub message: String,
}

impl NqlError {
    pub fn new(at: usize, message: impl Into<String>) -> Self {
        Self { at, message: message.into() }
    }
}

impl std::fmt::Display for NqlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} (at character {})", self.message, self.at + 1)
    }
}

impl std::error::Error for NqlError {}
