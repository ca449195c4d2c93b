//! `byline import wordpress` on every file in ../shared/fixtures/wordpress, on SQLite and
//! PostgreSQL: counts by kind, statuses, authors, terms with their hierarchy, bodies
//! converted, attachments into the media library, old addresses, re-import updating
//! instead of duplicating, dry runs writing nothing, and broken files reported by line.

use byline_core::ArticleStatus;
use byline_core::comments::CommentStatus;
use byline_import::wordpress::{MediaTarget, Quiet, WordPressOptions, WxrReport, import_wordpress};
use byline_media::{Limits, MediaStorage};
use byline_store::testing::databases;
use byline_store::{ArticleFilter, Store};
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    // The shared fixtures sit beside the checkout (../shared from the repository).
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    ["../../../shared", "../../../../shared"]
        .iter()
        .map(|up| here.join(up).join("fixtures/wordpress").join(name))
        .find(|f| f.is_file())
        .unwrap_or_else(|| {
            panic!("the WordPress fixture {name} (../shared/fixtures/wordpress) is missing")
        })
}

async fn import(store: &Store, name: &str, options: &WordPressOptions) -> WxrReport {
    import_wordpress(store, &fixture(name), options, &Quiet).await
}

fn media() -> MediaTarget {
    MediaTarget {
        storage: MediaStorage::in_memory(),
        limits: Limits { max_bytes: 20 << 20, max_pixels: 40_000_000 },
    }
}

fn options() -> WordPressOptions {
    WordPressOptions { media: Some(media()), ..Default::default() }
}

#[tokio::test]
async fn every_fixture_imports_with_what_it_holds() {
    let files = [
        "authors-multiline.xml",
        "crazy-cdata.xml",
        "malformed.xml",
        "missing-version-tag.xml",
        "post-content-blank-lines.xml",
        "slashes.xml",
        "small-export.xml",
        "term-formats.xml",
        "theme-unit-test-data.xml",
        "valid-wxr-1.0.xml",
        "valid-wxr-1.1.xml",
        "wxr-utf-8-challenges.xml",
    ];
    // All into one publication, one after another: files do not trip over each other.
    for db in databases().await {
        for f in files {
            let r = import(&db.store, f, &options()).await;
            // Only the broken files report errors; every other record of every file imports.
            let broken = matches!(f, "malformed.xml");
            assert_eq!(r.errors.is_empty(), !broken, "{f}:\n{r}");
            assert_eq!(r.failed(), 0, "{f}:\n{r}");
        }
    }
}

#[tokio::test]
async fn small_export_becomes_articles_pages_terms_and_addresses() {
    for db in databases().await {
        let s = &db.store;
        let r = import(s, "small-export.xml", &options()).await;
        assert!(r.errors.is_empty(), "{r}");
        assert_eq!((r.articles.created, r.pages.created, r.authors.created), (6, 4, 3), "{r}");
        assert!(r.skipped.iter().any(|(w, n)| w.contains("draft") && *n == 1), "{r}");
        assert_eq!(r.comments.created, 1, "{r}");
        // Categories keep their hierarchy.
        let cats = s.taxonomy("categories").await.unwrap();
        let terms = s.terms(cats.id).await.unwrap();
        assert_eq!(terms.len(), 30, "{r}");
        let bar = terms.iter().find(|t| t.slug == "bar").expect("bar");
        let child = terms.iter().find(|t| t.slug == "foo-bar").expect("foo-bar");
        assert_eq!(child.parent_id, Some(bar.id));
        let tags = s.taxonomy("tags").await.unwrap();
        assert_eq!(s.terms(tags.id).await.unwrap().len(), 3);
        // Statuses: published, private → members only.
        let hello = s.published_article("hello-world").await.unwrap();
        assert_eq!(hello.status, ArticleStatus::Published);
        let private = s.published_article("private-post").await.unwrap();
        assert_ne!(private.access.as_str(), "public");
        // The page and its old addresses.
        assert!(s.page("sample-page").await.is_ok());
        let to = s.old_address_destination("/", Some("p=1")).await.unwrap();
        assert_eq!(to, byline_store::Destination::Article("hello-world".into()));
        let to = s.old_address_destination("/", Some("page_id=2")).await.unwrap();
        assert_eq!(to, byline_store::Destination::Page("sample-page".into()));
        let to = s.old_address_destination("/category/foo/", None).await.unwrap();
        assert_eq!(to, byline_store::Destination::Term("categories".into(), "foo".into()));
        let to = s.old_address_destination("/feed/", None).await.unwrap();
        assert_eq!(to, byline_store::Destination::SiteFeed);
        assert!(r.redirects.created > 20, "{r}");

        // Again: nothing duplicated, nothing changed.
        let again = import(s, "small-export.xml", &options()).await;
        assert!(again.errors.is_empty(), "{again}");
        assert_eq!((again.articles.created, again.articles.unchanged), (0, 6), "{again}");
        assert_eq!((again.pages.created, again.pages.unchanged), (0, 4), "{again}");
        assert_eq!(again.redirects.created, 0, "{again}");
        assert_eq!(again.redirects.unchanged, r.redirects.created, "{again}");
        assert_eq!((again.comments.created, again.comments.unchanged), (0, 1), "{again}");
        let all = s.published_articles(&ArticleFilter::All, 1, 100).await.unwrap();
        assert_eq!(all.total, 6);
    }
}

