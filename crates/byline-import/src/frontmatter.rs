//! Front matter: a YAML block between `---` lines or a TOML block between `+++` lines at the
//! top of a Markdown file, read into one shape whatever its syntax, with typed getters whose
//! errors name the key and its line.

use crate::report::Problem;
use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use serde_json::{Map, Value};

/// A parsed Markdown file.
#[derive(Debug)]
pub(crate) struct Document<'a> {
    pub path: &'a str,
    pub keys: Map<String, Value>,
    pub body: &'a str,
    /// The front matter's text and the file line it starts on, to find a key's line.
    fm_text: &'a str,
    fm_first_line: usize,
}

/// Splits and parses a file; the error says where the front matter is broken.
pub(crate) fn parse<'a>(path: &'a str, text: &'a str) -> Result<Document<'a>, Problem> {
    let problem =
        |line: Option<usize>, message: String| Problem { path: path.to_owned(), line, message };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first = text.lines().next().unwrap_or("").trim_end();
    let fence = match first {
        "---" => "---",
        "+++" => "+++",
        _ => {
            return Err(problem(
                Some(1),
                "no front matter: the file must start with a `---` (YAML) or `+++` (TOML) line"
                    .into(),
            ));
        }
    };
    let after_open = &text[text.find('\n').map_or(text.len(), |i| i + 1)..];
    let mut offset = 0;
    let mut close = None;
    for line in after_open.split_inclusive('\n') {
        if line.trim_end() == fence {
            close = Some((offset, offset + line.len()));
            break;
        }
        offset += line.len();
    }
    let Some((fm_end, body_start)) = close else {
        return Err(problem(
            Some(1),
            format!("the front matter opened with `{fence}` is never closed"),
        ));
    };
    let fm_text = &after_open[..fm_end];
    let body = &after_open[body_start..];
    let keys = if fence == "---" {
        if fm_text.trim().is_empty() {
            Map::new()
        } else {
            let v: serde_yaml::Value = serde_yaml::from_str(fm_text).map_err(|e| {
                let (message, line) = yaml_fault(&e, fm_text);
                // The front matter's first line is the file's second, after the fence.
                problem(line.map(|l| l + 1), format!("invalid YAML front matter: {message}"))
            })?;
            match serde_json::to_value(v) {
                Ok(Value::Object(m)) => m,
                Ok(Value::Null) => Map::new(),
                Ok(_) => {
                    return Err(problem(
                        Some(2),
                        "front matter must be a set of `key: value` lines".into(),
                    ));
                }
                Err(e) => return Err(problem(None, format!("unsupported YAML front matter: {e}"))),
            }
        }
    } else {
        let v: toml::Table = toml::from_str(fm_text).map_err(|e| {
            let line =
                e.span().map(|s| fm_text[..s.start.min(fm_text.len())].lines().count().max(1) + 1);
            problem(line, format!("invalid TOML front matter: {}", e.message()))
        })?;
        v.into_iter().map(|(k, v)| (k, toml_to_json(v))).collect()
    };
    Ok(Document { path, keys, body, fm_text, fm_first_line: 2 })
}

