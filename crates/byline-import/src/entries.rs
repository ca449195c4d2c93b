//! What one Markdown file becomes: an author, a page or an article, read from its front
//! matter in the conventions of Hugo, Jekyll and Zola plus Byline's own keys. Problems name
//! the file and the line of the key at fault.

use crate::frontmatter::{Document, list_of_text, parse};
use crate::report::Problem;
use byline_core::{
    ArticleInput, ArticleStatus, AuthorInput, AuthorLink, License, PageInput, slugify,
};
use byline_store::StoreError;
use chrono::{DateTime, Utc};
use serde_json::Value;
use std::collections::HashSet;

/// Keys Byline reads from an article's front matter; anything else is reported once per key.
pub(crate) const ARTICLE_KEYS: &[&str] = &[
    "title",
    "date",
    "publishdate",
    "publishDate",
    "published_at",
    "updated",
    "lastmod",
    "last_modified_at",
    "modified",
    "draft",
    "published",
    "status",
    "slug",
    "summary",
    "description",
    "excerpt",
    "subtitle",
    "authors",
    "author",
    "note",
    "source_name",
    "source_url",
    "copyright",
    "copyright_year",
    "license",
    "licence",
    "canonical",
    "canonical_url",
    "canonicalURL",
    "image",
    "featured_image",
    "image_alt",
    "image_caption",
    "seo_title",
    "seo_description",
    "taxonomies",
    "access",
    "tiers",
    // Comments on or off (`comments: false`), as Jekyll and Hugo themes write it.
    "comments",
    "comments_close_after_days",
    // Shown first on the home page (`featured: true`).
    "featured",
    // Machinery of other generators that carries no content.
    "layout",
    "type",
    "weight",
    "aliases",
    "url",
    "permalink",
    "template",
    "toc",
    "math",
    "menu",
    "extra",
    "render",
    "in_search_index",
    "sort_by",
    "paginate_by",
    "categories_weight",
    "tags_weight",
    "showToc",
    "TocOpen",
    "ShowToc",
    "hidemeta",
];

/// A store error as a problem in a file, on the line of the first field it names.
pub(crate) fn store_problem(path: &str, doc: Option<&Document<'_>>, e: StoreError) -> Problem {
    let line = match (&e, doc) {
        (StoreError::Invalid(i), Some(d)) => i.0.first().and_then(|f| {
            let key = f.field.split(['[', '.']).next().unwrap_or(&f.field);
            d.line_of(front_matter_name(key))
        }),
        _ => None,
    };
    Problem { path: path.to_owned(), line, message: e.to_string() }
}

/// The front matter key a validated field comes from.
fn front_matter_name(field: &str) -> &str {
    match field {
        "canonical_url" => "canonical",
        "copyright_holder" => "copyright",
        "published_at" => "date",
        "excerpt" => "summary",
        other => other,
    }
}

/// The file's name without extension, or its folder's for a page bundle (`x/index.md`),
/// without a Jekyll date prefix (`2026-03-14-x.md`).
fn file_slug(path: &str) -> (String, Option<DateTime<Utc>>) {
    let parts: Vec<&str> = path.split('/').collect();
    let file = parts.last().copied().unwrap_or(path);
    let stem = file.rsplit_once('.').map_or(file, |(s, _)| s);
    let stem = if stem == "index" && parts.len() > 1 { parts[parts.len() - 2] } else { stem };
    // Byte 10 being `-` makes 10 and 11 character boundaries, so the slices cannot panic.
    if stem.len() > 11
        && stem.as_bytes()[10] == b'-'
        && let Some(date) = crate::frontmatter::parse_date(&stem[..10])
    {
        return (slugify(&stem[11..]), Some(date));
    }
    (slugify(stem), None)
}

