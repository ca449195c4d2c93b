//! The report as Markdown: a summary of missed targets, then per corpus size the table of
//! measures (Byline, reference, ratio, target, met/missed) and the wrk table behind it.

use crate::report::{Bound, LoadRow, Measure, Report, SizeResult, Status};
use std::fmt::Write as _;

pub fn render(r: &Report) -> String {
    let mut out = String::new();
    let m = &r.machine;
    let _ = writeln!(out, "# Byline benchmark results\n");
    let _ = writeln!(out, "Run on {} with:\n\n    {}\n", r.date, r.command);
    let _ = writeln!(
        out,
        "Machine: {} cores ({}), {} MB memory, {}, Linux {}.  ",
        m.nproc, m.cpu, m.memory_mb, m.os, m.kernel
    );
    let tools: Vec<String> = r.tools.iter().map(|(k, v)| format!("{k}: {v}")).collect();
    let _ = writeln!(out, "Tools: {}.  ", tools.join("; "));
    let _ = writeln!(
        out,
        "Load: wrk with {} threads and {} connections, {} s per page after {} s of warm-up, \
         {} s timeout; corpus seed {}.\n",
        r.load.threads,
        r.load.connections,
        r.load.seconds,
        r.load.warmup_seconds,
        r.load.timeout_seconds,
        r.seed
    );
    let _ = writeln!(
        out,
        "Every target is a ratio taken side by side in this run (the memory target is a size), \
         so the machine's speed cancels out; absolute numbers are only comparable within this \
         file.\n"
    );
    let shortfalls = r.shortfalls();
    if shortfalls.is_empty() {
        let _ = writeln!(out, "**Every target was met.**\n");
    } else {
        let _ = writeln!(out, "**Targets missed or not measured:**\n");
        for (what, status) in shortfalls {
            let _ = writeln!(out, "- {what}: {}", status_text(status));
        }
        out.push('\n');
    }
    for note in &r.notes {
        let _ = writeln!(out, "- {note}");
    }
    if !r.notes.is_empty() {
        out.push('\n');
    }
    for size in &r.sizes {
        render_size(&mut out, size);
    }
    out
}

fn render_size(out: &mut String, s: &SizeResult) {
    match &s.title {
        Some(t) => {
            let _ = writeln!(out, "## {t}\n");
        }
        None => {
            let _ = writeln!(out, "## {} articles\n", thousands(s.articles as f64));
        }
    }
    let pages: Vec<String> = s.pages.iter().map(|(k, v)| format!("{k} `{v}`")).collect();
    if !pages.is_empty() {
        let _ = writeln!(out, "Pages: {}.", pages.join(", "));
    }
    if let Some(secs) = s.import_seconds {
        let _ = writeln!(out, "Import (`byline import markdown`): {secs:.1} s.");
    }
    out.push('\n');
    let _ = writeln!(out, "| measure | Byline | reference | ratio | target | result |");
    let _ = writeln!(out, "|---|---:|---|---:|---|---|");
    for m in &s.measures {
        let _ = writeln!(
            out,
            "| {} ({}) | {} | {} | {} | {} | {} |",
            m.measure,
            m.unit,
            number(m.byline, &m.unit),
            reference(m),
            m.ratio.map_or("—".to_owned(), |r| format!("{}×", ratio(r))),
            m.target.map_or("—".to_owned(), target),
            result(m),
        );
    }
    out.push('\n');
    if !s.loads.is_empty() {
        let _ = writeln!(
            out,
            "### Throughput and latency ({} articles)\n",
            thousands(s.articles as f64)
        );
        let _ = writeln!(
            out,
            "| server | page | requests/s | p50 ms | p90 ms | p99 ms | non-2xx / socket errors | peak RSS MB |"
        );
        let _ = writeln!(out, "|---|---|---:|---:|---:|---:|---:|---:|");
        for row in &s.loads {
            load_row(out, row);
        }
        out.push('\n');
    }
    for note in &s.notes {
        let _ = writeln!(out, "- {note}");
    }
    if !s.notes.is_empty() {
        out.push('\n');
    }
}

