//! Which content file of a site becomes what: an article (in which section), a page, a
//! section's description, or nothing (and why), and the Byline address of each, so that
//! `ref`, `post_url` and `@/` links can point at their new homes.

use super::config::{Generator, glob_matches};
use super::{Site, title_from_slug};
use crate::frontmatter::{Document, parse};
use crate::report::Problem;
use byline_core::slugify;
use std::collections::{BTreeMap, HashMap, HashSet};

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Role {
    /// An article, in the section at this folder (relative to the content folder).
    Article {
        section: Option<String>,
        draft_section: bool,
    },
    Page,
    /// The `_index.md` of the section at this folder.
    Section(String),
    /// Not content of its own; the reason goes into the report when there is one.
    Skip(Option<String>),
}

pub(crate) struct Planned<'a> {
    pub path: &'a str,
    pub role: Role,
    pub doc: Result<Document<'a>, Problem>,
    /// The slug Byline is asked for (articles may get a free variant of it).
    pub slug: String,
}

/// A section folder: its term's slug, its parent folder (a section too), its `_index.md`.
#[derive(Debug, Clone)]
pub(crate) struct Section {
    pub slug: String,
    pub parent: Option<String>,
    pub name: String,
    pub description: Option<String>,
    pub draft: bool,
    pub transparent: bool,
    pub aliases: Vec<String>,
}

pub(crate) struct Plan<'a> {
    pub files: Vec<Planned<'a>>,
    /// Sections by folder, parents before children.
    pub sections: BTreeMap<String, Section>,
    /// Site path (several spellings) → Byline address.
    pub addresses: HashMap<String, String>,
}

fn folder_of(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(d, _)| d)
}

fn file_name(path: &str) -> &str {
    path.rsplit_once('/').map_or(path, |(_, f)| f)
}

fn is_repo_file(file: &str) -> bool {
    let stem = file.rsplit_once('.').map_or(file, |(s, _)| s).to_ascii_uppercase();
    matches!(stem.as_str(), "README" | "CHANGELOG" | "LICENSE" | "LICENCE" | "CONTRIBUTING" | "404")
}

fn has_date_in_name(path: &str) -> bool {
    let stem = file_name(path);
    stem.len() > 11
        && matches!(stem.as_bytes()[10], b'-' | b'_')
        && crate::frontmatter::parse_date(&stem[..10]).is_some()
}

