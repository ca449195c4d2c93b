//! The static export writes every page of the site, byte for byte as the server sends it.

use axum::body::Body;
use axum::http::Request;
use byline_export::{ExportError, Options, export};
use byline_render::Theme;
use byline_store::testing::databases;
use http_body_util::BodyExt;
use tower::ServiceExt;

const BASE: &str = "https://static.example";

/// The served page without its comments section: the static export has no comments (nobody
/// could post them), and is otherwise the page the server sends.
fn without_comments(page: &str) -> String {
    let Some(start) = page.find("<section class=\"comments\"") else { return page.to_owned() };
    // From the start of its line.
    let start = page[..start].trim_end_matches(' ').len();
    let end = page[start..].find("\n</section>\n").map_or(page.len(), |e| start + e + 12);
    format!("{}{}", &page[..start], &page[end..])
}

async fn served(app: &axum::Router, path: &str) -> Vec<u8> {
    let res = app.clone().oneshot(Request::get(path).body(Body::empty()).unwrap()).await.unwrap();
    assert_eq!(res.status(), 200, "{path}");
    res.into_body().collect().await.unwrap().to_bytes().to_vec()
}

#[tokio::test]
async fn exports_the_whole_site_as_the_server_renders_it() {
    for db in databases().await {
        let report =
            byline_import::import(&db.store, &byline_import::demo(), chrono::Utc::now()).await;
        assert!(report.errors.is_empty(), "{report}");
        let theme = Theme::load(None).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site");
        let options = Options { base_url: BASE.into(), per_page: 10, threads: 2 };
        let r = export(&db.store, &theme, &options, &out).await.unwrap();
        assert_eq!(r.articles, 28);

        let published =
            db.store.published_articles(&byline_store::ArticleFilter::All, 1, 100).await.unwrap();
        for a in &published.items {
            assert!(out.join(format!("articles/{}/index.html", a.slug)).is_file(), "{}", a.slug);
        }
        assert!(!out.join("articles/transnistria-after-the-gas").exists(), "drafts stay out");
        for f in [
            "index.html",
            "page/2/index.html",
            "page/3/index.html",
            "authors/anna-kowalska/index.html",
            "authors/anna-kowalska/feed.xml",
            "regions/index.html",
            "regions/europe/index.html",
            "regions/europe/atom.xml",
            "about/index.html",
            "feed.xml",
            "atom.xml",
            "feed.json",
            "sitemap.xml",
            "sitemaps/articles-1.xml",
            "sitemaps/terms-1.xml",
            "robots.txt",
            "404.html",
            "assets/style.css",
        ] {
            assert!(out.join(f).is_file(), "{f}");
        }
        assert!(!out.join("page/4").exists());

        // The same pages, through the server, at the same address, are the same bytes.
        let mut state = byline_web::AppState::new(db.store.clone(), theme.clone(), BASE);
        state.cache = None;
        let app = byline_web::router(state);
        for path in [
            "/",
            "/page/2/",
            "/articles/armenia-municipal-elections/",
            "/authors/anna-kowalska/",
            "/regions/europe/",
            "/regions/",
            "/about/",
            "/articles/armenia-municipal-elections/republish/",
        ] {
            let file = out.join(path.trim_start_matches('/')).join("index.html");
            let exported = std::fs::read(&file).unwrap();
            assert_eq!(
                String::from_utf8_lossy(&exported),
                without_comments(&String::from_utf8_lossy(&served(&app, path).await)),
                "{path}"
            );
        }
        for path in ["/feed.xml", "/regions/europe/atom.xml", "/sitemap.xml", "/robots.txt"] {
            let exported = std::fs::read(out.join(path.trim_start_matches('/'))).unwrap();
            assert_eq!(
                String::from_utf8_lossy(&exported),
                String::from_utf8_lossy(&served(&app, path).await),
                "{path}"
            );
        }

        let again = export(&db.store, &theme, &options, &out).await.unwrap_err();
        assert!(matches!(again, ExportError::NotEmpty(_)), "an export never writes over files");
    }
}

