//! Revisions: an article as one save left it, and a readable, line-based diff between two
//! versions of every field (for the revision screen and for a refused, stale save).

use crate::article::ArticleInput;
use chrono::{DateTime, Utc};
use serde::Serialize;
use similar::{ChangeTag, TextDiff};

/// One kept revision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Revision {
    pub id: i64,
    pub article_id: i64,
    /// The article's version this revision is.
    pub version: i64,
    pub at: DateTime<Utc>,
    pub staff_id: Option<i64>,
    /// Who saved it, as the audit log names them.
    pub actor: String,
    /// What made it: `create`, `update`, `publish`, `restore revision 3` …
    pub action: String,
    /// Every field as it was.
    pub snapshot: ArticleInput,
}

/// How a line of a diff changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LineChange {
    Same,
    Added,
    Removed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DiffLine {
    pub change: LineChange,
    pub text: String,
}

/// One field that differs, line by line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldDiff {
    /// As the form and the API name it.
    pub field: &'static str,
    pub label: &'static str,
    pub lines: Vec<DiffLine>,
}

/// Every field of an input as text, with its name and label, in the editor's order.
pub fn field_texts(a: &ArticleInput) -> Vec<(&'static str, &'static str, String)> {
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    let terms: Vec<String> = a.terms.iter().map(|(t, p)| format!("{t}: {p}")).collect();
    vec![
        ("title", "Title", a.title.clone()),
        ("slug", "Slug", opt(&a.slug)),
        ("subtitle", "Subtitle", opt(&a.subtitle)),
        ("status", "Status", a.status.label().to_owned()),
        (
            "published_at",
            "Publish time",
            a.published_at.map(|t| t.to_rfc3339()).unwrap_or_default(),
        ),
        ("authors", "Authors", a.authors.join("\n")),
        ("terms", "Terms", terms.join("\n")),
        ("body", "Body", a.body.clone()),
        ("excerpt", "Excerpt", opt(&a.excerpt)),
        ("note", "Note to readers", opt(&a.note)),
        ("source_name", "Source", opt(&a.source_name)),
        ("source_url", "Source URL", opt(&a.source_url)),
        ("copyright_holder", "Copyright holder", opt(&a.copyright_holder)),
        (
            "copyright_year",
            "Copyright year",
            a.copyright_year.map(|y| y.to_string()).unwrap_or_default(),
        ),
        ("license", "Licence", a.license.map(|l| l.name().to_owned()).unwrap_or_default()),
        ("canonical_url", "Canonical URL", opt(&a.canonical_url)),
        ("seo_title", "SEO title", opt(&a.seo_title)),
        ("seo_description", "SEO description", opt(&a.seo_description)),
        ("image", "Featured image", opt(&a.image)),
        ("image_alt", "Image alt text", opt(&a.image_alt)),
        ("image_caption", "Image caption", opt(&a.image_caption)),
        (
            "republish",
            "Republishing",
            match a.republish {
                None => "follow the publication",
                Some(true) => "allow",
                Some(false) => "forbid",
            }
            .to_owned(),
        ),
        (
            "comments",
            "Comments",
            if a.comments == Some(false) { "closed" } else { "open" }.to_owned(),
        ),
        (
            "comments_close_after_days",
            "Comments close after",
            match a.comments_close_after_days {
                None => "the publication's setting".to_owned(),
                Some(0) => "never".to_owned(),
                Some(d) => format!("{d} days"),
            },
        ),
        ("featured", "Featured", if a.featured { "yes" } else { "no" }.to_owned()),
    ]
}

/// The fields that differ between `old` and `new`, each as a line diff.
pub fn diff(old: &ArticleInput, new: &ArticleInput) -> Vec<FieldDiff> {
    field_texts(old)
        .into_iter()
        .zip(field_texts(new))
        .filter(|((_, _, a), (_, _, b))| a.trim_end() != b.trim_end())
        .map(|((field, label, a), (_, _, b))| FieldDiff { field, label, lines: diff_lines(&a, &b) })
        .collect()
}

/// A line-based diff of two texts.
pub fn diff_lines(old: &str, new: &str) -> Vec<DiffLine> {
    let old = old.replace("\r\n", "\n");
    let new = new.replace("\r\n", "\n");
    TextDiff::from_lines(&old, &new)
        .iter_all_changes()
        .map(|c| DiffLine {
            change: match c.tag() {
                ChangeTag::Equal => LineChange::Same,
                ChangeTag::Insert => LineChange::Added,
                ChangeTag::Delete => LineChange::Removed,
            },
            text: c.value().trim_end_matches('\n').to_owned(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diffs_only_changed_fields_line_by_line() {
        let old = ArticleInput {
            title: "Gas".into(),
            body: "one\ntwo\nthree\n".into(),
            ..Default::default()
        };
        let new = ArticleInput { body: "one\n2\nthree\n".into(), ..old.clone() };
        let d = diff(&old, &new);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].field, "body");
        let changes: Vec<_> = d[0].lines.iter().map(|l| (l.change, l.text.as_str())).collect();
        assert_eq!(
            changes,
            [
                (LineChange::Same, "one"),
                (LineChange::Removed, "two"),
                (LineChange::Added, "2"),
                (LineChange::Same, "three")
            ]
        );
    }
}
