//! The addresses a static site's pages had, so that each keeps working (301) after the
//! import: a page's own address on the old site (Hugo's and Zola's `/section/slug/`,
//! Jekyll's `permalink` pattern or key), Hugo's and Zola's `aliases`, and Jekyll's
//! `redirect_from`. An address that is already the Byline address is left out.
//!
//! Hugo reads an alias without a leading `/` beside the page's own address
//! (`/post/a/` with `old` → `/post/old/`); Zola and Jekyll read every alias from the root.

use super::config::{Generator, SiteConfig};
use crate::frontmatter::{Document, list_of_text};
use crate::report::{Problem, Report};
use byline_core::old_address::{AddressTarget, OldAddress};
use byline_store::Store;
use serde_json::Value;

/// Where the old site was served from: `/jasper2` for Jekyll's `baseurl: /jasper2/` or a
/// base URL of `https://x.example/jasper2/`; empty at the root.
pub(crate) fn base_path(config: &SiteConfig) -> String {
    let from = config.base_path.as_deref().or(config.base_url.as_deref()).unwrap_or("");
    let path = byline_core::old_address::normalise(from).map(|(p, _)| p).unwrap_or_default();
    path.trim_end_matches('/').to_owned()
}

/// A path segment as the generator writes it in URLs: Zola slugifies, Hugo lower-cases
/// and turns spaces into hyphens.
fn segment(generator: Generator, s: &str) -> String {
    match generator {
        Generator::Zola => byline_core::slugify(s),
        _ => s.trim().to_lowercase().replace(' ', "-"),
    }
}

/// The file's stem: a bundle's folder name, or the file name without its extension.
fn stem(path: &str) -> (&str, &str) {
    let (dir, name) = path.rsplit_once('/').unwrap_or(("", path));
    if matches!(name, "index.md" | "index.markdown") && !dir.is_empty() {
        let (up, bundle) = dir.rsplit_once('/').unwrap_or(("", dir));
        return (up, bundle);
    }
    (dir, name.rsplit_once('.').map_or(name, |(s, _)| s))
}

/// `2016-10-08_x` / `2016-10-08-x` → (`2016-10-08`, `x`).
fn dated(stem: &str) -> Option<(&str, &str)> {
    (stem.len() > 11
        && matches!(stem.as_bytes()[10], b'-' | b'_')
        && crate::frontmatter::parse_date(&stem[..10]).is_some())
    .then(|| (&stem[..10], &stem[11..]))
}

fn text(doc: &Document<'_>, key: &'static str) -> Option<String> {
    doc.text(&[key]).ok().flatten().filter(|s| !s.trim().is_empty())
}

/// A key holding one address or a list of them.
fn addresses_in(doc: &Document<'_>, key: &str) -> Vec<String> {
    match doc.keys.get(key) {
        Some(Value::String(s)) => vec![s.clone()],
        Some(v) => list_of_text(v).unwrap_or_default(),
        None => Vec::new(),
    }
}

/// The address a Hugo or Zola page had: its folders and slug, or its `url` (Hugo) or
/// `path` (Zola).
fn hugo_zola_own(generator: Generator, path: &str, doc: &Document<'_>) -> String {
    let fixed = if generator == Generator::Hugo { "url" } else { "path" };
    if let Some(u) = text(doc, fixed) {
        return format!("/{}", u.trim_start_matches('/'));
    }
    let (up, name) = stem(path);
    let mut parts: Vec<String> =
        up.split('/').filter(|s| !s.is_empty()).map(|s| segment(generator, s)).collect();
    let name = match (generator, dated(name)) {
        (Generator::Zola, Some((_, rest))) => rest,
        _ => name,
    };
    let given = text(doc, "slug").map(|s| match generator {
        Generator::Zola => segment(generator, &s),
        _ => s,
    });
    parts.push(given.unwrap_or_else(|| segment(generator, name)));
    format!("/{}/", parts.join("/"))
}

