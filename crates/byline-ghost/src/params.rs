//! The Content API's query parameters: `include`, `fields`, `formats`, `limit`, `page`,
//! `order`, `filter` (the `key` is the web edge's business). Bad values are 400s that name
//! the parameter.

use crate::GhostError;

/// The most a page may hold; `limit=all` means this many.
pub const MAX_LIMIT: u64 = 100;
pub const DEFAULT_LIMIT: u64 = 15;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Params {
    pub include: Vec<String>,
    /// Only these keys of each object, when given.
    pub fields: Option<Vec<String>>,
    pub html: bool,
    pub plaintext: bool,
    pub limit: u64,
    /// 1-based.
    pub page: u64,
    /// `(field, descending)`, first key first.
    pub order: Vec<(String, bool)>,
    pub filter: Option<String>,
}

impl Default for Params {
    fn default() -> Self {
        Self {
            include: Vec::new(),
            fields: None,
            html: true,
            plaintext: false,
            limit: DEFAULT_LIMIT,
            page: 1,
            order: Vec::new(),
            filter: None,
        }
    }
}

fn list(v: &str) -> Vec<String> {
    v.split(',').map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect()
}

impl Params {
    /// Reads the query string's pairs (later repeats win, as in Ghost).
    pub fn parse<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Params, GhostError> {
        let mut p = Params::default();
        for (k, v) in pairs {
            match k {
                "include" => p.include = list(v),
                "fields" => p.fields = Some(list(v)).filter(|f| !f.is_empty()),
                "formats" => {
                    let f = list(v);
                    p.html = f.is_empty() || f.iter().any(|x| x == "html");
                    p.plaintext = f.iter().any(|x| x == "plaintext");
                }
                "limit" => p.limit = limit(v)?,
                "page" => {
                    p.page = v.trim().parse().ok().filter(|n| *n >= 1).ok_or_else(|| {
                        GhostError::bad_request(
                            "Validation error, cannot list resources.",
                            format!("page: {v:?} is not a page number (1, 2, …)"),
                        )
                    })?
                }
                "order" => p.order = order(v)?,
                "filter" => p.filter = Some(v.to_owned()).filter(|f| !f.trim().is_empty()),
                _ => {}
            }
        }
        Ok(p)
    }

    pub fn includes(&self, what: &str) -> bool {
        self.include.iter().any(|i| i == what)
    }
}

fn limit(v: &str) -> Result<u64, GhostError> {
    if v.trim() == "all" {
        return Ok(MAX_LIMIT);
    }
    match v.trim().parse::<u64>() {
        Ok(0) => Ok(DEFAULT_LIMIT),
        Ok(n) => Ok(Ord::min(n, MAX_LIMIT)),
        Err(_) => Err(GhostError::bad_request(
            "Validation error, cannot list resources.",
            format!("limit: {v:?} is not a number or \"all\""),
        )),
    }
}

/// `published_at desc, title` → `[("published_at", true), ("title", false)]`.
fn order(v: &str) -> Result<Vec<(String, bool)>, GhostError> {
    let bad =
        |why: String| GhostError::bad_request("Validation error, cannot list resources.", why);
    let mut out = Vec::new();
    for part in v.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let mut words = part.split_whitespace();
        let field = words.next().unwrap_or_default();
        if !field.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.') {
            return Err(bad(format!("order: {field:?} is not a field name")));
        }
        let desc = match words.next().map(str::to_ascii_lowercase).as_deref() {
            None | Some("asc") => false,
            Some("desc") => true,
            Some(other) => {
                return Err(bad(format!("order: {other:?} after {field} is not asc or desc")));
            }
        };
        if words.next().is_some() {
            return Err(bad(format!("order: {part:?} has more than a field and a direction")));
        }
        out.push((field.to_owned(), desc));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_ghost_parameters() {
        let p = Params::parse([
            ("limit", "all"),
            ("page", "2"),
            ("include", "tags,authors"),
            ("formats", "plaintext"),
            ("order", "published_at desc, title"),
        ])
        .unwrap();
        assert_eq!(p.limit, MAX_LIMIT);
        assert_eq!(p.page, 2);
        assert!(p.includes("tags") && p.includes("authors"));
        assert!(!p.html && p.plaintext);
        assert_eq!(p.order, vec![("published_at".into(), true), ("title".into(), false)]);
        assert_eq!(Params::parse([("limit", "500")]).unwrap().limit, 100);
        assert!(Params::parse([("limit", "ten")]).is_err());
        assert!(Params::parse([("page", "0")]).is_err());
        assert!(Params::parse([("order", "title sideways")]).is_err());
    }
}
