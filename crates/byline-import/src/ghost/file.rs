//! Reading a Ghost export: `{"db": [{"meta": {…}, "data": {table: [rows]}}]}` as Ghost 1
//! to 6 write it (an unwrapped `{"meta", "data"}` is accepted too). A file that is not JSON
//! is named with its line and column; one that is not a Ghost export says what it holds.

use crate::report::Problem;
use chrono::{DateTime, NaiveDateTime, Utc};
use serde_json::{Map, Value};

/// The tables of one export, and its text (to find a record's line).
pub(crate) struct Export<'a> {
    pub name: &'a str,
    pub text: &'a str,
    /// Ghost's version as the export states it (`5.130.2`), or `unknown`.
    pub version: String,
    pub data: Map<String, Value>,
}

impl<'a> Export<'a> {
    pub(crate) fn parse(name: &'a str, text: &'a str) -> Result<Export<'a>, Problem> {
        let at =
            |line: Option<usize>, message: String| Problem { path: name.to_owned(), line, message };
        let root: Value = serde_json::from_str(text).map_err(|e| {
            at(Some(e.line()), format!("not valid JSON (column {}): {e}", e.column()))
        })?;
        let Value::Object(mut top) = root else {
            return Err(at(Some(1), "not a Ghost export: the file is not a JSON object".into()));
        };
        let inner = match top.remove("db") {
            Some(Value::Array(mut dbs)) if !dbs.is_empty() => dbs.swap_remove(0),
            Some(_) => {
                return Err(at(
                    line_of(text, "\"db\""),
                    "not a Ghost export: `db` must be a list holding one {meta, data} object"
                        .into(),
                ));
            }
            None if top.contains_key("data") => Value::Object(top),
            None => {
                let keys: Vec<&str> = top.keys().map(String::as_str).collect();
                return Err(at(
                    Some(1),
                    format!(
                        "not a Ghost export: the top level has no `db` (it holds {}); \
                         export the file from Ghost's Settings → Labs → Export your content",
                        if keys.is_empty() { "nothing".to_owned() } else { keys.join(", ") }
                    ),
                ));
            }
        };
        let Value::Object(mut inner) = inner else {
            return Err(at(
                line_of(text, "\"db\""),
                "not a Ghost export: `db[0]` is not an object".into(),
            ));
        };
        let version = inner
            .get("meta")
            .and_then(|m| m.get("version"))
            .and_then(Value::as_str)
            .unwrap_or("unknown")
            .to_owned();
        let data = match inner.remove("data") {
            Some(Value::Object(d)) => d,
            _ => {
                return Err(at(
                    line_of(text, "\"data\""),
                    "not a Ghost export: there is no `data` object with the tables".into(),
                ));
            }
        };
        Ok(Export { name, text, version, data })
    }

    /// The rows of a table (none when the export has no such table). A table that is not a
    /// list of objects is a problem.
    pub(crate) fn table(&self, table: &str) -> Result<Vec<&Map<String, Value>>, Problem> {
        match self.data.get(table) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Array(rows)) => rows
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    r.as_object()
                        .ok_or_else(|| self.problem(None, format!("{table}[{i}] is not an object")))
                })
                .collect(),
            Some(_) => Err(self.problem(
                line_of(self.text, &format!("\"{table}\"")),
                format!("`{table}` is not a list of rows"),
            )),
        }
    }

    /// How many rows a table has.
    pub(crate) fn count(&self, table: &str) -> usize {
        self.data.get(table).and_then(Value::as_array).map_or(0, Vec::len)
    }

    /// A problem with one record, on the line where its id is written.
    pub(crate) fn record_problem(
        &self,
        table: &str,
        row: &Map<String, Value>,
        message: String,
    ) -> Problem {
        let id = text(row, "id");
        let what = match (text(row, "slug").or_else(|| text(row, "email")), &id) {
            (Some(s), _) => format!("{table} {s:?}"),
            (None, Some(id)) => format!("{table} id {id}"),
            (None, None) => table.to_owned(),
        };
        let line = id.and_then(|id| line_of_id(self.text, &id));
        self.problem(line, format!("{what}: {message}"))
    }

    pub(crate) fn problem(&self, line: Option<usize>, message: String) -> Problem {
        Problem { path: self.name.to_owned(), line, message }
    }
}