#[tokio::test]
async fn a_dry_run_reports_and_writes_nothing() {
    for db in databases().await {
        let s = &db.store;
        let opts = WordPressOptions { dry_run: true, ..options() };
        let r = import(s, "small-export.xml", &opts).await;
        assert!(r.dry_run && r.errors.is_empty(), "{r}");
        assert_eq!((r.articles.created, r.pages.created), (6, 4), "{r}");
        assert!(r.to_string().contains("dry run: nothing was written"));
        assert_eq!(s.published_articles(&ArticleFilter::All, 1, 10).await.unwrap().total, 0);
        assert!(s.pages().await.unwrap().is_empty());
        assert!(s.all_old_addresses().await.unwrap().is_empty());
        assert!(s.taxonomy("categories").await.is_err());
    }
}

#[tokio::test]
async fn a_malformed_file_is_reported_by_line_and_the_rest_imports() {
    for db in databases().await {
        let s = &db.store;
        let r = import(s, "malformed.xml", &options()).await;
        let shown = r.to_string();
        assert!(shown.contains("malformed.xml:33: wp:wxr_version “abc”"), "{shown}");
        assert!(shown.contains("malformed.xml:90: the closing tag </channel> does not match the open <notachanneltag>"), "{shown}");
        // The author and every term before the break are there.
        assert_eq!(r.authors.created, 1, "{r}");
        assert_eq!(r.terms.created, 21 + 18 + 14, "{r}");
        let tax = s.taxonomy("post-tax").await.unwrap();
        assert_eq!(s.terms(tax.id).await.unwrap().len(), 14);

        let r = import(s, "missing-version-tag.xml", &options()).await;
        assert!(r.errors.is_empty(), "{r}");
        assert!(r.warnings.iter().any(|w| w.message.contains("no wp:wxr_version")), "{r}");
    }
}