/// A Jekyll post's address by its `permalink` pattern (or one of the named styles).
fn jekyll_post(pattern: &str, path: &str, doc: &Document<'_>) -> Option<String> {
    let pattern = match pattern {
        "date" => "/:categories/:year/:month/:day/:title:output_ext",
        "pretty" => "/:categories/:year/:month/:day/:title/",
        "ordinal" => "/:categories/:year/:y_day/:title:output_ext",
        "none" => "/:categories/:title:output_ext",
        p => p,
    };
    let (_, name) = stem(path);
    let (file_date, file_title) = dated(name)?;
    let date = text(doc, "date")
        .filter(|d| d.len() >= 10 && crate::frontmatter::parse_date(&d[..10]).is_some())
        .map_or(file_date.to_owned(), |d| d[..10].to_owned());
    let day = chrono::NaiveDate::parse_from_str(&date, "%Y-%m-%d").ok()?;
    let title = text(doc, "slug").unwrap_or_else(|| file_title.to_owned());
    let mut categories: Vec<String> = Vec::new();
    for key in ["category", "categories"] {
        match doc.keys.get(key) {
            Some(Value::String(s)) => categories.extend(s.split_whitespace().map(str::to_owned)),
            Some(v) => categories.extend(list_of_text(v).unwrap_or_default()),
            None => {}
        }
    }
    let categories: Vec<String> = categories.iter().map(|c| c.to_lowercase()).collect();
    let mut out = pattern.to_owned();
    // Longest names first, so `:i_month` is not read as `:month`.
    let values = [
        (":categories", categories.join("/")),
        (":output_ext", ".html".to_owned()),
        (":short_year", day.format("%y").to_string()),
        (":i_month", day.format("%-m").to_string()),
        (":i_day", day.format("%-d").to_string()),
        (":y_day", day.format("%j").to_string()),
        (":month", day.format("%m").to_string()),
        (":year", day.format("%Y").to_string()),
        (":title", title.clone()),
        (":slug", byline_core::slugify(&title)),
        (":day", day.format("%d").to_string()),
    ];
    for (name, value) in values {
        out = out.replace(name, &value);
    }
    // A placeholder this importer does not know (`:week`) gives no address.
    (!out.contains(':')).then_some(out)
}

/// Every old address of one article or page (relative to the site's root, before the
/// base path), its own first.
pub(crate) fn of_file(config: &SiteConfig, path: &str, doc: &Document<'_>) -> Vec<String> {
    let generator = config.generator;
    let mut out = Vec::new();
    match generator {
        Generator::Jekyll => {
            let post = path.starts_with("_posts/");
            if let Some(p) = text(doc, "permalink") {
                out.push(p);
            } else if post {
                let pattern = config.permalink.as_deref().unwrap_or("date");
                out.extend(jekyll_post(pattern, path, doc));
            } else if !path.starts_with("_drafts/") {
                let (dir, file) = path.rsplit_once('/').unwrap_or(("", path));
                let name = file.rsplit_once('.').map_or(file, |(s, _)| s);
                let pretty =
                    config.permalink.as_deref().is_some_and(|p| p == "pretty" || p.ends_with('/'));
                let at = if dir.is_empty() { String::new() } else { format!("/{dir}") };
                out.push(match name {
                    "index" => format!("{at}/"),
                    _ if pretty => format!("{at}/{name}/"),
                    _ => format!("{at}/{name}.html"),
                });
            }
            out.extend(addresses_in(doc, "redirect_from"));
        }
        Generator::Hugo | Generator::Zola => {
            let own = hugo_zola_own(generator, path, doc);
            out.extend(aliases(generator, &own, doc));
            out.insert(0, own);
        }
    }
    out
}

/// A section's old addresses: its own (`/posts/`) and its `aliases`.
pub(crate) fn of_section(generator: Generator, folder: &str, aliases: &[String]) -> Vec<String> {
    let parts: Vec<String> =
        folder.split('/').filter(|s| !s.is_empty()).map(|s| segment(generator, s)).collect();
    let own = format!("/{}/", parts.join("/"));
    let mut out = vec![own.clone()];
    out.extend(aliases.iter().map(|a| relative_alias(generator, &own, a)));
    out
}

