//! The editor's form: every article field as typed (strings, so a bad value is shown back
//! exactly as it was), read from a urlencoded body with repeated keys, and turned into the
//! core's `ArticleInput`.

use byline_core::editorial::EditableArticle;
use byline_core::{ArticleInput, FieldError, License, Taxonomy, Term};
use chrono::{DateTime, NaiveDateTime, Utc};
use serde::Serialize;

/// Every field of the editor, as typed.
#[derive(Debug, Clone, Default, Serialize)]
pub struct EditorForm {
    pub title: String,
    pub slug: String,
    pub subtitle: String,
    pub body: String,
    pub excerpt: String,
    /// Author slugs in byline order, comma-separated.
    pub authors: String,
    /// Ids of the checked terms.
    pub terms: Vec<i64>,
    pub note: String,
    pub source_name: String,
    pub source_url: String,
    pub copyright_holder: String,
    pub copyright_year: String,
    /// A licence code, or empty for the publication's default.
    pub license: String,
    pub canonical_url: String,
    pub seo_title: String,
    pub seo_description: String,
    pub image: String,
    pub image_alt: String,
    pub image_caption: String,
    /// `""` (follow the publication), `allow` or `forbid`.
    pub republish: String,
    /// `""` (open) or `closed`.
    pub comments: String,
    /// Days after publication comments close: blank follows the publication, 0 never.
    pub comments_close_after_days: String,
    /// The "Featured" checkbox: posted only when checked.
    pub featured: bool,
    /// `YYYY-MM-DDTHH:MM`, UTC.
    pub published_at: String,
    /// `public`, `members`, `paid` or `tiers`.
    pub access: String,
    /// Slugs of the checked tiers (with `tiers`).
    pub tiers: Vec<String>,
    /// Slugs of the newsletters ticked for "publish and email" (not saved with the article).
    pub email_newsletters: Vec<String>,
    /// The segment to email to (`all` when blank).
    pub email_segment: String,
}

/// The form, the version it started from, and the button pressed.
#[derive(Debug, Default)]
pub struct Posted {
    pub form: EditorForm,
    pub version: i64,
    pub intent: String,
}

impl Posted {
    pub fn parse(pairs: Vec<(String, String)>) -> Self {
        let mut p = Posted::default();
        let f = &mut p.form;
        for (k, v) in pairs {
            match k.as_str() {
                "version" => p.version = v.trim().parse().unwrap_or(0),
                "intent" => p.intent = v,
                "title" => f.title = v,
                "slug" => f.slug = v,
                "subtitle" => f.subtitle = v,
                "body" => f.body = v,
                "excerpt" => f.excerpt = v,
                "authors" => f.authors = v,
                "terms" => f.terms.extend(v.trim().parse::<i64>().ok()),
                "note" => f.note = v,
                "source_name" => f.source_name = v,
                "source_url" => f.source_url = v,
                "copyright_holder" => f.copyright_holder = v,
                "copyright_year" => f.copyright_year = v,
                "license" => f.license = v,
                "canonical_url" => f.canonical_url = v,
                "seo_title" => f.seo_title = v,
                "seo_description" => f.seo_description = v,
                "image" => f.image = v,
                "image_alt" => f.image_alt = v,
                "image_caption" => f.image_caption = v,
                "republish" => f.republish = v,
                "comments" => f.comments = v,
                "comments_close_after_days" => f.comments_close_after_days = v,
                "featured" => f.featured = v == "on",
                "published_at" => f.published_at = v,
                "access" => f.access = v,
                "tiers" => f.tiers.push(v),
                "email_newsletters" => f.email_newsletters.push(v),
                "email_segment" => f.email_segment = v,
                _ => {}
            }
        }
        p
    }
}

/// The time format of `<input type=datetime-local>`.
const LOCAL: &str = "%Y-%m-%dT%H:%M";

fn text(v: &Option<String>) -> String {
    v.clone().unwrap_or_default()
}

fn opt(v: &str) -> Option<String> {
    Some(v.trim()).filter(|v| !v.is_empty()).map(str::to_owned)
}

/// Every term of every taxonomy, for mapping ids to slugs and back.
pub struct Vocabulary {
    pub taxonomies: Vec<(Taxonomy, Vec<Term>)>,
}

impl Vocabulary {
    fn id_of(&self, taxonomy: &str, term: &str) -> Option<i64> {
        self.taxonomies
            .iter()
            .filter(|(t, _)| t.slug == taxonomy)
            .flat_map(|(_, terms)| terms)
            .find(|t| t.slug == term)
            .map(|t| t.id)
    }

    fn slugs_of(&self, id: i64) -> Option<(String, String)> {
        self.taxonomies.iter().find_map(|(tax, terms)| {
            terms.iter().find(|t| t.id == id).map(|t| (tax.slug.clone(), t.slug.clone()))
        })
    }
}