pub(crate) fn author(path: &str, text: &str) -> Result<AuthorInput, Problem> {
    let doc = parse(path, text)?;
    let links = match doc.first(&["links"]) {
        None => Vec::new(),
        Some((k, Value::Array(items))) => items
            .iter()
            .map(|i| match i {
                Value::Object(m) => Ok(AuthorLink {
                    title: m.get("title").and_then(Value::as_str).unwrap_or_default().to_owned(),
                    url: m.get("url").and_then(Value::as_str).unwrap_or_default().to_owned(),
                }),
                Value::String(u) => Ok(bare_link(u)),
                _ => Err(doc.problem(k, "each of `links` is a URL or has a `title` and a `url`")),
            })
            .collect::<Result<_, _>>()?,
        Some((k, _)) => {
            return Err(doc.problem(k, "`links` must be a list of URLs or of {title, url}"));
        }
    };
    let name = doc.text(&["name", "title"])?.unwrap_or_default();
    if name.trim().is_empty() {
        return Err(Problem {
            path: path.to_owned(),
            line: Some(1),
            message: "an author needs a `name`".into(),
        });
    }
    let input = AuthorInput {
        name,
        slug: Some(doc.text(&["slug"])?.unwrap_or_else(|| file_slug(path).0)),
        bio: Some(doc.body.trim().to_owned()),
        photo: doc.text(&["photo", "avatar", "image"])?,
        website: doc.text(&["website", "url"])?,
        email: doc.text(&["email"])?,
        links,
        guest: doc.bool(&["guest"])?.unwrap_or(false),
    };
    input.validate().map_err(|e| store_problem(path, Some(&doc), e.into()))?;
    Ok(input)
}

/// A link given as a bare URL: its host is its title (`https://www.example.org/x` is
/// `www.example.org`). A URL that does not parse keeps itself as the title, and validation
/// then says what is wrong with it.
fn bare_link(u: &str) -> AuthorLink {
    let u = u.trim();
    let title = url::Url::parse(u)
        .ok()
        .and_then(|p| p.host_str().map(str::to_owned))
        .unwrap_or_else(|| u.to_owned());
    AuthorLink { title, url: u.to_owned() }
}

pub(crate) fn page(doc: &Document<'_>) -> Result<PageInput, Problem> {
    let title = doc.text(&["title"])?.unwrap_or_default();
    if title.trim().is_empty() {
        return Err(Problem {
            path: doc.path.to_owned(),
            line: Some(1),
            message: "a page needs a `title`".into(),
        });
    }
    let weight = doc.int(&["weight"])?.unwrap_or(0);
    Ok(PageInput {
        title,
        slug: Some(doc.text(&["slug"])?.unwrap_or_else(|| file_slug(doc.path).0)),
        body: doc.body.trim().to_owned(),
        weight: i32::try_from(weight)
            .map_err(|_| doc.problem("weight", "`weight` is too large"))?,
        in_nav: doc.bool(&["nav", "in_nav"])?.unwrap_or(true),
    })
}