fn relative_alias(generator: Generator, own: &str, alias: &str) -> String {
    let beside = own.trim_end_matches('/').rsplit_once('/').map_or("", |(up, _)| up);
    match generator {
        Generator::Hugo if !alias.starts_with('/') && !alias.contains("://") => {
            format!("{beside}/{alias}")
        }
        _ => alias.to_owned(),
    }
}

fn aliases(generator: Generator, own: &str, doc: &Document<'_>) -> Vec<String> {
    addresses_in(doc, "aliases").iter().map(|a| relative_alias(generator, own, a)).collect()
}

/// The old addresses as kept addresses leading to `target`, under the site's base path,
/// leaving out the one that is `new` (the Byline address itself) and any that is not an
/// address; those are named in the report.
pub(crate) fn to_keep(
    base: &str,
    urls: &[String],
    new: &str,
    target: AddressTarget,
    file: &str,
    report: &mut Report,
) -> Vec<OldAddress> {
    let new = OldAddress::new(new, target).ok();
    let mut out: Vec<OldAddress> = Vec::new();
    for u in urls {
        let at = if u.contains("://") {
            u.clone()
        } else {
            format!("{base}/{}", u.trim_start_matches('/'))
        };
        match OldAddress::new(&at, target) {
            Ok(a) if new.as_ref().is_some_and(|n| n.path == a.path && n.query == a.query) => {}
            Ok(a) if a.path == "/" && a.query.is_empty() => {}
            Ok(a) => {
                if !out.contains(&a) {
                    out.push(a);
                }
            }
            Err(e) => report.warnings.push(Problem {
                path: file.to_owned(),
                line: None,
                message: format!("the old address {u:?} was not kept: {e}"),
            }),
        }
    }
    out
}

/// Keeps `addresses` (or, in a dry run, counts them) in the report's redirects row.
pub(crate) async fn keep(
    store: &Store,
    source: &str,
    addresses: &[OldAddress],
    dry_run: bool,
    file: &str,
    report: &mut Report,
) {
    if addresses.is_empty() {
        return;
    }
    if dry_run {
        report.redirects.created += addresses.len();
        return;
    }
    match store.record_old_addresses(source, addresses).await {
        Ok(r) => report.redirects.add_recorded(r),
        Err(e) => {
            report.redirects.failed += addresses.len();
            report.errors.push(Problem {
                path: file.to_owned(),
                line: None,
                message: format!("could not keep its old addresses: {e}"),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frontmatter::parse;

    #[test]
    fn jekyll_permalink_patterns() {
        let text = "---\ncategories: jekyll update\n---\nx";
        let d = parse("_posts/2016-05-20-welcome-to-jekyll.md", text).unwrap();
        let p = jekyll_post("date", d.path, &d);
        assert_eq!(p.as_deref(), Some("/jekyll/update/2016/05/20/welcome-to-jekyll.html"));
        let d = parse("_posts/1863-11-19-gettysburg-address.md", "---\ntitle: G\n---\nx").unwrap();
        assert_eq!(jekyll_post("/:title", d.path, &d).as_deref(), Some("/gettysburg-address"));
        assert_eq!(jekyll_post("/:week/:title", d.path, &d), None);
    }

    #[test]
    fn hugo_aliases_sit_beside_the_page_and_zola_ones_at_the_root() {
        let d = parse("post/a.md", "+++\naliases = [\"old\", \"/x/y\"]\n+++\n").unwrap();
        let own = hugo_zola_own(Generator::Hugo, "post/a.md", &d);
        assert_eq!(own, "/post/a/");
        assert_eq!(aliases(Generator::Hugo, &own, &d), ["/post/old", "/x/y"]);
        let section = of_section(Generator::Hugo, "post", &["posts".into()]);
        assert_eq!(section, ["/post/", "/posts"]);
        let z = parse("posts/2016-10-08_dated.md", "+++\naliases = [\"top.html\"]\n+++\n").unwrap();
        let own = hugo_zola_own(Generator::Zola, z.path, &z);
        assert_eq!(own, "/posts/dated/");
        assert_eq!(aliases(Generator::Zola, &own, &z), ["top.html"]);
    }
}