#[tokio::test]
async fn theme_unit_test_data_with_its_uploads_folder() {
    for db in databases().await {
        let s = &db.store;
        let uploads = tempfile::tempdir().unwrap();
        let png = png(40, 30);
        for rel in ["2008/06/canola2.jpg", "2008/06/dsc20050727_091048_222.jpg"] {
            let p = uploads.path().join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, &png).unwrap();
        }
        let opts = WordPressOptions { uploads: Some(uploads.path().to_owned()), ..options() };
        let r = import(s, "theme-unit-test-data.xml", &opts).await;
        assert!(r.errors.is_empty(), "{r}");
        // The same bytes twice are one image in the library (it is content-addressed).
        assert_eq!(r.media.created + r.media.unchanged, 2, "{r}");
        assert!(r.articles.created >= 40, "{r}");
        assert!(r.comments.created > 0, "{r}");
        let lib = s.media_library(1, 10).await.unwrap();
        assert_eq!(lib.total, 1);
        let url = &lib.items[0].url;
        // Bodies link to the library instead of the old host, and galleries show the images.
        let all = s.published_articles(&ArticleFilter::All, 1, 200).await.unwrap();
        let mut linked = 0;
        for a in &all.items {
            let full = s.published_article(&a.slug).await.unwrap();
            // (Posts about blocks may show a block comment as code; none is left as markup.)
            let mut in_code = false;
            for l in full.body.lines() {
                in_code ^= l.starts_with("```");
                assert!(in_code || !l.contains("<!-- wp:"), "{}: block comment left: {l}", a.slug);
            }
            assert!(!full.body.contains("[caption"), "{}: caption left", a.slug);
            assert!(!full.body.contains("[gallery"), "{}: gallery left", a.slug);
            if full.body.contains(url.as_str()) {
                linked += 1;
                assert!(!full.body.contains("files.wordpress.com/2008/06/canola2"), "{}", a.slug);
            }
        }
        assert!(linked > 0, "no body links to {url}");
    }
}

#[tokio::test]
async fn comments_keep_their_threads_and_approval_and_come_once() {
    for db in databases().await {
        let s = &db.store;
        let r = import(s, "theme-unit-test-data.xml", &options()).await;
        assert!(r.errors.is_empty(), "{r}");
        // Comments on posts: 20 on template-comments, one on each of four others.
        assert_eq!(r.comments.created, 24, "{r}");
        assert!(r.skipped.iter().any(|(w, n)| w.contains("pingbacks") && *n == 4), "{r}");
        assert!(r.skipped.iter().any(|(w, n)| w.contains("on pages") && *n == 5), "{r}");
        let post = s.published_article("template-comments").await.unwrap();
        let shown = s.article_comments(post.id).await.unwrap();
        // One of the twenty waits for a moderator (`wp:comment_approved` 0).
        assert_eq!(shown.len(), 19);
        assert!(shown.iter().all(|c| !c.staff && c.member_id.is_none()));
        // The deep thread keeps its first levels and then stays at the deepest one.
        let depth = |c: &byline_core::comments::Comment| {
            let mut d = 0;
            let mut up = c.parent_id;
            while let Some(p) = up {
                d += 1;
                up = shown.iter().find(|x| x.id == p).and_then(|x| x.parent_id);
            }
            d
        };
        let replies = shown.iter().filter(|c| c.parent_id.is_some()).count();
        assert_eq!(replies, 9);
        let deepest = shown.iter().map(depth).max().unwrap();
        assert!((1..=2).contains(&deepest), "threads nest to depth 3 at most: {deepest}");
        let pending = s.comment_queue(CommentStatus::Pending, 1, 10).await.unwrap();
        assert_eq!(pending.page.total, 1);

        let again = import(s, "theme-unit-test-data.xml", &options()).await;
        assert_eq!((again.comments.created, again.comments.unchanged), (0, 24), "{again}");
        assert_eq!(s.article_comments(post.id).await.unwrap().len(), 19);
    }
}

#[tokio::test]
async fn edge_files_keep_their_text() {
    for db in databases().await {
        let s = &db.store;
        let r = import(s, "wxr-utf-8-challenges.xml", &options()).await;
        assert!(r.errors.is_empty(), "{r}");
        let r = import(s, "slashes.xml", &options()).await;
        assert!(r.errors.is_empty(), "{r}");
        let r = import(s, "post-content-blank-lines.xml", &options()).await;
        assert!(r.errors.is_empty(), "{r}");
        let r = import(s, "authors-multiline.xml", &options()).await;
        assert_eq!(r.authors.created, 3, "{r}");
        let a = s.author("alice").await.unwrap();
        assert_eq!(a.email.as_deref(), Some("alice@example.com"));
    }
}

fn png(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| image::Rgb([(x * 6) as u8, (y * 8) as u8, 90]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}