pub(crate) fn article(
    doc: &Document<'_>,
    taxonomies: &HashSet<String>,
    now: DateTime<Utc>,
) -> Result<ArticleInput, Problem> {
    let title = doc.text(&["title"])?.unwrap_or_default();
    if title.trim().is_empty() {
        return Err(Problem {
            path: doc.path.to_owned(),
            line: Some(1),
            message: "an article needs a `title`".into(),
        });
    }
    let (slug_from_file, date_from_file) = file_slug(doc.path);
    let date =
        doc.date(&["date", "publishdate", "publishDate", "published_at"])?.or(date_from_file);
    let draft = doc.bool(&["draft"])?.unwrap_or(false)
        || doc.bool(&["published"])? == Some(false)
        || doc.path.starts_with("_drafts/");
    let status = match doc.text(&["status"])? {
        Some(s) => s.parse::<ArticleStatus>().map_err(|m| doc.problem("status", m))?,
        None if draft => ArticleStatus::Draft,
        None if date.is_some_and(|d| d > now) => ArticleStatus::Scheduled,
        None => ArticleStatus::Published,
    };
    if status.is_live() && date.is_none() {
        return Err(Problem {
            path: doc.path.to_owned(),
            line: Some(1),
            message: "a published article needs a `date` (or `draft: true`)".into(),
        });
    }
    let license = match doc.text(&["license", "licence"])? {
        None => None,
        Some(l) => Some(l.parse::<License>().map_err(|m| doc.problem("license", m))?),
    };
    let mut terms = Vec::new();
    for (key, value) in &doc.keys {
        if taxonomies.contains(key) {
            let names = list_of_text(value)
                .ok_or_else(|| doc.problem(key, format!("`{key}` must be a list of terms")))?;
            terms.extend(names.into_iter().map(|n| (key.clone(), n)));
        }
    }
    if let Some((k, v)) = doc.first(&["taxonomies"]) {
        // Zola: [taxonomies] tags = [...], regions = [...]
        let Value::Object(map) = v else {
            return Err(doc.problem(k, "`taxonomies` must be a table of lists"));
        };
        for (tax, value) in map {
            let names = list_of_text(value)
                .ok_or_else(|| doc.problem(tax, format!("`{tax}` must be a list of terms")))?;
            terms.extend(names.into_iter().map(|n| (tax.clone(), n)));
        }
    }
    let mut authors = doc.list(&["authors"])?;
    if authors.is_empty() {
        authors = doc.list(&["author"])?;
    }
    let year = doc.int(&["copyright_year"])?;
    let close_days = match doc.int(&["comments_close_after_days"])? {
        Some(d) if d < 0 => {
            let k = "comments_close_after_days";
            return Err(doc.problem(k, format!("`{k}` must be 0 or more days, not {d}")));
        }
        // Too large to pass the article's own check, which names the field and the limit.
        d => d.map(|d| u32::try_from(d).unwrap_or(u32::MAX)),
    };
    Ok(ArticleInput {
        title,
        slug: Some(doc.text(&["slug"])?.unwrap_or(slug_from_file)),
        subtitle: doc.text(&["subtitle"])?,
        body: doc.body.trim().to_owned(),
        excerpt: doc.text(&["summary", "description", "excerpt"])?,
        status,
        published_at: date,
        updated_at: doc.date(&["updated", "lastmod", "last_modified_at", "modified"])?,
        authors,
        terms,
        image: doc.text(&["image", "featured_image"])?,
        image_alt: doc.text(&["image_alt"])?,
        image_caption: doc.text(&["image_caption"])?,
        note: doc.text(&["note"])?,
        source_name: doc.text(&["source_name"])?,
        source_url: doc.text(&["source_url"])?,
        copyright_holder: doc.text(&["copyright"])?,
        copyright_year: year.map(|y| i32::try_from(y).unwrap_or(i32::MAX)),
        license,
        canonical_url: doc.text(&["canonical", "canonical_url", "canonicalURL"])?,
        seo_title: doc.text(&["seo_title"])?,
        seo_description: doc.text(&["seo_description"])?,
        republish: doc.bool(&["republish"])?,
        comments: doc.bool(&["comments"])?,
        comments_close_after_days: close_days,
        featured: doc.bool(&["featured"])?.unwrap_or(false),
        access: doc.text(&["access"])?,
        tiers: doc.list(&["tiers"])?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_come_from_files_bundles_and_jekyll_names() {
        assert_eq!(file_slug("posts/energy.md").0, "energy");
        assert_eq!(file_slug("posts/energy/index.md").0, "energy");
        let (slug, date) = file_slug("_posts/2026-03-14-minsk-notes.md");
        assert_eq!(slug, "minsk-notes");
        assert!(date.is_some());
    }

    #[test]
    fn author_links_may_be_bare_urls_titled_by_their_host() {
        let text = "---\nname: Ana\nlinks:\n  - https://www.example.org/ana\n  - {title: Blog, url: https://blog.example}\n---\n";
        let a = author("authors/ana.md", text).unwrap();
        let links: Vec<_> = a.links.iter().map(|l| (l.title.as_str(), l.url.as_str())).collect();
        assert_eq!(
            links,
            [("www.example.org", "https://www.example.org/ana"), ("Blog", "https://blog.example")]
        );
        let bad = author("authors/b.md", "---\nname: B\nlinks:\n  - 42\n---\n").unwrap_err();
        assert_eq!(bad.line, Some(3), "{bad:?}");
    }
}
