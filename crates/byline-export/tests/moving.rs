//! Moving in, on SQLite and (when configured) PostgreSQL: the Hugo, Jekyll and Zola sites
//! in ../shared/fixtures/sites import whole with no file failing and are served, their old
//! addresses lead to the new ones, a second import changes nothing, a dry run writes
//! nothing. (Moving out and back: `json_roundtrip.rs`.)

mod common;

use byline_import::{Options, Report, import_site, no_progress, read_site};
use byline_store::testing::databases;
use byline_store::{ArticleFilter, Store};
use chrono::Utc;
use common::{get, moved};
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    // ../shared/fixtures beside the repository (or beside the folder of worktrees).
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let p = manifest
        .ancestors()
        .map(|a| a.join("shared/fixtures/sites"))
        .find(|d| d.is_dir())
        .unwrap_or_else(|| manifest.join("../../../shared/fixtures/sites"))
        .join(name);
    if !p.is_dir() && std::env::var_os("CI").is_some() {
        panic!("the site fixtures are missing at {}", p.display());
    }
    p
}

async fn import(store: &Store, name: &str, dry_run: bool) -> Report {
    let site = read_site(&fixture(name)).unwrap().expect("a site configuration");
    import_site(store, &site, Utc::now(), &Options { dry_run }, &no_progress).await
}

fn term_paths(a: &byline_core::Article) -> Vec<String> {
    a.terms.iter().map(|t| format!("{}/{}", t.taxonomy_slug, t.slug)).collect()
}

