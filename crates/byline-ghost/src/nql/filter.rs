//! A parsed filter checked against a resource's fields and made ready to match records.

use super::{Cond, Expr, Literal, NqlError, Op, Relative};
use chrono::{DateTime, Duration, Months, NaiveDate, NaiveDateTime, Utc};

/// What a field holds, which decides how its values are read and compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Bool,
    Date,
    Number,
}

/// One value of a record's field. A field with no values is `null`.
#[derive(Debug, Clone, PartialEq)]
pub enum Atom {
    Null,
    Text(String),
    Bool(bool),
    Date(DateTime<Utc>),
    Number(f64),
}

/// Something a filter can match: the values of a field by its canonical name (a list for
/// fields such as `tags`).
pub trait Record {
    fn values(&self, field: &str) -> Vec<Atom>;
}

/// A filter ready to run.
#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    And(Vec<Filter>),
    Or(Vec<Filter>),
    Cond { field: &'static str, negated: bool, op: Op, values: Vec<Atom> },
}

/// Checks `expr` against `fields` (`(name as written, canonical name, kind)`: aliases such
/// as `tag` for `tags.slug` are rows of their own) and resolves relative dates from `now`.
pub fn compile(
    expr: &Expr,
    fields: &[(&str, &'static str, Kind)],
    now: DateTime<Utc>,
) -> Result<Filter, NqlError> {
    Ok(match expr {
        Expr::And(items) => {
            Filter::And(items.iter().map(|e| compile(e, fields, now)).collect::<Result<_, _>>()?)
        }
        Expr::Or(items) => {
            Filter::Or(items.iter().map(|e| compile(e, fields, now)).collect::<Result<_, _>>()?)
        }
        Expr::Cond(c) => condition(c, fields, now)?,
    })
}

fn condition(
    c: &Cond,
    fields: &[(&str, &'static str, Kind)],
    now: DateTime<Utc>,
) -> Result<Filter, NqlError> {
    let Some(&(_, field, kind)) = fields.iter().find(|(name, _, _)| *name == c.field) else {
        let known: Vec<&str> = fields.iter().map(|(n, _, _)| *n).collect();
        return Err(NqlError::new(
            c.at,
            format!("{:?} cannot be filtered on; the fields are: {}", c.field, known.join(", ")),
        ));
    };
    let ordered = matches!(c.op, Op::Gt | Op::Gte | Op::Lt | Op::Lte);
    let textual = matches!(c.op, Op::Contains | Op::StartsWith | Op::EndsWith);
    if ordered && kind == Kind::Bool {
        return Err(NqlError::new(c.at, format!("{field} is true or false; it has no order")));
    }
    if textual && kind != Kind::Text {
        return Err(NqlError::new(c.at, format!("~ only applies to text, and {} is not", c.field)));
    }
    let values = c
        .values
        .iter()
        .map(|v| typed(v, kind, now).map_err(|m| NqlError::new(c.at, format!("{}: {m}", c.field))))
        .collect::<Result<Vec<_>, _>>()?;
    if (ordered || textual) && values.contains(&Atom::Null) {
        return Err(NqlError::new(c.at, format!("{}: null cannot be compared", c.field)));
    }
    Ok(Filter::Cond { field, negated: c.negated, op: c.op, values })
}

fn typed(v: &Literal, kind: Kind, now: DateTime<Utc>) -> Result<Atom, String> {
    Ok(match (kind, v) {
        (_, Literal::Null) => Atom::Null,
        (Kind::Text, Literal::Text(t)) => Atom::Text(t.to_lowercase()),
        (Kind::Text, Literal::Number(n)) => Atom::Text(n.to_string()),
        (Kind::Text, Literal::Bool(b)) => Atom::Text(b.to_string()),
        (Kind::Text, Literal::Relative(r)) => Atom::Text(r.raw.to_lowercase()),
        (Kind::Bool, Literal::Bool(b)) => Atom::Bool(*b),
        (Kind::Bool, other) => return Err(format!("expected true or false, not {other:?}")),
        (Kind::Number, Literal::Number(n)) => Atom::Number(*n),
        (Kind::Number, other) => return Err(format!("expected a number, not {other:?}")),
        (Kind::Date, Literal::Relative(r)) => Atom::Date(shift(now, r)?),
        (Kind::Date, Literal::Text(t)) => Atom::Date(date(t)?),
        (Kind::Date, other) => {
            return Err(format!("expected a date ('2024-05-01', now-30d), not {other:?}"));
        }
    })
}

fn shift(now: DateTime<Utc>, r: &Relative) -> Result<DateTime<Utc>, String> {
    let out_of_range = || format!("{} is out of range", r.raw);
    let n = r.amount;
    let months = |m: i64| -> Result<DateTime<Utc>, String> {
        let m = u32::try_from(m.unsigned_abs()).map_err(|_| out_of_range())?;
        if n < 0 {
            now.checked_sub_months(Months::new(m))
        } else {
            now.checked_add_months(Months::new(m))
        }
        .ok_or_else(out_of_range)
    };
    let span = match r.unit {
        'y' => return months(n * 12),
        'M' => return months(n),
        'w' => Duration::try_weeks(n),
        'd' => Duration::try_days(n),
        'h' => Duration::try_hours(n),
        'm' => Duration::try_minutes(n),
        _ => Duration::try_seconds(n),
    };
    span.and_then(|d| now.checked_add_signed(d)).ok_or_else(out_of_range)
}

/// `2024-05-01`, `2024-05-01 10:00:00`, `2024-05-01T10:00:00` or RFC 3339, taken as UTC
/// when no offset is given.
fn date(t: &str) -> Result<DateTime<Utc>, String> {
    if let Ok(d) = DateTime::parse_from_rfc3339(t) {
        return Ok(d.with_timezone(&Utc));
    }
    for f in ["%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M"] {
        if let Ok(d) = NaiveDateTime::parse_from_str(t, f) {
            return Ok(d.and_utc());
        }
    }
    NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|d| d.and_utc())
        .ok_or_else(|| format!("{t:?} is not a date (expected 2024-05-01 or 2024-05-01 10:00:00)"))
}

impl Filter {
    pub fn matches(&self, r: &dyn Record) -> bool {
        match self {
            Filter::And(items) => items.iter().all(|f| f.matches(r)),
            Filter::Or(items) => items.iter().any(|f| f.matches(r)),
            Filter::Cond { field, negated, op, values } => {
                let mut have = r.values(field);
                if have.is_empty() {
                    have.push(Atom::Null);
                }
                let hit = have.iter().any(|h| values.iter().any(|v| holds(h, *op, v)));
                hit != *negated
            }
        }
    }
}

fn holds(have: &Atom, op: Op, want: &Atom) -> bool {
    use std::cmp::Ordering::*;
    let text = |a: &Atom| match a {
        Atom::Text(t) => Some(t.to_lowercase()),
        _ => None,
    };
    match op {
        Op::Eq | Op::In => match (have, want) {
            (Atom::Text(h), Atom::Text(w)) => h.to_lowercase() == *w,
            (Atom::Date(h), Atom::Date(w)) => h == w,
            _ => have == want,
        },
        Op::Contains | Op::StartsWith | Op::EndsWith => {
            let (Some(h), Some(w)) = (text(have), text(want)) else { return false };
            match op {
                Op::Contains => h.contains(&w),
                Op::StartsWith => h.starts_with(&w),
                _ => h.ends_with(&w),
            }
        }
        Op::Gt | Op::Gte | Op::Lt | Op::Lte => {
            let ord = match (have, want) {
                (Atom::Date(h), Atom::Date(w)) => h.cmp(w),
                (Atom::Number(h), Atom::Number(w)) => match h.partial_cmp(w) {
                    Some(o) => o,
                    None => return false,
                },
                (Atom::Text(h), Atom::Text(w)) => h.to_lowercase().cmp(w),
                _ => return false,
            };
            match op {
                Op::Gt => ord == Greater,
                Op::Gte => ord != Less,
                Op::Lt => ord == Less,
                _ => ord != Greater,
            }
        }
    }
}