pub(crate) fn plan(site: &Site) -> Plan<'_> {
    let generator = site.config.generator;
    let docs: Vec<(&str, Result<Document<'_>, Problem>)> = site
        .files
        .iter()
        .map(|f| {
            let doc = match &f.text {
                Ok(t) => parse(&f.path, t),
                Err(e) => Err(Problem {
                    path: f.path.clone(),
                    line: None,
                    message: format!("cannot read: {e}"),
                }),
            };
            (f.path.as_str(), doc)
        })
        .collect();
    let bool_key = |d: &Result<Document<'_>, Problem>, k: &'static str| {
        d.as_ref().ok().and_then(|d| d.bool(&[k]).ok().flatten()).unwrap_or(false)
    };

    // Bundles (folders with an index.md) and, in Hugo, headless ones.
    let mut bundles = HashSet::new();
    let mut headless = HashSet::new();
    for (path, doc) in &docs {
        if matches!(file_name(path), "index.md" | "index.markdown") && path.contains('/') {
            bundles.insert(folder_of(path).to_owned());
            if bool_key(doc, "headless") {
                headless.insert(folder_of(path).to_owned());
            }
        }
    }

    // Sections: folders with an `_index.md`, and in Hugo every top-level folder.
    let mut sections = BTreeMap::new();
    if generator != Generator::Jekyll {
        for (path, doc) in &docs {
            let dir = folder_of(path);
            let top = dir.split('/').next().unwrap_or("");
            let hugo_top = generator == Generator::Hugo
                && !dir.is_empty()
                && !bundles.contains(top)
                && !headless.contains(top);
            let index = file_name(path) == "_index.md" && !dir.is_empty();
            if index || hugo_top {
                let folder = if index { dir } else { top };
                let entry = sections.entry(folder.to_owned()).or_insert_with(|| {
                    let last = file_name(folder);
                    Section {
                        slug: slugify(last),
                        parent: None,
                        name: title_from_slug(last),
                        description: None,
                        draft: false,
                        transparent: false,
                        aliases: Vec::new(),
                    }
                });
                if index && let Ok(d) = doc {
                    if let Ok(Some(t)) = d.text(&["title"]) {
                        entry.name = t;
                    }
                    let body = d.body.trim();
                    entry.description = if body.is_empty() {
                        d.text(&["description"]).ok().flatten()
                    } else {
                        Some(body.to_owned())
                    };
                    entry.draft = d.bool(&["draft"]).ok().flatten().unwrap_or(false);
                    entry.transparent = d.bool(&["transparent"]).ok().flatten().unwrap_or(false);
                    entry.aliases = d.list(&["aliases"]).unwrap_or_default();
                }
            }
        }
        let folders: Vec<String> = sections.keys().cloned().collect();
        for f in &folders {
            let mut up = folder_of(f);
            while !up.is_empty() && !sections.contains_key(up) {
                up = folder_of(up);
            }
            if !up.is_empty()
                && let Some(s) = sections.get_mut(f)
            {
                s.parent = Some(up.to_owned());
            }
        }
    }
    // The section an article at `dir` is in: its nearest section folder that is not
    // transparent.
    let section_of = |dir: &str| -> Option<String> {
        let mut d = dir;
        loop {
            if let Some(s) = sections.get(d)
                && !s.transparent
            {
                return Some(d.to_owned());
            }
            if d.is_empty() {
                return None;
            }
            d = folder_of(d);
        }
    };
    let in_draft_section = |dir: &str| {
        let mut d = dir;
        while !d.is_empty() {
            if sections.get(d).is_some_and(|s| s.draft) {
                return true;
            }
            d = folder_of(d);
        }
        false
    };

    let mut files = Vec::new();
    let mut page_slugs: HashSet<String> = HashSet::new();
    let mut addresses = HashMap::new();
    for (path, doc) in docs {
        let dir = folder_of(path);
        let name = file_name(path);
        let is_bundle_index = matches!(name, "index.md" | "index.markdown") && !dir.is_empty();
        let top_level = dir.is_empty() || (is_bundle_index && !dir.contains('/'));
        let dated = has_date_in_name(path)
            || doc.as_ref().is_ok_and(|d| {
                d.first(&["date", "publishdate", "publishDate", "published_at"]).is_some()
            });
        let draft = bool_key(&doc, "draft");
        let role = if name == "_index.md" {
            if dir.is_empty() { Role::Skip(None) } else { Role::Section(dir.to_owned()) }
        } else if dir.is_empty()
            && (matches!(name, "index.md" | "index.html") || is_repo_file(name))
        {
            Role::Skip(None)
        } else if site.config.ignored.iter().any(|g| glob_matches(g, path)) {
            Role::Skip(Some(format!("left out: {} lists it in ignored_content", site.config.file)))
        } else if let Some(h) = headless.iter().find(|h| path.starts_with(&format!("{h}/"))) {
            Role::Skip(Some(format!(
                "part of the headless bundle {h}/, which has no page of its own"
            )))
        } else if !is_bundle_index && bundles.contains(dir) {
            Role::Skip(Some(format!("a resource of the page bundle {dir}/, not a page")))
        } else if generator == Generator::Jekyll {
            if path.starts_with("_posts/") || path.starts_with("_drafts/") {
                Role::Article { section: None, draft_section: false }
            } else {
                Role::Page
            }
        } else if in_draft_section(dir) {
            Role::Article { section: section_of(dir), draft_section: true }
        } else if top_level || !(dated || draft) {
            Role::Page
        } else {
            Role::Article { section: section_of(dir), draft_section: false }
        };
        let given = doc.as_ref().ok().and_then(|d| d.text(&["slug"]).ok().flatten());
        let stem_dir = if is_bundle_index { dir } else { path };
        let stem = file_name(stem_dir);
        let stem = stem.rsplit_once('.').filter(|_| !is_bundle_index).map_or(stem, |(s, _)| s);
        let bare = if has_date_in_name(stem) { &stem[11..] } else { stem };
        let mut slug = slugify(given.as_deref().unwrap_or(bare));
        let url = match &role {
            Role::Page => {
                // Two pages from files of the same name in different folders keep apart.
                if !page_slugs.insert(slug.clone()) && !dir.is_empty() {
                    slug = slugify(&format!("{}-{slug}", dir.replace('/', "-")));
                    page_slugs.insert(slug.clone());
                }
                Some(format!("/{slug}/"))
            }
            Role::Article { .. } => Some(format!("/articles/{slug}/")),
            Role::Section(folder) => sections.get(folder).map(|s| format!("/sections/{}/", s.slug)),
            Role::Skip(_) => None,
        };
        if let Some(url) = url {
            let no_ext = path.rsplit_once('.').map_or(path, |(s, _)| s);
            for key in [path, no_ext, file_name(path), file_name(no_ext), stem_dir] {
                addresses.entry(key.to_owned()).or_insert_with(|| url.clone());
            }
        }
        files.push(Planned { path, role, doc, slug });
    }
    Plan { files, sections, addresses }
}

