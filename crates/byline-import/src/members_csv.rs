//! Members to and from CSV files in Ghost's columns: `email, name, note, subscribed_to_emails,
//! complimentary_plan, stripe_customer_id, labels, created_at` (any order; only `email` is
//! required). Every row is checked first; a bad row is reported with its line and reason and
//! the rest are imported, each in its own transaction, so nothing saved is lost. Importing
//! the same file again updates members instead of adding copies. Other columns (Ghost's
//! `id`, `tiers`, `deleted_at` …) are ignored with a note. [`write_members`] writes the same
//! columns (kept here, beside the reader, so that the two round-trip); `subscribed_to_emails`
//! says whether the member receives any newsletter, which an import turns back into the
//! default newsletters (`true`) or none (`false`).

use crate::report::Problem;
use byline_core::audit::Actor;
use byline_core::members::{GrantSource, Member, MemberInput};
use byline_store::{ImportOutcome, ImportedMember, Store, StoreError};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use std::collections::HashMap;
use std::fmt;
use std::io::Write;

pub use byline_core::member_list::CSV_COLUMNS as COLUMNS;

/// A row that passed every check, with the line it starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberRow {
    pub line: usize,
    pub member: ImportedMember,
}

/// What reading (and importing) a members file did.
#[derive(Debug, Default, Clone)]
pub struct MembersReport {
    /// Rows that passed every check.
    pub valid: usize,
    pub added: usize,
    pub updated: usize,
    /// Bad rows (and a bad file), each with its line and reason.
    pub errors: Vec<Problem>,
    /// Things read with a caveat (an ignored column).
    pub notes: Vec<Problem>,
    /// Nothing was written.
    pub dry_run: bool,
}

impl fmt::Display for MembersReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for n in &self.notes {
            writeln!(f, "note: {n}")?;
        }
        for e in &self.errors {
            writeln!(f, "error: {e}")?;
        }
        if self.dry_run {
            write!(f, "dry run: {} row(s) would be imported, {} bad", self.valid, self.errors.len())
        } else {
            write!(
                f,
                "members: {} added, {} updated, {} bad row(s)",
                self.added,
                self.updated,
                self.errors.len()
            )
        }
    }
}

/// Checks every row of `bytes` (a CSV file called `name`, for messages).
pub fn read(name: &str, bytes: &[u8]) -> (Vec<MemberRow>, MembersReport) {
    let mut report = MembersReport::default();
    let problem =
        |line: Option<usize>, message: String| Problem { path: name.to_owned(), line, message };
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
    let headers = match reader.headers() {
        Ok(h) => h.iter().map(|h| h.trim().to_ascii_lowercase()).collect::<Vec<_>>(),
        Err(e) => {
            report.errors.push(problem(Some(1), format!("the header row cannot be read: {e}")));
            return (Vec::new(), report);
        }
    };
    let Some(_) = headers.iter().position(|h| h == "email") else {
        report.errors.push(problem(
            Some(1),
            format!("there is no `email` column (the columns are: {})", headers.join(", ")),
        ));
        return (Vec::new(), report);
    };
    for h in &headers {
        if !COLUMNS.contains(&h.as_str()) {
            report.notes.push(problem(
                Some(1),
                format!("column `{h}` is not one Byline reads; its values are ignored"),
            ));
        }
    }
    let mut rows = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut record = csv::StringRecord::new();
    loop {
        let line = reader.position().line() as usize;
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map_or(line, |p| p.line() as usize);
                report.errors.push(problem(Some(line), format!("cannot be read: {e}")));
                if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                    break;
                }
                continue;
            }
        }
        let line = record.position().map_or(line, |p| p.line() as usize);
        if record.iter().all(|v| v.trim().is_empty()) {
            continue;
        }
        if record.len() != headers.len() {
            report.errors.push(problem(
                Some(line),
                format!(
                    "has {} values but the header names {} columns",
                    record.len(),
                    headers.len()
                ),
            ));
            continue;
        }
        let get = |col: &str| {
            headers
                .iter()
                .position(|h| h == col)
                .and_then(|i| record.get(i))
                .map(str::trim)
                .filter(|v| !v.is_empty())
        };
        match check_row(&get) {
            Err(reasons) => report.errors.push(problem(Some(line), reasons.join("; "))),
            Ok(member) => {
                if let Some(first) = seen.get(&member.fields.email) {
                    report.errors.push(problem(
                        Some(line),
                        format!("email: {} is on line {first} already", member.fields.email),
                    ));
                    continue;
                }
                seen.insert(member.fields.email.clone(), line);
                rows.push(MemberRow { line, member });
            }
        }
    }
    report.valid = rows.len();
    (rows, report)
}