/// The slugs of the terms the article `slug` (in any status) is filed under.
async fn filed_under(s: &Store, slug: &str) -> Vec<String> {
    let articles = s.table_rows("article").await.unwrap();
    let id = &articles.iter().find(|r| r["slug"] == slug).expect("imported")["id"];
    let terms = s.table_rows("term").await.unwrap();
    let filings = s.table_rows("article_term").await.unwrap();
    filings
        .iter()
        .filter(|f| &f["article_id"] == id)
        .filter_map(|f| terms.iter().find(|t| t["id"] == f["term_id"]))
        .map(|t| t["slug"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// A second import finds everything as it left it.
async fn reimport_changes_nothing(store: &Store, name: &str) {
    let again = import(store, name, false).await;
    let t = again.total();
    assert_eq!((t.created, t.updated, t.failed), (0, 0, 0), "{name}: {again}");
}

#[tokio::test]
async fn hugo_basic_example_imports_whole() {
    if !fixture("hugo-basic-example").is_dir() {
        return;
    }
    for db in databases().await {
        let s = &db.store;
        let r = import(s, "hugo-basic-example", false).await;
        assert!(r.errors.is_empty(), "{r}");
        assert_eq!((r.articles.created, r.pages.created), (5, 2), "{r}");
        assert!(r.warnings.iter().any(|w| w.path.starts_with("homepage/")), "{r}");
        let p = s.publication().await.unwrap();
        assert_eq!(p.title, "Hugo Themes");
        assert!(p.copyright.unwrap().contains("Steve Francia"));
        let syntax = s.published_article("markdown-syntax").await.unwrap();
        assert_eq!(syntax.published_at.unwrap().format("%F").to_string(), "2019-03-11");
        let terms = term_paths(&syntax);
        for t in ["series/themes-guide", "sections/post", "categories/themes", "tags/markdown"] {
            assert!(terms.contains(&t.to_owned()), "{t} in {terms:?}");
        }
        assert_eq!(syntax.authors[0].name, "Hugo Authors");
        let rich = s.published_article("rich-content").await.unwrap();
        assert!(rich.body.contains("https://www.youtube.com/watch?v=ZJthWmvUzzc"), "{}", rich.body);
        assert!(rich.body.contains("https://vimeo.com/48912912"));
        assert!(!rich.body.contains("{{<"), "{}", rich.body);
        let math = s.published_article("math-typesetting").await.unwrap();
        assert!(!math.body.contains("math.inline"));
        assert_eq!(s.page("about").await.unwrap().title, "About");
        let section = s.term_context("sections", "post").await.unwrap();
        assert_eq!(section.term.name, "Posts");

        let (status, html) = get(s, "/articles/rich-content/").await;
        assert_eq!(status, 200);
        assert!(html.contains("youtube.com/watch?v=ZJthWmvUzzc"));
        assert_eq!(get(s, "/about/").await.0, 200);
        assert!(get(s, "/sections/post/").await.1.contains("Emoji Support"));
        assert!(get(s, "/series/themes-guide/").await.1.contains("Markdown Syntax Guide"));
        // Hugo's own addresses and its `aliases` (beside the page unless rooted) lead on.
        assert!(r.redirects.created >= 8, "{r}");
        let syntax_at = "/articles/markdown-syntax/";
        assert_eq!(moved(s, "/post/markdown-syntax/").await, syntax_at);
        assert_eq!(moved(s, "/post/migrate-from-jekyl/").await, syntax_at);
        assert_eq!(moved(s, "/posts/").await, "/sections/post/");
        assert_eq!(moved(s, "/about-us/").await, "/about/");
        reimport_changes_nothing(s, "hugo-basic-example").await;
    }
}

#[tokio::test]
async fn jekyll_sites_import_whole() {
    if !fixture("jekyll-minima").is_dir() {
        return;
    }
    for db in databases().await {
        let s = &db.store;
        let r = import(s, "jekyll-minima", false).await;
        assert!(r.errors.is_empty(), "{r}");
        assert_eq!((r.articles.created, r.pages.created), (6, 1), "{r}");
        // Three posts have no title: it comes from the file name, and the report says so.
        assert_eq!(r.warnings.iter().filter(|w| w.message.contains("has no title")).count(), 3);
        let welcome = s.published_article("welcome-to-jekyll").await.unwrap();
        assert_eq!(welcome.title, "Welcome to jekyll");
        assert_eq!(welcome.published_at.unwrap().format("%F").to_string(), "2016-05-20");
        assert!(welcome.body.contains("```ruby\n"), "{}", welcome.body);
        let styles =
            s.published_article("this-post-demonstrates-post-content-styles").await.unwrap();
        assert_eq!(term_paths(&styles), ["categories/junk"]);
        assert_eq!(styles.authors.len(), 2);
        assert!(styles.updated_at.is_some(), "modified_date is the update time");
        let example = s.published_article("my-example-post").await.unwrap();
        assert!(!example.body.contains("endcomment"), "{}", example.body);
        assert_eq!(s.page("about").await.unwrap().title, "About");
        assert_eq!(get(s, "/categories/misc/").await.0, 200);
        // Jekyll's `date` permalinks lead to the articles.
        assert_eq!(
            moved(s, "/2016/05/20/welcome-to-jekyll.html").await,
            "/articles/welcome-to-jekyll/"
        );
        reimport_changes_nothing(s, "jekyll-minima").await;
    }
    for db in databases().await {
        let s = &db.store;
        let r = import(s, "jekyll-jasper2", false).await;
        assert!(r.errors.is_empty(), "{r}");
        assert_eq!((r.articles.created, r.pages.created), (15, 1), "{r}");
        // _data/authors.yml gives the people posts name by key.
        assert!(r.authors.created >= 7, "{r}");
        let hannah = s.author("hannah").await.unwrap();
        assert_eq!(hannah.name, "Hannah Wolfe");
        assert!(!hannah.guest);
        let gettysburg = s.published_article("gettysburg-address").await.unwrap();
        assert_eq!(gettysburg.published_at.unwrap().format("%F").to_string(), "1863-11-19");
        // Its `tags:` is empty; another speech has `tags: speeches` as a scalar.
        assert!(term_paths(&gettysburg).is_empty());
        let education = s.published_article("the-purpose-of-education").await.unwrap();
        assert_eq!(term_paths(&education), ["tags/speeches"]);
        let speeches = s.term_context("tags", "speeches").await.unwrap();
        assert_eq!(
            speeches.term.description.as_deref(),
            Some("Some of the greatest words ever spoken.")
        );
        let welcome = s.published_article("welcome").await.unwrap();
        assert_eq!(term_paths(&welcome), ["tags/getting-started"]);
        assert_eq!(welcome.image.unwrap().url, "/assets/images/welcome.jpg");
        // Covers the fixture left out are named as missing.
        let missing: Vec<_> =
            r.warnings.iter().filter(|w| w.message.contains("is not in the site")).collect();
        assert!(missing.iter().any(|w| w.message.contains("bear.jpg")), "{r}");
        assert!(!missing.iter().any(|w| w.message.contains("welcome.jpg")), "{r}");
        // The HTML posts keep their markup.
        let (status, html) = get(s, "/articles/using-tags/").await;
        assert_eq!(status, 200);
        assert!(html.contains("Setting up your own Ghost theme") || html.contains("<h"), "{html}");
        assert_eq!(s.publication().await.unwrap().title, "Ghost");
        // `permalink: /:title` under `baseurl: /jasper2/`.
        assert_eq!(moved(s, "/jasper2/gettysburg-address").await, "/articles/gettysburg-address/");
        reimport_changes_nothing(s, "jekyll-jasper2").await;
    }
}

#[tokio::test]
async fn zola_test_site_imports_whole() {
    if !fixture("zola-test-site").is_dir() {
        return;
    }
    for db in databases().await {
        let s = &db.store;
        let r = import(s, "zola-test-site", false).await;
        assert!(r.errors.is_empty(), "{r}");
        assert_eq!(r.total().failed, 0, "{r}");
        assert!(r.warnings.iter().any(|w| w.path == "posts/ignored.md"), "{r}");
        assert!(r.warnings.iter().any(|w| w.message.contains("`pirate`")), "{r}");
        // Filed under its own section, the innermost: posts/tutorials/devops.
        let docker = s.published_article("docker").await.unwrap();
        assert_eq!(term_paths(&docker), ["sections/devops"]);
        let devops = s.term_context("sections", "devops").await.unwrap();
        assert_eq!(devops.term.name, "DevOps");
        let rust = s.published_article("rust").await.unwrap();
        assert_eq!(rust.authors.len(), 3);
        // A transparent section passes its pages up (this one has no text: a draft).
        assert_eq!(filed_under(s, "transparent-page").await, ["posts"]);
        // No text: a draft, dated from `2016-10-08_` in its name.
        let rows = s.table_rows("article").await.unwrap();
        let dated = rows.iter().find(|r| r["slug"] == "a-post-with-dates").expect("imported");
        assert_eq!(dated["status"], "draft");
        assert!(dated["published_at"].as_str().unwrap().starts_with("2016-10-08"), "{dated}");
        let simple = s.published_article("simple").await.unwrap();
        assert!(simple.body.contains("watch?v=e1C9kpMV2e8"), "{}", simple.body);
        // Drafts and the draft section stay out of the public site.
        assert!(s.published_article("draft").await.is_err());
        assert!(s.published_article("draft-page").await.is_err());
        let published = s.published_articles(&ArticleFilter::All, 1, 100).await.unwrap();
        assert!(published.items.iter().all(|a| a.slug != "ignored"));
        // Undated files are pages; two `post.md` in different folders stay two pages.
        let pages: Vec<String> = s.pages().await.unwrap().into_iter().map(|p| p.slug).collect();
        assert!(pages.contains(&"hello".to_owned()), "{pages:?}");
        assert!(pages.iter().filter(|p| p.ends_with("post")).count() == 2, "{pages:?}");
        assert_eq!(get(s, "/sections/devops/").await.0, 200);
        assert_eq!(get(s, "/hello/").await.0, 200);
        // Zola's `aliases`, read from the root, and its own addresses.
        let fixed = "/articles/something-else/";
        assert_eq!(moved(s, "/an-old-url/old-page").await, fixed);
        assert_eq!(moved(s, "/an-old-url/an-old-alias.html").await, fixed);
        assert_eq!(moved(s, "/top-level.html").await, "/articles/top-level-alias/");
        assert_eq!(moved(s, "/another-old-url/index.html").await, "/sections/posts/");
        assert_eq!(moved(s, "/posts/tutorials/devops/docker/").await, "/articles/docker/");
        reimport_changes_nothing(s, "zola-test-site").await;
    }
}

#[tokio::test]
async fn a_dry_run_reports_and_writes_nothing() {
    if !fixture("zola-test-site").is_dir() {
        return;
    }
    for db in databases().await {
        let s = &db.store;
        let dry = import(s, "zola-test-site", true).await;
        assert!(dry.dry_run && dry.errors.is_empty(), "{dry}");
        let real = import(s, "zola-test-site", false).await;
        assert_eq!(dry.articles.created, real.articles.created, "{dry}\n{real}");
        assert_eq!(dry.pages.created, real.pages.created);
        assert!(dry.to_string().contains("dry run"));
    }
    for db in databases().await {
        let s = &db.store;
        import(s, "hugo-basic-example", true).await;
        assert_eq!(s.published_articles(&ArticleFilter::All, 1, 10).await.unwrap().total, 0);
        assert!(s.pages().await.unwrap().is_empty());
        assert_ne!(s.publication().await.unwrap().title, "Hugo Themes");
    }
}
