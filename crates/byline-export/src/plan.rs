//! Every file of the site as a job, run on all cores.

use crate::error::ExportError;
use crate::load::Site;
use crate::options::Options;
use byline_core::correction::ListedCorrection;
use byline_core::members::Reader;
use byline_core::taxonomy::term_and_descendants;
use byline_core::{Article, ArticleSummary};
use byline_render::feeds::{self, FEED_ITEMS, FeedFormat, FeedInfo};
use byline_render::view::{
    ArticlePage, AuthorPage, CORRECTIONS_FEED_ITEMS, CORRECTIONS_PER_PAGE, CorrectionsPage,
    HomePage, NotFoundPage, RepublishPage, SearchPage, StaticPage, TaxonomyPage, TermPage,
};
use byline_render::{Theme, sitemap, urls};
use std::collections::HashMap;
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// What an export wrote.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Report {
    pub files: usize,
    pub bytes: u64,
    pub articles: usize,
}

/// A file to write: its site path (`/articles/x/` becomes `articles/x/index.html`) and bytes.
type File = (String, Vec<u8>);
type Job<'a> = Box<dyn Fn() -> Result<Vec<File>, ExportError> + Send + Sync + 'a>;

pub(crate) fn run(
    site: &Site,
    theme: &Theme,
    options: &Options,
    out: &Path,
) -> Result<Report, ExportError> {
    let summaries: Vec<ArticleSummary> = site.articles.iter().map(Article::summary).collect();
    let jobs = plan(site, theme, options, &summaries);
    let next = AtomicUsize::new(0);
    let report = Mutex::new(Report { articles: site.articles.len(), ..Report::default() });
    let failure: Mutex<Option<ExportError>> = Mutex::new(None);
    let threads = match options.threads {
        0 => std::thread::available_parallelism().map_or(2, |n| n.get()),
        n => n,
    };
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= jobs.len() || failure.lock().expect("lock").is_some() {
                        break;
                    }
                    match jobs[i]().and_then(|files| write(out, files)) {
                        Ok((n, bytes)) => {
                            let mut r = report.lock().expect("lock");
                            r.files += n;
                            r.bytes += bytes;
                        }
                        Err(e) => {
                            failure.lock().expect("lock").get_or_insert(e);
                        }
                    }
                }
            });
        }
    });
    match failure.into_inner().expect("lock") {
        Some(e) => Err(e),
        None => Ok(report.into_inner().expect("lock")),
    }
}

fn write(out: &Path, files: Vec<File>) -> Result<(usize, u64), ExportError> {
    let mut bytes = 0;
    let n = files.len();
    for (site_path, body) in files {
        let rel = site_path.trim_start_matches('/');
        let path = if rel.is_empty() || rel.ends_with('/') {
            out.join(rel).join("index.html")
        } else {
            out.join(rel)
        };
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|source| ExportError::Write { path: dir.to_owned(), source })?;
        }
        bytes += body.len() as u64;
        std::fs::write(&path, body).map_err(|source| ExportError::Write { path, source })?;
    }
    Ok((n, bytes))
}

fn render(
    theme: &Theme,
    path: &str,
    template: &str,
    view: &impl serde::Serialize,
) -> Result<File, ExportError> {
    let html = theme
        .render(template, view)
        .map_err(|source| ExportError::Render { path: path.to_owned(), source })?;
    Ok((path.to_owned(), html.into_bytes()))
}

/// Page numbers and their slices of a list.
fn pages_of<T>(items: &[T], per_page: u64) -> (u64, impl Iterator<Item = (u64, &[T])>) {
    let per = per_page.max(1) as usize;
    let total = items.len().div_ceil(per).max(1) as u64;
    let chunks = (0..total).map(move |i| {
        let start = (i as usize * per).min(items.len());
        (i + 1, &items[start..(start + per).min(items.len())])
    });
    (total, chunks)
}