/// TOML values as JSON ones; dates become their RFC 3339 text.
fn toml_to_json(v: toml::Value) -> Value {
    match v {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => Value::from(i),
        toml::Value::Float(f) => Value::from(f),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(a) => Value::Array(a.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => {
            Value::Object(t.into_iter().map(|(k, v)| (k, toml_to_json(v))).collect())
        }
    }
}

/// serde_yaml's message without the locations it repeats, and the front matter line at
/// fault. The parser reports where it gave up; for a bracket or quote never closed (or
/// when it gave up past the last line), the fault is where the unfinished part began, which
/// the message names as its context ("while parsing a flow sequence at line 2 column 6").
fn yaml_fault(e: &serde_yaml::Error, fm_text: &str) -> (String, Option<usize>) {
    let s = e.to_string();
    let mut parts = s.split(" at line ");
    let problem = parts.next().unwrap_or_default().to_owned();
    // What follows each " at line ": "N column M[, context]".
    let rest: Vec<&str> = parts.collect();
    let context = rest.first().and_then(|r| r.split_once(", ")).map(|(_, c)| c.to_owned());
    let context_line =
        rest.get(1).and_then(|r| r.split(' ').next()).and_then(|n| n.parse::<usize>().ok());
    let last = fm_text.lines().count().max(1);
    let line = e.location().map(|at| {
        let rest = fm_text.get(at.index()..).unwrap_or("");
        // A flow collection or quoted text never closed is at fault where it opened.
        let unclosed = context.as_deref().is_some_and(|c| {
            c.contains("parsing a flow") || c.contains("scanning a quoted scalar")
        });
        if at.line() > last || rest.trim().is_empty() || unclosed {
            context_line.unwrap_or(last)
        } else {
            at.line()
        }
        .min(last)
    });
    let message = match context {
        Some(c) => format!("{problem}, {c}"),
        None => problem,
    };
    (message, line)
}

impl Document<'_> {
    /// The file line where `key` is set, found by looking for `key:` or `key =`.
    pub fn line_of(&self, key: &str) -> Option<usize> {
        self.fm_text
            .lines()
            .position(|l| {
                let l = l.trim_start().trim_start_matches('"');
                l.strip_prefix(key)
                    .map(|rest| rest.trim_start_matches('"').trim_start())
                    .is_some_and(|rest| rest.starts_with(':') || rest.starts_with('='))
            })
            .map(|i| i + self.fm_first_line)
    }

    pub fn problem(&self, key: &str, message: impl Into<String>) -> Problem {
        Problem { path: self.path.to_owned(), line: self.line_of(key), message: message.into() }
    }

    /// The first of `keys` that is present (Hugo, Jekyll and Zola name things differently).
    pub fn first(&self, keys: &[&'static str]) -> Option<(&'static str, &Value)> {
        keys.iter().find_map(|k| self.keys.get(*k).filter(|v| !v.is_null()).map(|v| (*k, v)))
    }

    /// A text value; numbers and booleans are taken as written.
    pub fn text(&self, keys: &[&'static str]) -> Result<Option<String>, Problem> {
        match self.first(keys) {
            None => Ok(None),
            Some((_, Value::String(s))) => Ok(Some(s.clone())),
            Some((_, v @ (Value::Number(_) | Value::Bool(_)))) => Ok(Some(v.to_string())),
            Some((k, _)) => Err(self.problem(k, format!("`{k}` must be text"))),
        }
    }

    pub fn bool(&self, keys: &[&'static str]) -> Result<Option<bool>, Problem> {
        match self.first(keys) {
            None => Ok(None),
            Some((_, Value::Bool(b))) => Ok(Some(*b)),
            Some((_, Value::String(s))) if s == "true" || s == "yes" => Ok(Some(true)),
            Some((_, Value::String(s))) if s == "false" || s == "no" => Ok(Some(false)),
            Some((k, _)) => Err(self.problem(k, format!("`{k}` must be true or false"))),
        }
    }

    pub fn int(&self, keys: &[&'static str]) -> Result<Option<i64>, Problem> {
        match self.first(keys) {
            None => Ok(None),
            Some((_, Value::Number(n))) if n.is_i64() => Ok(n.as_i64()),
            Some((k, Value::String(s))) => {
                s.trim().parse().map(Some).map_err(|_| {
                    self.problem(k, format!("`{k}` must be a whole number, not {s:?}"))
                })
            }
            Some((k, _)) => Err(self.problem(k, format!("`{k}` must be a whole number"))),
        }
    }

    /// A list of texts; a single text counts as a list of one.
    pub fn list(&self, keys: &[&'static str]) -> Result<Vec<String>, Problem> {
        match self.first(keys) {
            None => Ok(Vec::new()),
            Some((k, v)) => list_of_text(v)
                .ok_or_else(|| self.problem(k, format!("`{k}` must be a list of text"))),
        }
    }

    /// A date or date-time; dates without a time are taken as midnight UTC.
    pub fn date(&self, keys: &[&'static str]) -> Result<Option<DateTime<Utc>>, Problem> {
        match self.first(keys) {
            None => Ok(None),
            Some((k, Value::String(s))) => parse_date(s).map(Some).ok_or_else(|| {
                self.problem(
                    k,
                    format!("`{k}` is not a date: {s:?} (use 2026-03-14 or 2026-03-14T09:30:00Z)"),
                )
            }),
            Some((k, _)) => Err(self.problem(k, format!("`{k}` must be a date"))),
        }
    }
}

pub(crate) fn list_of_text(v: &Value) -> Option<Vec<String>> {
    match v {
        Value::String(s) => Some(vec![s.clone()]),
        Value::Array(items) => items
            .iter()
            .map(|i| match i {
                Value::String(s) => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            })
            .collect(),
        _ => None,
    }
}

/// Accepts RFC 3339, TOML's local date-times, `2026-03-14 09:30:00 +0100` (Jekyll),
/// `2026-03-14 09:30` and plain dates.
pub(crate) fn parse_date(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Some(d.with_timezone(&Utc));
    }
    for f in ["%Y-%m-%d %H:%M:%S %z", "%Y-%m-%d %H:%M %z", "%Y-%m-%dT%H:%M:%S%.f%z"] {
        if let Ok(d) = DateTime::parse_from_str(s, f) {
            return Some(d.with_timezone(&Utc));
        }
    }
    for f in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M"] {
        if let Ok(d) = NaiveDateTime::parse_from_str(s, f) {
            return Some(Utc.from_utc_datetime(&d));
        }
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .map(|d| Utc.from_utc_datetime(&d.and_hms_opt(0, 0, 0).expect("midnight exists")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_yaml_and_toml_alike() {
        let y = parse("a.md", "---\ntitle: Hi\ntags: [a, b]\n---\nBody\n").unwrap();
        let t = parse("b.md", "+++\ntitle = \"Hi\"\ntags = [\"a\", \"b\"]\n+++\nBody\n").unwrap();
        assert_eq!(y.keys, t.keys);
        assert_eq!((y.body, t.body), ("Body\n", "Body\n"));
        assert_eq!(y.list(&["tags"]).unwrap(), ["a", "b"]);
    }

    #[test]
    fn errors_carry_lines() {
        let e = parse("x.md", "---\ntitle: ok\nbad: [unclosed\n---\n").unwrap_err();
        assert_eq!(e.path, "x.md");
        assert!(e.line.is_some_and(|l| l >= 3), "{e:?}");
        let e = parse("y.md", "+++\ntitle = \"ok\"\nbroken =\n+++\n").unwrap_err();
        assert_eq!(e.line, Some(3), "{e:?}");
        let e = parse("z.md", "no front matter").unwrap_err();
        assert!(e.message.contains("no front matter"));
        let d = parse("w.md", "---\ntitle: x\ndate: yesterday\n---\n").unwrap();
        let e = d.date(&["date"]).unwrap_err();
        assert_eq!(e.line, Some(3));
    }

    #[test]
    fn a_yaml_error_is_reported_on_the_line_at_fault() {
        let cases = [
            // An unclosed flow sequence: the parser gives up at the end.
            ("---\ntitle: ok\ntags: [a, b\nauthor: x\n---\nBody\n", 3),
            // An unclosed quote.
            ("---\ntitle: \"Hello\ndate: 2026-01-01\n---\n", 2),
            // A value where a key was expected, in the middle.
            ("---\ntitle: ok\nsummary: a: b\ndate: 2026-01-01\n---\n", 3),
            // A bad indentation on the fourth line of the file.
            ("---\ntitle: ok\ntags:\n  - a\n - b\n---\n", 5),
        ];
        for (text, line) in cases {
            let e = parse("x.md", text).unwrap_err();
            assert_eq!(e.line, Some(line), "{text:?}: {e}");
            assert!(!e.message.contains(" at line "), "{}", e.message);
        }
    }

    #[test]
    fn parses_the_date_styles_of_hugo_jekyll_and_zola() {
        let want = Utc.with_ymd_and_hms(2026, 3, 14, 8, 30, 0).unwrap();
        assert_eq!(parse_date("2026-03-14T08:30:00Z"), Some(want));
        assert_eq!(parse_date("2026-03-14 09:30:00 +0100"), Some(want));
        assert_eq!(parse_date("2026-03-14T08:30:00"), Some(want));
        assert_eq!(
            parse_date("2026-03-14"),
            Some(Utc.with_ymd_and_hms(2026, 3, 14, 0, 0, 0).unwrap())
        );
        assert_eq!(parse_date("March"), None);
    }
}