/// The 1-based line of the first occurrence of `needle`.
fn line_of(text: &str, needle: &str) -> Option<usize> {
    text.find(needle).map(|at| text[..at].matches('\n').count() + 1)
}

/// The line on which a record with this id is written (`"id": "…"`).
fn line_of_id(text: &str, id: &str) -> Option<usize> {
    let quoted = format!("\"{id}\"");
    let mut from = 0;
    while let Some(found) = text[from..].find(&quoted) {
        let at = from + found;
        let before = text[..at].trim_end();
        if let Some(before) = before.strip_suffix(':')
            && before.trim_end().ends_with("\"id\"")
        {
            return Some(text[..at].matches('\n').count() + 1);
        }
        from = at + quoted.len();
    }
    None
}

/// A non-empty string field.
pub(crate) fn text(row: &Map<String, Value>, key: &str) -> Option<String> {
    match row.get(key)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A flag as Ghost writes them: `true`, `1`, `"1"`, `"true"`.
pub(crate) fn flag(row: &Map<String, Value>, key: &str) -> bool {
    match row.get(key) {
        Some(Value::Bool(b)) => *b,
        Some(Value::Number(n)) => n.as_i64() == Some(1),
        Some(Value::String(s)) => s == "1" || s == "true",
        _ => false,
    }
}

/// A time as Ghost writes them: ISO 8601 (`2021-03-24T01:15:52.000Z`), `YYYY-MM-DD HH:MM:SS`
/// (UTC, Ghost 1 on SQLite) or milliseconds since 1970.
pub(crate) fn time(row: &Map<String, Value>, key: &str) -> Result<Option<DateTime<Utc>>, String> {
    match row.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n
            .as_i64()
            .and_then(DateTime::from_timestamp_millis)
            .map(Some)
            .ok_or_else(|| format!("`{key}` {n} is not a time")),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => {
            let s = s.trim();
            if let Ok(t) = DateTime::parse_from_rfc3339(s) {
                return Ok(Some(t.with_timezone(&Utc)));
            }
            for f in ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f"] {
                if let Ok(t) = NaiveDateTime::parse_from_str(s, f) {
                    return Ok(Some(t.and_utc()));
                }
            }
            Err(format!("`{key}` {s:?} is not a time"))
        }
        Some(other) => Err(format!("`{key}` {other} is not a time")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broken_files_are_named_with_line_and_reason() {
        let e = Export::parse("x.json", "{\n  \"db\": [\n    {\"meta\": }").err().unwrap();
        assert_eq!(e.line, Some(3), "{e}");
        assert!(e.message.starts_with("not valid JSON"), "{e}");
        let e = Export::parse("b.json", r#"{"asdadas":[{"data":{}}]}"#).err().unwrap();
        assert!(e.message.contains("no `db` (it holds asdadas)"), "{e}");
    }

    #[test]
    fn records_are_found_by_their_id_line() {
        let text = "{\"db\":[{\"meta\":{\"version\":\"5.0.0\"},\"data\":{\"posts_tags\":[{\"post_id\":\"p1\"}],\n\"posts\":[\n{\"id\": \"p1\",\"slug\":\"a\"}]}}]}";
        let ex = Export::parse("f.json", text).unwrap();
        assert_eq!(ex.version, "5.0.0");
        let posts = ex.table("posts").unwrap();
        let p = ex.record_problem("posts", posts[0], "bad".into());
        assert_eq!(p.line, Some(3));
        assert_eq!(p.message, "posts \"a\": bad");
    }

    #[test]
    fn times_in_every_form_ghost_wrote() {
        let row = serde_json::json!({"a": "2021-03-24T01:15:52.000Z", "b": "2017-09-01 12:29:51", "c": 1504269105806_i64, "d": "soon"});
        let row = row.as_object().unwrap();
        assert!(time(row, "a").unwrap().is_some());
        assert!(time(row, "b").unwrap().is_some());
        assert!(time(row, "c").unwrap().is_some());
        assert!(time(row, "d").is_err());
        assert_eq!(time(row, "e").unwrap(), None);
    }
}
