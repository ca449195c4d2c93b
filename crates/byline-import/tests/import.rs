//! Importing Markdown folders and the demo, on SQLite and (when configured) PostgreSQL.

use byline_import::{demo, import, read_dir};
use byline_store::ArticleFilter;
use byline_store::testing::databases;
use chrono::Utc;
use std::path::Path;

fn fixture() -> Vec<byline_import::SourceFile> {
    read_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mixed")).unwrap()
}

#[tokio::test]
async fn the_demo_imports_cleanly_and_a_second_import_changes_nothing() {
    for db in databases().await {
        let s = &db.store;
        let files = demo();
        let first = import(s, &files, Utc::now()).await;
        assert!(first.errors.is_empty(), "{first}");
        assert_eq!(first.authors.created, 7, "{first}");
        assert_eq!(first.pages.created, 4, "{first}");
        assert_eq!(first.articles.created, 30, "{first}");
        let second = import(s, &files, Utc::now()).await;
        let t = second.total();
        assert_eq!((t.created, t.updated, t.failed), (0, 0, 0), "{second}");
        assert_eq!(second.articles.unchanged, 30);
        let published = s.published_articles(&ArticleFilter::All, 1, 100).await.unwrap();
        assert_eq!(published.total, 28, "two demo articles are drafts");
        assert_eq!(s.publication().await.unwrap().title, "The Meridian Review");
    }
}

#[tokio::test]
async fn hugo_jekyll_and_zola_files_import_and_bad_files_are_reported_by_path_and_line() {
    for db in databases().await {
        let s = &db.store;
        let report = import(s, &fixture(), Utc::now()).await;
        assert_eq!(report.articles.created, 4, "{report}");
        assert_eq!(report.articles.failed, 3, "{report}");
        // One author file, and one guest author made from the bundle's byline.
        assert_eq!((report.authors.created, report.pages.created), (2, 1), "{report}");

        let err = |name: &str| {
            report
                .errors
                .iter()
                .find(|e| e.path.ends_with(name))
                .unwrap_or_else(|| panic!("no error for {name}: {report}"))
        };
        // The YAML parser notices the unclosed list where the front matter ends, but the
        // fault is the line that opens it.
        assert_eq!(err("broken-yaml.md").line, Some(3), "{report}");
        assert!(err("no-front-matter.md").message.contains("front matter"));
        let bad = err("bad-url.md");
        assert_eq!(bad.line, Some(5), "{report}");
        assert!(bad.message.contains("source_url"), "{report}");
        assert!(report.warnings.iter().any(|w| w.message.contains("`categories`")), "{report}");

        let hugo = s.published_article("hugo-yaml").await.unwrap();
        assert_eq!(hugo.excerpt, "A given summary.");
        assert_eq!(hugo.authors[0].name, "Anna Kowalska");
        let terms: Vec<_> =
            hugo.terms.iter().map(|t| format!("{}/{}", t.taxonomy_slug, t.slug)).collect();
        assert_eq!(terms, ["regions/belarus", "tags/energy", "tags/gas", "series/winter"]);
        assert!(hugo.updated_at.is_some());

        let zola = s.published_article("zola-toml").await.unwrap();
        assert_eq!(zola.excerpt, "Zola's description.");
        let europe = s.term_context("regions", "europe").await.unwrap();
        let poland = europe.terms.iter().find(|t| t.slug == "poland").unwrap();
        assert_eq!(poland.parent_id, Some(europe.term.id));

        let bundle = s.published_article("bundle").await.unwrap();
        assert!(bundle.authors[0].guest, "unknown authors become guests");
        assert_eq!(bundle.source.unwrap().name, "Caspian Observer");
        let jekyll = s.published_article("jekyll-style").await.unwrap();
        assert_eq!(jekyll.published_at.unwrap().format("%F").to_string(), "2026-02-05");

        // Fixing nothing and importing again: the good ones are unchanged, the bad still fail.
        let again = import(s, &fixture(), Utc::now()).await;
        assert_eq!((again.articles.unchanged, again.articles.failed), (4, 3), "{again}");
        assert_eq!(again.authors.created, 0, "the guest is made once: {again}");
    }
}

#[tokio::test]
async fn an_edited_file_updates_its_article_and_nothing_else() {
    for db in databases().await {
        let s = &db.store;
        let mut files = fixture();
        import(s, &files, Utc::now()).await;
        let f = files.iter_mut().find(|f| f.path.ends_with("hugo-yaml.md")).unwrap();
        let text = f.text.as_ref().unwrap().replace("The body of the Hugo post.", "A new body.");
        f.text = Ok(text);
        let report = import(s, &files, Utc::now()).await;
        assert_eq!((report.articles.updated, report.articles.unchanged), (1, 3), "{report}");
        let a = s.published_article("hugo-yaml").await.unwrap();
        assert!(a.body_html.contains("A new body."));
    }
}

#[tokio::test]
async fn publication_toml_sets_the_favicon_and_a_bad_one_is_named() {
    for db in databases().await {
        let s = &db.store;
        let file = |text: &str| {
            vec![byline_import::SourceFile {
                path: "publication.toml".into(),
                text: Ok(text.to_owned()),
            }]
        };
        let ok = import(s, &file("title = \"Icons\"\nfavicon = \"/media/icon.png\"\n"), Utc::now())
            .await;
        assert!(ok.errors.is_empty(), "{ok}");
        assert_eq!(s.publication().await.unwrap().favicon.as_deref(), Some("/media/icon.png"));
        let bad =
            import(s, &file("title = \"Icons\"\nfavicon = \"not a url\"\n"), Utc::now()).await;
        assert_eq!(bad.settings.failed, 1, "{bad}");
        assert_eq!(bad.errors[0].line, Some(2), "{bad}");
        assert!(bad.errors[0].message.contains("favicon"), "{bad}");
    }
}