impl EditorForm {
    /// The form for an article as saved.
    pub fn of(a: &ArticleInput, vocabulary: &Vocabulary) -> Self {
        Self {
            title: a.title.clone(),
            slug: text(&a.slug),
            subtitle: text(&a.subtitle),
            body: a.body.clone(),
            excerpt: text(&a.excerpt),
            authors: a.authors.join(", "),
            terms: a.terms.iter().filter_map(|(t, s)| vocabulary.id_of(t, s)).collect(),
            note: text(&a.note),
            source_name: text(&a.source_name),
            source_url: text(&a.source_url),
            copyright_holder: text(&a.copyright_holder),
            copyright_year: a.copyright_year.map(|y| y.to_string()).unwrap_or_default(),
            license: a.license.map(|l| l.code().to_owned()).unwrap_or_default(),
            canonical_url: text(&a.canonical_url),
            seo_title: text(&a.seo_title),
            seo_description: text(&a.seo_description),
            image: text(&a.image),
            image_alt: text(&a.image_alt),
            image_caption: text(&a.image_caption),
            republish: match a.republish {
                None => String::new(),
                Some(true) => "allow".into(),
                Some(false) => "forbid".into(),
            },
            comments: if a.comments == Some(false) { "closed".into() } else { String::new() },
            comments_close_after_days: a
                .comments_close_after_days
                .map(|d| d.to_string())
                .unwrap_or_default(),
            featured: a.featured,
            published_at: a.published_at.map(|t| t.format(LOCAL).to_string()).unwrap_or_default(),
            access: a.access.clone().unwrap_or_else(|| "public".into()),
            tiers: a.tiers.clone(),
            email_newsletters: Vec::new(),
            email_segment: String::new(),
        }
    }

    /// The core's input, or the fields that cannot even be read (a year that is not a
    /// number, a time that is not a time). `saved` supplies what the form does not carry.
    pub fn to_input(
        &self,
        vocabulary: &Vocabulary,
        saved: Option<&EditableArticle>,
    ) -> Result<ArticleInput, Vec<FieldError>> {
        let mut errors = Vec::new();
        let copyright_year = match self.copyright_year.trim() {
            "" => None,
            y => y
                .parse::<i32>()
                .map_err(|_| {
                    errors.push(FieldError::new("copyright_year", format!("{y:?} is not a year")))
                })
                .ok(),
        };
        let license = match self.license.trim() {
            "" => None,
            l => l.parse::<License>().map_err(|e| errors.push(FieldError::new("license", e))).ok(),
        };
        let comments_close_after_days = match self.comments_close_after_days.trim() {
            "" => None,
            d => d
                .parse::<u32>()
                .map_err(|_| {
                    errors.push(FieldError::new(
                        "comments_close_after_days",
                        format!("{d:?} is not a number of days (0 or more)"),
                    ))
                })
                .ok(),
        };
        let republish = match self.republish.as_str() {
            "allow" => Some(true),
            "forbid" => Some(false),
            _ => None,
        };
        let published_at = parse_time(&self.published_at)
            .map_err(|e| errors.push(FieldError::new("published_at", e)))
            .unwrap_or(None);
        let mut terms = Vec::new();
        for id in &self.terms {
            match vocabulary.slugs_of(*id) {
                Some(t) => terms.push(t),
                None => errors.push(FieldError::new("terms", format!("there is no term {id}"))),
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(ArticleInput {
            title: self.title.clone(),
            slug: opt(&self.slug),
            subtitle: opt(&self.subtitle),
            body: self.body.clone(),
            excerpt: opt(&self.excerpt),
            status: saved.map(|s| s.status).unwrap_or_default(),
            published_at,
            updated_at: saved.and_then(|s| s.input.updated_at),
            authors: split_authors(&self.authors),
            terms,
            image: opt(&self.image),
            image_alt: opt(&self.image_alt),
            image_caption: opt(&self.image_caption),
            note: opt(&self.note),
            source_name: opt(&self.source_name),
            source_url: opt(&self.source_url),
            copyright_holder: opt(&self.copyright_holder),
            copyright_year,
            license,
            canonical_url: opt(&self.canonical_url),
            seo_title: opt(&self.seo_title),
            seo_description: opt(&self.seo_description),
            republish,
            comments: (self.comments == "closed").then_some(false),
            comments_close_after_days,
            featured: self.featured,
            access: opt(&self.access),
            // Checked tiers count only when the article is for specific tiers.
            tiers: if self.access.trim() == "tiers" { self.tiers.clone() } else { Vec::new() },
        })
    }
}

/// Author slugs from a comma- or line-separated list.
pub fn split_authors(list: &str) -> Vec<String> {
    list.split([',', '\n']).map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect()
}

/// A `datetime-local` value (UTC) or an RFC 3339 time; blank is none.
pub fn parse_time(v: &str) -> Result<Option<DateTime<Utc>>, String> {
    let v = v.trim();
    if v.is_empty() {
        return Ok(None);
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(v) {
        return Ok(Some(t.with_timezone(&Utc)));
    }
    for f in [LOCAL, "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(v, f) {
            return Ok(Some(t.and_utc()));
        }
    }
    Err(format!("{v:?} is not a time; use YYYY-MM-DDTHH:MM (UTC)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_times_and_author_lists() {
        assert_eq!(split_authors("anna, bo\ncid,,"), ["anna", "bo", "cid"]);
        assert!(parse_time("2026-12-01T09:30").unwrap().is_some());
        assert!(parse_time("tomorrow").is_err());
        assert_eq!(parse_time(" ").unwrap(), None);
    }
}