/// One row's values, checked; or every reason it is bad, each naming its column.
fn check_row<'a>(get: &dyn Fn(&str) -> Option<&'a str>) -> Result<ImportedMember, Vec<String>> {
    let mut reasons = Vec::new();
    let input = MemberInput {
        email: get("email").unwrap_or_default().to_owned(),
        name: get("name").map(str::to_owned),
        note: get("note").map(str::to_owned),
        labels: get("labels")
            .map(|l| l.split(',').map(|s| s.trim().to_owned()).collect())
            .unwrap_or_default(),
    };
    let fields = input.validate().map_err(|e| {
        for f in e.0 {
            reasons.push(format!("{}: {}", f.field, f.message));
        }
    });
    let mut flag = |col: &str| match get(col).map(str::to_ascii_lowercase).as_deref() {
        None | Some("false" | "0" | "no") => false,
        Some("true" | "1" | "yes") => true,
        Some(other) => {
            reasons.push(format!("{col}: must be true or false, not {other:?}"));
            false
        }
    };
    let complimentary = flag("complimentary_plan");
    let subscribed = get("subscribed_to_emails").is_some().then(|| flag("subscribed_to_emails"));
    let stripe_customer_id = get("stripe_customer_id").map(str::to_owned);
    if let Some(id) = &stripe_customer_id
        && (!id.starts_with("cus_") || id.chars().any(|c| !c.is_ascii_alphanumeric() && c != '_'))
    {
        reasons.push(format!("stripe_customer_id: {id:?} is not a Stripe customer id (cus_…)"));
    }
    let created_at = match get("created_at").map(parse_time) {
        None => None,
        Some(Ok(t)) => Some(t),
        Some(Err(e)) => {
            reasons.push(format!("created_at: {e}"));
            None
        }
    };
    match fields {
        Ok(fields) if reasons.is_empty() => Ok(ImportedMember {
            fields,
            complimentary,
            stripe_customer_id,
            created_at,
            subscribed,
            newsletters: None,
        }),
        _ => Err(reasons),
    }
}

/// A time as Ghost writes it (`2021-03-04T05:06:07.000Z`), any RFC 3339 time, a
/// `YYYY-MM-DD HH:MM:SS` (UTC) or a plain date.
fn parse_time(s: &str) -> Result<DateTime<Utc>, String> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    if let Ok(t) = NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S") {
        return Ok(t.and_utc());
    }
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Ok(d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc());
    }
    Err(format!("{s:?} is not a date (write 2021-03-04T05:06:07Z or 2021-03-04)"))
}

/// Reads `bytes` and imports every good row (unless `dry_run`). Rows the store refuses
/// are reported by line like bad ones; a database that cannot be reached stops the import.
pub async fn import(
    store: &Store,
    name: &str,
    bytes: &[u8],
    dry_run: bool,
    actor: Option<&Actor>,
) -> Result<MembersReport, StoreError> {
    let (rows, mut report) = read(name, bytes);
    report.dry_run = dry_run;
    if dry_run {
        return Ok(report);
    }
    for row in rows {
        match store.import_member(&row.member, actor).await {
            Ok(ImportOutcome::Added) => report.added += 1,
            Ok(ImportOutcome::Updated) => report.updated += 1,
            Err(
                e
                @ (StoreError::Invalid(_) | StoreError::Conflict(_) | StoreError::NotFound { .. }),
            ) => report.errors.push(Problem {
                path: name.to_owned(),
                line: Some(row.line),
                message: e.to_string(),
            }),
            Err(other) => return Err(other),
        }
    }
    report.errors.sort_by_key(|p| p.line);
    Ok(report)
}

/// Writes `members` with a header row to `out`; `subscribed` holds the ids of those who
/// receive at least one newsletter (`Store::members_subscribed`).
pub fn write_members<W: Write>(
    members: &[Member],
    subscribed: &std::collections::HashSet<i64>,
    out: W,
) -> Result<(), csv::Error> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(COLUMNS)?;
    let now = Utc::now();
    for m in members {
        let comped = m.grants.iter().any(|g| g.source == GrantSource::Comp && g.is_current(now));
        w.write_record([
            m.email.as_str(),
            m.name.as_deref().unwrap_or(""),
            m.note.as_deref().unwrap_or(""),
            if subscribed.contains(&m.id) { "true" } else { "false" },
            if comped { "true" } else { "false" },
            m.stripe_customer_id.as_deref().unwrap_or(""),
            &m.labels.join(","),
            &m.created_at.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
        ])?;
    }
    w.flush()?;
    Ok(())
}