fn plan<'a>(
    site: &'a Site,
    theme: &'a Theme,
    o: &'a Options,
    all: &'a [ArticleSummary],
) -> Vec<Job<'a>> {
    let v = &site.view;
    let base = v.base_url.as_str();
    let p = &site.publication;
    let mut jobs: Vec<Job<'a>> = Vec::new();
    let (total, _) = pages_of(all, o.per_page);
    jobs.push(Box::new(move || {
        // As the served home page: featured articles first, each group newest first.
        let mut home = all.to_vec();
        home.sort_by_key(|a| !a.featured);
        let (_, chunks) = pages_of(&home, o.per_page);
        chunks
            .map(|(n, items)| {
                render(theme, &urls::paged("/", n), "home.html", &HomePage::new(v, items, n, total))
            })
            .collect()
    }));
    for a in &site.articles {
        jobs.push(Box::new(move || {
            let url = urls::article(&a.slug);
            let mut files = vec![render(
                theme,
                &url,
                "article.html",
                &ArticlePage::new(v, a, p, chrono::Utc::now(), &Reader::Anonymous)
                    .with_corrections(a, p, site.corrections.get(&a.id).map_or(&[], Vec::as_slice)),
            )?];
            if a.republishable(p) {
                let r = urls::republish(&a.slug);
                files.push(render(theme, &r, "republish.html", &RepublishPage::new(v, a, p))?);
            }
            Ok(files)
        }));
    }
    for author in &site.authors {
        jobs.push(Box::new(move || {
            let mine: Vec<ArticleSummary> = all
                .iter()
                .filter(|s| s.authors.iter().any(|r| r.slug == author.slug))
                .cloned()
                .collect();
            let base_path = urls::author(&author.slug);
            let (total, chunks) = pages_of(&mine, o.per_page);
            let mut files: Vec<File> = chunks
                .map(|(n, items)| {
                    render(
                        theme,
                        &urls::paged(&base_path, n),
                        "author.html",
                        &AuthorPage::new(v, author, items, n, total),
                    )
                })
                .collect::<Result<_, _>>()?;
            let full: Vec<&Article> = site
                .articles
                .iter()
                .filter(|a| a.authors.iter().any(|x| x.id == author.id))
                .collect();
            let info = FeedInfo::author(author, p);
            files.extend(feed_files(&info, &full, site, base));
            Ok(files)
        }));
    }
    for t in &site.taxonomies {
        let terms = site.terms.get(&t.id).map(Vec::as_slice).unwrap_or(&[]);
        jobs.push(Box::new(move || {
            let mut counts: HashMap<i64, u64> = HashMap::new();
            for s in all {
                for r in s.terms.iter().filter(|r| r.taxonomy_slug == t.slug) {
                    if let Some(term) = terms.iter().find(|x| x.slug == r.slug) {
                        *counts.entry(term.id).or_default() += 1;
                    }
                }
            }
            Ok(vec![render(
                theme,
                &urls::taxonomy(&t.slug),
                "taxonomy.html",
                &TaxonomyPage::new(v, t, terms, &counts),
            )?])
        }));
        for term in terms {
            jobs.push(Box::new(move || {
                let ids = term_and_descendants(term.id, terms);
                let slugs: Vec<&str> =
                    terms.iter().filter(|x| ids.contains(&x.id)).map(|x| x.slug.as_str()).collect();
                let filed = |refs: &[byline_core::TermRef]| {
                    refs.iter()
                        .any(|r| r.taxonomy_slug == t.slug && slugs.contains(&r.slug.as_str()))
                };
                let mine: Vec<ArticleSummary> =
                    all.iter().filter(|s| filed(&s.terms)).cloned().collect();
                let url = urls::term(&t.slug, &term.slug);
                let (total, chunks) = pages_of(&mine, o.per_page);
                let mut files: Vec<File> = chunks
                    .map(|(n, items)| {
                        let view = TermPage::new(v, t, term, terms, items, n, total);
                        render(theme, &urls::paged(&url, n), "term.html", &view)
                    })
                    .collect::<Result<_, _>>()?;
                let full: Vec<&Article> =
                    site.articles.iter().filter(|a| filed(&a.terms)).collect();
                let info = FeedInfo::term(t, term, p);
                files.extend(feed_files(&info, &full, site, base));
                Ok(files)
            }));
        }
    }
    for page in &site.pages {
        jobs.push(Box::new(move || {
            Ok(vec![render(
                theme,
                &urls::page(&page.slug),
                "page.html",
                &StaticPage::new(v, page),
            )?])
        }));
    }
    jobs.push(Box::new(move || {
        let latest: Vec<&Article> = site.articles.iter().collect();
        let info = FeedInfo::site(p);
        let mut files = feed_files(&info, &latest, site, base);
        files.push(render(
            theme,
            "/404.html",
            "404.html",
            &NotFoundPage::new(v, "/404.html", &all[..all.len().min(5)]),
        )?);
        files.push(("/robots.txt".into(), sitemap::robots_txt(base).into_bytes()));
        files.extend(corrections(site, theme)?);
        let search = SearchPage::for_static_export(v, crate::search::INDEX_DIR);
        files.push(render(theme, &urls::search(), "search.html", &search)?);
        files.extend(crate::search::index_files(site));
        files.extend(sitemaps(site, base));
        for (name, asset) in theme.assets() {
            files.push((urls::asset(name), asset.bytes.to_vec()));
        }
        Ok(files)
    }));
    jobs
}

