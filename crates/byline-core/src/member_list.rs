//! What staff ask of the member list: search and filters ([`MemberQuery`]), the counts by
//! standing, labels with their use, and the dashboard's figures (members over time, paid
//! members, monthly recurring revenue).

use crate::error::{Checker, Invalid};
use crate::members::MemberStatus;
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use serde::Serialize;

/// The columns of a members CSV file, in Ghost's order: what imports read and exports write.
pub const CSV_COLUMNS: [&str; 8] = [
    "email",
    "name",
    "note",
    "subscribed_to_emails",
    "complimentary_plan",
    "stripe_customer_id",
    "labels",
    "created_at",
];

/// Search and filters for the member list; every part is optional.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemberQuery {
    /// Part of an email address or name, any case.
    pub search: Option<String>,
    /// The slug of a tier held now (`free`: members with no paid tier).
    pub tier: Option<String>,
    pub status: Option<MemberStatus>,
    /// The slug of a label.
    pub label: Option<String>,
    /// Joined on or after this moment.
    pub joined_from: Option<DateTime<Utc>>,
    /// Joined before this moment.
    pub joined_until: Option<DateTime<Utc>>,
}

impl MemberQuery {
    /// Reads the filters as typed in a form, a query string or on the command line: a
    /// status word, dates as `YYYY-MM-DD` (the `until` day is included). Errors name the
    /// field.
    pub fn parse(
        search: Option<&str>,
        tier: Option<&str>,
        status: Option<&str>,
        label: Option<&str>,
        joined_from: Option<&str>,
        joined_until: Option<&str>,
    ) -> Result<MemberQuery, Invalid> {
        let mut c = Checker::default();
        let some = |s: Option<&str>| s.map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned);
        let status = match some(status) {
            None => None,
            Some(s) => match MemberStatus::parse(&s.to_ascii_lowercase()) {
                Some(st) => Some(st),
                None => {
                    c.fail("status", format!("must be free, paid or comped, not {s:?}"));
                    None
                }
            },
        };
        let mut day = |field: &str, s: Option<String>, next: bool| {
            let s = s?;
            match parse_day(&s) {
                Ok(d) => Some(if next { d + chrono::Duration::days(1) } else { d }),
                Err(e) => {
                    c.fail(field, e);
                    None
                }
            }
        };
        let joined_from = day("joined_from", some(joined_from), false);
        let joined_until = day("joined_until", some(joined_until), true);
        c.finish(MemberQuery {
            search: some(search),
            tier: some(tier),
            status,
            label: some(label),
            joined_from,
            joined_until,
        })
    }
}

/// The start (UTC) of a day written `YYYY-MM-DD`, or why it is not one.
pub fn parse_day(s: &str) -> Result<DateTime<Utc>, String> {
    let d = NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| format!("{:?} is not a date (write YYYY-MM-DD)", s.trim()))?;
    Ok(Utc.from_utc_datetime(&d.and_hms_opt(0, 0, 0).unwrap_or_default()))
}

/// How many members there are, by standing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct MemberCounts {
    pub total: u64,
    pub free: u64,
    pub paid: u64,
    pub comped: u64,
}

/// A label with the number of members who carry it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LabelUse {
    pub slug: String,
    pub name: String,
    pub members: u64,
}

/// Money per month in one currency (smallest unit, e.g. cents).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Monthly {
    pub currency: String,
    pub amount: i64,
}

/// The dashboard's member figures.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct MemberFigures {
    /// Members at the end of each day, oldest first.
    pub over_time: Vec<(NaiveDate, u64)>,
    pub counts: MemberCounts,
    /// Monthly recurring revenue from live Stripe subscriptions, per currency (yearly
    /// prices count a twelfth).
    pub mrr: Vec<Monthly>,
}

/// A subscription's price as a monthly amount: yearly ones count a twelfth (rounded).
pub fn monthly_amount(amount: i64, cadence: Option<&str>) -> i64 {
    match cadence {
        Some("year") => (amount + 6) / 12,
        _ => amount,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_parse_and_name_what_is_wrong() {
        let q = MemberQuery::parse(
            Some(" ann "),
            None,
            Some("Paid"),
            Some(""),
            Some("2024-01-02"),
            Some("2024-01-31"),
        )
        .unwrap();
        assert_eq!(q.search.as_deref(), Some("ann"));
        assert_eq!(q.status, Some(MemberStatus::Paid));
        assert_eq!(q.label, None);
        assert_eq!(q.joined_until.unwrap().format("%F").to_string(), "2024-02-01");
        let e = MemberQuery::parse(None, None, Some("gold"), None, Some("2024-13-01"), None)
            .unwrap_err();
        let fields: Vec<_> = e.0.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["status", "joined_from"]);
        assert!(e.to_string().contains("YYYY-MM-DD"), "{e}");
    }

    #[test]
    fn yearly_prices_count_a_twelfth() {
        assert_eq!(monthly_amount(500, Some("month")), 500);
        assert_eq!(monthly_amount(6000, Some("year")), 500);
        assert_eq!(monthly_amount(1000, Some("year")), 83);
    }
}
