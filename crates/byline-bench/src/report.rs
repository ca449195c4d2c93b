//! The results of one run: every measure with Byline's value, the reference's, their ratio,
//! the target and whether it was met; the wrk table behind them; and where the
//! numbers came from (machine, tools, settings). Written as JSON and as Markdown.

use crate::tools::Machine;
use crate::wrk::{Load, WrkResult};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Serialize)]
pub struct Report {
    pub date: String,
    /// The command that reproduces the run.
    pub command: String,
    pub machine: Machine,
    /// Tool versions, or why a tool could not be used.
    pub tools: BTreeMap<String, String>,
    pub load: Load,
    pub seed: u64,
    pub sizes: Vec<SizeResult>,
    /// Things that concern the whole run (Ghost's installation, the binary's features).
    pub notes: Vec<String>,
}

/// Everything measured with one corpus size.
#[derive(Serialize, Default)]
pub struct SizeResult {
    pub articles: usize,
    /// A heading other than "N articles" (the search row's own corpus).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The measured pages by role (article, home, term, feed): their paths.
    pub pages: BTreeMap<String, String>,
    pub import_seconds: Option<f64>,
    pub measures: Vec<Measure>,
    pub loads: Vec<LoadRow>,
    pub notes: Vec<String>,
}

/// One wrk run: a server, a page, and what wrk saw (or why it could not run).
#[derive(Serialize)]
pub struct LoadRow {
    pub server: String,
    pub page: String,
    /// What wrk measured, or (`error`) why nothing was.
    #[serde(flatten, serialize_with = "wrk_or_error")]
    pub result: Result<WrkResult, String>,
    /// The server's peak resident memory during the run, in MB, where it was sampled.
    pub peak_rss_mb: Option<f64>,
}

/// A wrk run as its fields, or as `{"error": "…"}`.
fn wrk_or_error<S: serde::Serializer>(
    r: &Result<WrkResult, String>,
    s: S,
) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    match r {
        Ok(w) => w.serialize(s),
        Err(e) => {
            let mut map = s.serialize_map(Some(1))?;
            map.serialize_entry("error", e)?;
            map.end()
        }
    }
}

#[derive(Clone, Copy, Serialize, PartialEq, Debug)]
#[serde(rename_all = "snake_case")]
pub enum Bound {
    /// Byline's value divided by the reference's must be at least this.
    RatioAtLeast(f64),
    /// Byline's value divided by the reference's must be at most this.
    RatioAtMost(f64),
    /// Byline's own value must be at most this (in the measure's unit).
    ValueAtMost(f64),
    /// Byline's own value must be at least this (in the measure's unit).
    ValueAtLeast(f64),
}

#[derive(Clone, Copy, Serialize, PartialEq, Debug)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Met,
    Missed,
    /// A value the target needs could not be measured; `note` says why.
    NotMeasured,
    /// No target for this measure (or not at this corpus size).
    Info,
}

#[derive(Serialize, Debug)]
pub struct Measure {
    pub measure: String,
    pub unit: String,
    pub byline: Option<f64>,
    /// What Byline is compared with: "nginx, same bytes", "Ghost 5", "Hugo".
    pub reference_name: String,
    pub reference: Option<f64>,
    pub ratio: Option<f64>,
    pub target: Option<Bound>,
    pub status: Status,
    pub note: Option<String>,
}

/// A measured value, or why there is none.
pub type Value = Result<f64, String>;

impl Measure {
    /// Builds a row and decides its status. `target` is `None` when the issue sets no target
    /// for this measure at this corpus size.
    pub fn new(
        measure: &str,
        unit: &str,
        byline: Value,
        reference_name: &str,
        reference: Value,
        target: Option<Bound>,
    ) -> Measure {
        let ratio = match (&byline, &reference) {
            (Ok(b), Ok(r)) if *r > 0.0 => Some(b / r),
            _ => None,
        };
        let mut why: Vec<String> = Vec::new();
        if let Err(e) = &byline {
            why.push(format!("Byline: {e}"));
        }
        if let Err(e) = &reference {
            why.push(format!("{reference_name}: {e}"));
        }
        let status = match target {
            None => Status::Info,
            Some(Bound::ValueAtMost(max)) => match &byline {
                Ok(v) => met(*v <= max),
                Err(_) => Status::NotMeasured,
            },
            Some(Bound::ValueAtLeast(min)) => match &byline {
                Ok(v) => met(*v >= min),
                Err(_) => Status::NotMeasured,
            },
            Some(Bound::RatioAtLeast(min)) => ratio.map_or(Status::NotMeasured, |r| met(r >= min)),
            Some(Bound::RatioAtMost(max)) => ratio.map_or(Status::NotMeasured, |r| met(r <= max)),
        };
        Measure {
            measure: measure.to_owned(),
            unit: unit.to_owned(),
            byline: byline.ok(),
            reference_name: reference_name.to_owned(),
            reference: reference.ok(),
            ratio,
            target,
            status,
            note: (!why.is_empty()).then(|| why.join("; ")),
        }
    }

