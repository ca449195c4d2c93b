//! The static export writes every page of the site, byte for byte as the server sends it.

use axum::body::Body;
use axum::http::Request;
use byline_export::{ExportError, Options, export};
use byline_render::Theme;
use byline_store::testing::databases;
use http_body_util::BodyExt;
use tower::ServiceExt;

const BASE: &str = "https://static.example";

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
                String::from_utf8_lossy(&served(&app, path).await),
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