/// `/corrections/` (newest first, paged as the server pages it) and its Atom feed.
fn corrections(site: &Site, theme: &Theme) -> Result<Vec<File>, ExportError> {
    let mut items: Vec<ListedCorrection> = site
        .articles
        .iter()
        .flat_map(|a| {
            site.corrections.get(&a.id).into_iter().flatten().map(|c| ListedCorrection {
                correction: c.clone(),
                article_slug: a.slug.clone(),
                article_title: a.title.clone(),
            })
        })
        .collect();
    items.sort_by(|x, y| {
        (y.correction.date, y.correction.id).cmp(&(x.correction.date, x.correction.id))
    });
    let (pages, chunks) = pages_of(&items, CORRECTIONS_PER_PAGE);
    let mut files: Vec<File> = chunks
        .map(|(n, slice)| {
            let path = match n {
                1 => "/corrections/".to_owned(),
                n => format!("/corrections/page/{n}/"),
            };
            let view = CorrectionsPage::new(&site.view, slice, n, pages);
            render(theme, &path, "corrections.html", &view)
        })
        .collect::<Result<_, _>>()?;
    let latest = &items[..items.len().min(CORRECTIONS_FEED_ITEMS as usize)];
    let feed = feeds::corrections_atom(&site.publication, &site.view.base_url, latest);
    files.push(("/corrections/feed.xml".into(), feed.into_bytes()));
    Ok(files)
}

fn feed_files(info: &FeedInfo, articles: &[&Article], site: &Site, base: &str) -> Vec<File> {
    let latest: Vec<Article> =
        articles.iter().take(FEED_ITEMS as usize).map(|a| (*a).clone()).collect();
    let p = &site.publication;
    FeedFormat::ALL
        .into_iter()
        .map(|f| {
            let body = feeds::render(f, info, &latest, p, base, &Reader::Anonymous);
            (format!("{}{}", info.page, f.file()), body.into_bytes())
        })
        .collect()
}

fn sitemaps(site: &Site, base: &str) -> Vec<File> {
    type Entry = (String, Option<chrono::DateTime<chrono::Utc>>);
    let mut kinds: Vec<(&str, Vec<Entry>)> = Vec::new();
    kinds.push((
        "articles",
        site.articles
            .iter()
            .rev()
            .map(|a| {
                let at = a.updated_at.or(a.published_at);
                (format!("{base}{}", urls::article(&a.slug)), at)
            })
            .collect(),
    ));
    let mut pages = vec![(format!("{base}/"), None)];
    pages.extend(
        site.pages.iter().map(|p| (format!("{base}{}", urls::page(&p.slug)), Some(p.updated_at))),
    );
    kinds.push(("pages", pages));
    kinds.push((
        "authors",
        site.authors.iter().map(|a| (format!("{base}{}", urls::author(&a.slug)), None)).collect(),
    ));
    let mut terms = Vec::new();
    for t in &site.taxonomies {
        for term in site.terms.get(&t.id).into_iter().flatten() {
            terms.push((format!("{base}{}", urls::term(&t.slug, &term.slug)), None));
        }
    }
    kinds.push(("terms", terms));
    let mut files = Vec::new();
    let mut index = Vec::new();
    for (kind, entries) in kinds {
        let chunks: Vec<&[Entry]> = if entries.is_empty() {
            vec![&[]]
        } else {
            entries.chunks(sitemap::MAX_URLS).collect()
        };
        for (i, chunk) in chunks.into_iter().enumerate() {
            let path = sitemap::file_path(kind, i + 1);
            index.push(format!("{base}{path}"));
            files.push((path, sitemap::urlset(chunk).into_bytes()));
        }
    }
    files.push(("/sitemap.xml".into(), sitemap::index(&index).into_bytes()));
    files
}