    /// A row of Byline's own, with no reference and no target.
    pub fn info(measure: &str, unit: &str, byline: Value) -> Measure {
        let mut m = Measure::new(measure, unit, byline, "", Ok(0.0), None);
        m.reference = None;
        m
    }

    /// A row of Byline's own with a target on its value (no reference).
    pub fn own(measure: &str, unit: &str, byline: Value, target: Bound) -> Measure {
        let mut m = Measure::new(measure, unit, byline, "", Ok(0.0), Some(target));
        m.reference = None;
        m
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Measure {
        let note = note.into();
        self.note = Some(match self.note.take() {
            Some(old) => format!("{old}; {note}"),
            None => note,
        });
        self
    }
}

fn met(ok: bool) -> Status {
    if ok { Status::Met } else { Status::Missed }
}

impl Report {
    /// Every target row that was missed or could not be measured, as
    /// "N articles: measure (against reference)".
    pub fn shortfalls(&self) -> Vec<(String, Status)> {
        self.sizes
            .iter()
            .flat_map(|s| {
                s.measures
                    .iter()
                    .filter(|m| matches!(m.status, Status::Missed | Status::NotMeasured))
                    .map(move |m| {
                        let what = format!("{} articles: {}", s.articles, m.measure);
                        (format!("{what} (against {})", m.reference_name), m.status)
                    })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratios_decide_the_status() {
        let m = Measure::new(
            "rps",
            "req/s",
            Ok(600.0),
            "nginx",
            Ok(1000.0),
            Some(Bound::RatioAtLeast(0.5)),
        );
        assert_eq!((m.ratio, m.status), (Some(0.6), Status::Met));
        let m = Measure::new(
            "rps",
            "req/s",
            Ok(400.0),
            "nginx",
            Ok(1000.0),
            Some(Bound::RatioAtLeast(0.5)),
        );
        assert_eq!(m.status, Status::Missed);
        let m =
            Measure::new("start", "s", Ok(0.5), "Ghost", Ok(2.0), Some(Bound::RatioAtMost(0.1)));
        assert_eq!((m.ratio, m.status), (Some(0.25), Status::Missed));
    }

    #[test]
    fn a_missing_value_is_not_measured_and_says_why() {
        let m = Measure::new(
            "rps",
            "req/s",
            Ok(600.0),
            "Ghost 5",
            Err("npm could not build sqlite3".into()),
            Some(Bound::RatioAtLeast(500.0)),
        );
        assert_eq!((m.ratio, m.status), (None, Status::NotMeasured));
        assert_eq!(m.note.as_deref(), Some("Ghost 5: npm could not build sqlite3"));
    }

    #[test]
    fn a_load_row_is_flat_json() {
        let row = |result| LoadRow {
            server: "nginx".into(),
            page: "/".into(),
            result,
            peak_rss_mb: None,
        };
        let ok = serde_json::to_value(row(Ok(WrkResult { requests: 5, ..WrkResult::default() })));
        let ok = ok.unwrap();
        assert_eq!((ok["server"].as_str(), ok["requests"].as_u64()), (Some("nginx"), Some(5)));
        let failed = serde_json::to_value(row(Err("wrk is missing".into()))).unwrap();
        assert_eq!(failed["error"], "wrk is missing");
    }

    #[test]
    fn a_value_bound_needs_no_reference() {
        let m = Measure::new(
            "rss",
            "MB",
            Ok(42.0),
            "Ghost 5",
            Err("x".into()),
            Some(Bound::ValueAtMost(50.0)),
        );
        assert_eq!(m.status, Status::Met);
        let m = Measure::new("rss", "MB", Ok(42.0), "-", Ok(1.0), None);
        assert_eq!(m.status, Status::Info);
    }
}