/// The export's search page loads a prebuilt index of small files: the words of every
/// article (folded as the page's script folds a query) lead to their documents.
#[tokio::test]
async fn exports_a_search_page_with_a_chunked_index() {
    for db in databases().await {
        let report =
            byline_import::import(&db.store, &byline_import::demo(), chrono::Utc::now()).await;
        assert!(report.errors.is_empty(), "{report}");
        let theme = Theme::load(None).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site");
        let options = Options { base_url: BASE.into(), per_page: 10, threads: 2 };
        export(&db.store, &theme, &options, &out).await.unwrap();

        let page = std::fs::read_to_string(out.join("search/index.html")).unwrap();
        assert!(page.contains("data-index=\"/search/index/\""), "{page}");
        assert!(page.contains("<script src=\"/assets/search.js\" defer></script>"));
        assert!(out.join("assets/search.js").is_file());
        let read = |p: &str| -> serde_json::Value {
            serde_json::from_slice(&std::fs::read(out.join("search/index").join(p)).unwrap())
                .unwrap_or_else(|e| panic!("{p}: {e}"))
        };
        let meta = read("meta.json");
        assert_eq!(meta["version"], 1);
        // 28 published articles and the demo's static pages.
        let pages = db.store.pages().await.unwrap().len() as u64;
        assert_eq!(meta["docs"], 28 + pages);
        let files: Vec<&str> =
            meta["words"].as_array().unwrap().iter().map(|w| w.as_str().unwrap()).collect();
        for f in &files {
            assert!(out.join(format!("search/index/words/{f}.json")).is_file(), "{f}");
        }
        // "glaciers" (title and body of one article) is in the file of "gl" (hex 676c).
        let gl = read("words/676c.json");
        let postings = gl["glaciers"].as_array().expect("glaciers is indexed");
        let doc = postings[0][0].as_u64().unwrap() as usize;
        assert!(postings[0][1].as_u64().unwrap() > 5, "a title word weighs more");
        let per = meta["per_file"].as_u64().unwrap() as usize;
        let chunk = read(&format!("docs/{}.json", doc / per));
        let d = &chunk[doc % per];
        assert_eq!(d["u"], "/articles/central-asia-glaciers/");
        assert_eq!(d["t"], "Central Asia's Glaciers Are Paying Out Their Savings");
        assert_eq!(d["a"][0][0], "farrukh-rakhimov");
        assert_eq!(d["a"][0][2], "/authors/farrukh-rakhimov/");
        assert!(d["m"].as_array().unwrap().iter().any(|m| m == "regions/kyrgyzstan"), "{d}");
        assert!(d["x"].as_str().unwrap().starts_with("High in the Tian Shan"), "{d}");
        // Newest first: document 0 is the newest article.
        let newest = db.store.latest_full_articles(&byline_store::ArticleFilter::All, 1).await;
        let first = read("docs/0.json");
        assert_eq!(first[0]["u"], format!("/articles/{}/", newest.unwrap()[0].slug));
        // Author names and term names are searchable too.
        assert!(read("words/6b79.json").get("kyrgyzstan").is_some());
        assert!(read("words/6661.json").get("farrukh").is_some());
    }
}

/// `/corrections/` (paged as the server pages it) and its feed are written as the server
/// serves them, and a corrected article's exported page shows its corrections.
#[tokio::test]
async fn exports_the_corrections_page_its_feed_and_corrected_articles() {
    for db in databases().await {
        let report =
            byline_import::import(&db.store, &byline_import::demo(), chrono::Utc::now()).await;
        assert!(report.errors.is_empty(), "{report}");
        let published =
            db.store.published_articles(&byline_store::ArticleFilter::All, 1, 2).await.unwrap();
        let (a, b) = (&published.items[0], &published.items[1]);
        let actor = byline_core::audit::Actor::command_line();
        // One more than a page holds, on two articles.
        for i in 0..31 {
            let on = if i % 2 == 0 { a.id } else { b.id };
            let text = format!("Correction {i}: a <name> was misspelt.");
            db.store.add_correction(&actor, on, &text, "").await.unwrap();
        }
        let theme = Theme::load(None).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site");
        let options = Options { base_url: BASE.into(), per_page: 10, threads: 2 };
        export(&db.store, &theme, &options, &out).await.unwrap();
        assert!(out.join("corrections/page/2/index.html").is_file());
        assert!(!out.join("corrections/page/3").exists());

        let mut state = byline_web::AppState::new(db.store.clone(), theme.clone(), BASE);
        state.cache = None;
        let app = byline_web::router(state);
        let article = format!("/articles/{}/", a.slug);
        for path in ["/corrections/", "/corrections/page/2/", article.as_str()] {
            let exported = std::fs::read(out.join(path.trim_start_matches('/')).join("index.html"))
                .unwrap_or_else(|e| panic!("{path}: {e}"));
            let exported = String::from_utf8_lossy(&exported).into_owned();
            let served = without_comments(&String::from_utf8_lossy(&served(&app, path).await));
            assert_eq!(exported, served, "{path}");
        }
        let page = std::fs::read_to_string(out.join(&article[1..]).join("index.html")).unwrap();
        assert!(page.contains("Correction 0: a &lt;name&gt; was misspelt."), "{page}");
        assert!(page.contains("\"correction\""), "the JSON-LD carries it");
        let feed = std::fs::read_to_string(out.join("corrections/feed.xml")).unwrap();
        assert_eq!(feed, String::from_utf8_lossy(&served(&app, "/corrections/feed.xml").await));
        assert!(feed.contains("Correction 30"), "{feed}");
    }
}