/// Looks a site path up in the plan's addresses: `/post/x.md`, `post/x`, `x.md` or a Jekyll
/// post's `2016-05-19-x`.
pub(crate) fn resolve(addresses: &HashMap<String, String>, target: &str) -> Option<String> {
    let t = target.trim().trim_matches(['"', '\'']).trim_start_matches('/');
    let t = t.strip_prefix("content/").unwrap_or(t);
    let t = t.strip_suffix('/').unwrap_or(t);
    addresses.get(t).or_else(|| addresses.get(&format!("_posts/{t}"))).cloned()
}

/// Removes keys set to nothing (`tags:` with no value), which say no more than a missing key.
pub(crate) fn drop_empty(doc: &mut Document<'_>) {
    doc.keys.retain(|_, v| !v.is_null());
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::config::{Generator, SiteConfig};
    use crate::source::SourceFile;

    fn site(generator: Generator, files: &[(&str, &str)]) -> Site {
        let config = SiteConfig {
            generator,
            file: "config.toml".into(),
            content_dir: "content".into(),
            title: None,
            description: None,
            language: None,
            base_url: None,
            base_path: None,
            copyright: None,
            taxonomies: Vec::new(),
            ignored: vec!["*/ignored.md".into()],
            permalink: None,
            authors: Default::default(),
            tags: Default::default(),
        };
        Site {
            root: "/nonexistent".into(),
            config,
            files: files
                .iter()
                .map(|(p, t)| SourceFile { path: (*p).into(), text: Ok((*t).into()) })
                .collect(),
        }
    }

    #[test]
    fn roles_of_files_in_a_zola_site() {
        let s = site(
            Generator::Zola,
            &[
                ("_index.md", "+++\n+++\n"),
                ("about.md", "+++\ntitle = \"About\"\ndate = 2020-01-01\n+++\n"),
                ("posts/_index.md", "+++\ntitle = \"Posts\"\n+++\nAll posts."),
                ("posts/a.md", "+++\ntitle = \"A\"\ndate = 2020-01-01\n+++\nx"),
                ("posts/undated.md", "+++\ntitle = \"U\"\n+++\nx"),
                ("posts/ignored.md", "+++\ntitle = \"I\"\ndate = 2020-01-01\n+++\nx"),
                ("posts/2018/_index.md", "+++\ntransparent = true\n+++\n"),
                ("posts/2018/b.md", "+++\ntitle = \"B\"\ndate = 2018-01-01\n+++\nx"),
                ("secret/_index.md", "+++\ndraft = true\n+++\n"),
                ("secret/c.md", "+++\ntitle = \"C\"\n+++\nx"),
            ],
        );
        let p = plan(&s);
        let role = |path: &str| p.files.iter().find(|f| f.path == path).unwrap().role.clone();
        assert_eq!(role("_index.md"), Role::Skip(None));
        assert_eq!(role("about.md"), Role::Page, "top-level files are pages, dated or not");
        assert_eq!(role("posts/_index.md"), Role::Section("posts".into()));
        let in_posts = Role::Article { section: Some("posts".into()), draft_section: false };
        assert_eq!(role("posts/a.md"), in_posts);
        assert_eq!(role("posts/undated.md"), Role::Page);
        assert!(matches!(role("posts/ignored.md"), Role::Skip(Some(_))));
        assert_eq!(role("posts/2018/b.md"), in_posts, "transparent sections pass posts up");
        assert_eq!(
            role("secret/c.md"),
            Role::Article { section: Some("secret".into()), draft_section: true }
        );
        assert_eq!(p.sections["posts"].description.as_deref(), Some("All posts."));
        assert_eq!(
            resolve(&p.addresses, "@/posts/a.md".trim_start_matches('@')),
            Some("/articles/a/".into())
        );
        assert_eq!(resolve(&p.addresses, "about.md"), Some("/about/".into()));
    }

    #[test]
    fn hugo_bundles_and_headless_bundles() {
        let s = site(
            Generator::Hugo,
            &[
                ("homepage/index.md", "---\nheadless: true\n---\n"),
                ("homepage/about.md", "---\ntitle: x\n---\n"),
                ("post/trip/index.md", "---\ntitle: Trip\ndate: 2020-01-01\n---\nx"),
                ("post/trip/notes.md", "---\ntitle: notes\n---\n"),
            ],
        );
        let p = plan(&s);
        let role = |path: &str| p.files.iter().find(|f| f.path == path).unwrap().role.clone();
        assert!(matches!(role("homepage/about.md"), Role::Skip(Some(m)) if m.contains("headless")));
        assert!(
            matches!(role("post/trip/notes.md"), Role::Skip(Some(m)) if m.contains("resource"))
        );
        assert_eq!(
            role("post/trip/index.md"),
            Role::Article { section: Some("post".into()), draft_section: false }
        );
        assert_eq!(p.files.iter().find(|f| f.path == "post/trip/index.md").unwrap().slug, "trip");
        assert!(!p.sections.contains_key("homepage"));
    }
}