fn load_row(out: &mut String, row: &LoadRow) {
    let rss = row.peak_rss_mb.map_or("—".to_owned(), |v| format!("{v:.1}"));
    match &row.result {
        Ok(w) => {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {:.2} | {:.2} | {:.2} | {} / {} | {} |",
                row.server,
                row.page,
                thousands(w.requests_per_sec),
                w.p50_ms,
                w.p90_ms,
                w.p99_ms,
                w.non_2xx,
                w.socket_errors,
                rss
            );
        }
        Err(e) => {
            let _ = writeln!(
                out,
                "| {} | {} | not measured: {} | | | | | |",
                row.server,
                row.page,
                cell(e)
            );
        }
    }
}

fn reference(m: &Measure) -> String {
    match m.reference {
        Some(v) => format!("{}: {}", m.reference_name, number(Some(v), &m.unit)),
        None if m.reference_name.is_empty() => "—".to_owned(),
        None => format!("{}: —", m.reference_name),
    }
}

fn result(m: &Measure) -> String {
    let status = match m.status {
        Status::Met => "met".to_owned(),
        Status::Missed => "**missed**".to_owned(),
        Status::NotMeasured => "**not measured**".to_owned(),
        Status::Info => String::new(),
    };
    match &m.note {
        Some(note) if status.is_empty() => cell(note),
        Some(note) => format!("{status}: {}", cell(note)),
        None => status,
    }
}

fn status_text(s: Status) -> &'static str {
    match s {
        Status::Met => "met",
        Status::Missed => "missed",
        Status::NotMeasured => "not measured",
        Status::Info => "no target",
    }
}

fn target(b: Bound) -> String {
    match b {
        Bound::RatioAtLeast(v) => format!("≥ {v}×"),
        Bound::RatioAtMost(v) => format!("≤ {v}×"),
        Bound::ValueAtMost(v) => format!("≤ {v}"),
        Bound::ValueAtLeast(v) => format!("≥ {}", thousands(v)),
    }
}

/// A value in its unit's customary precision.
fn number(v: Option<f64>, unit: &str) -> String {
    match v {
        None => "—".to_owned(),
        Some(v) if unit.ends_with("/s") => thousands(v),
        Some(v) if unit == "MB" => format!("{v:.1}"),
        Some(v) if unit == "s" && v < 1.0 => format!("{v:.3}"),
        Some(v) => format!("{v:.2}"),
    }
}

/// Three significant digits (two below 0.1), so a ratio near its target reads as what it is.
fn ratio(r: f64) -> String {
    if r >= 100.0 {
        thousands(r)
    } else if r >= 10.0 {
        format!("{r:.1}")
    } else if r >= 1.0 {
        format!("{r:.2}")
    } else if r >= 0.1 || r <= 0.0 {
        format!("{r:.3}")
    } else {
        let decimals = (1.0 - r.log10().floor()) as usize;
        format!("{r:.decimals$}")
    }
}

/// `12345.6` → `12,346`.
pub fn thousands(v: f64) -> String {
    let digits = format!("{:.0}", v.abs());
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if v < 0.0 { format!("-{out}") } else { out }
}

/// Text safe inside a table cell: one line, no pipes.
fn cell(s: &str) -> String {
    s.replace('|', "/").replace('\n', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_numbers_for_people() {
        assert_eq!(thousands(1234567.4), "1,234,567");
        assert_eq!(thousands(999.0), "999");
        assert_eq!(ratio(0.5041), "0.504");
        assert_eq!(ratio(1.234), "1.23");
        assert_eq!(ratio(1234.0), "1,234");
        assert_eq!(ratio(0.0049), "0.0049");
        assert_eq!(ratio(0.04), "0.040");
        assert_eq!(target(Bound::RatioAtLeast(500.0)), "≥ 500×");
        assert_eq!(target(Bound::RatioAtMost(0.5)), "≤ 0.5×");
        assert_eq!(number(Some(0.01234), "s"), "0.012");
    }

    #[test]
    fn a_missed_target_is_marked_with_its_reason() {
        let m =
            Measure::new("start", "s", Ok(1.0), "Ghost 5", Ok(2.0), Some(Bound::RatioAtMost(0.1)))
                .with_note("median of 3 | starts");
        assert_eq!(result(&m), "**missed**: median of 3 / starts");
        assert_eq!(reference(&m), "Ghost 5: 2.00");
    }
}
