//! The public site through the router, on SQLite and (when configured) PostgreSQL.

mod common;

use axum::http::StatusCode;
use byline_render::Theme;
use byline_store::testing::{databases, sqlite};
use common::{BASE, app, get, site};

#[tokio::test]
async fn home_lists_the_latest_articles_and_paginates() {
    for db in databases().await {
        let app = site(&db).await;
        let home = get(&app, "/").await;
        assert_eq!(home.status, StatusCode::OK);
        let titles = home.texts(".card-title");
        assert_eq!(titles.len(), 10, "ten per page");
        assert_eq!(titles[0], "Gas, Grids and the <Long> Winter", "newest first");
        assert!(!titles.iter().any(|t| t.contains("Transnistria After")), "drafts are not listed");
        assert_eq!(home.attrs("a[rel=next]", "href"), ["/page/2/"]);
        let p3 = get(&app, "/page/3/").await;
        assert_eq!(p3.status, StatusCode::OK);
        assert_eq!(p3.texts(".card-title").len(), 9, "29 published articles: 10 + 10 + 9");
        assert_eq!(get(&app, "/page/4/").await.status, StatusCode::NOT_FOUND);
        assert_eq!(get(&app, "/page/1/").await.status, StatusCode::NOT_FOUND, "page 1 is /");
        assert_eq!(get(&app, "/page/x/").await.status, StatusCode::NOT_FOUND);
    }
}

#[tokio::test]
async fn the_article_page_shows_every_part() {
    for db in databases().await {
        let app = site(&db).await;
        let page = get(&app, "/articles/full/").await;
        assert_eq!(page.status, StatusCode::OK);
        assert_eq!(page.texts("h1.article-title"), ["Gas, Grids and the <Long> Winter"]);
        let byline = page.attrs(".byline a", "href");
        assert_eq!(byline, ["/authors/anna-kowalska/", "/authors/guest-writer/"]);
        for author in &byline {
            assert_eq!(get(&app, author).await.status, StatusCode::OK, "{author}");
        }
        let terms = page.attrs(".article-terms a", "href");
        for t in ["/regions/moldova/", "/themes/energy/", "/tags/gas/", "/tags/grids/"] {
            assert!(terms.contains(&t.to_owned()), "{t} in {terms:?}");
        }
        assert_eq!(page.attrs(".article-image img", "alt"), ["Power lines over a snowy field"]);
        assert!(page.texts(".note-to-readers")[0].contains("corrected"));
        assert_eq!(page.texts(".author-box").len(), 2);
        assert_eq!(
            page.texts(".original-source"),
            ["The original source of this article is Caspian Observer."]
        );
        assert_eq!(page.attrs(".original-source a", "href"), ["https://example.com/original"]);
        let copyright = &page.texts(".copyright-line")[0];
        assert!(copyright.starts_with("© 2025 Caspian Observer."), "{copyright}");
        assert!(copyright.contains("Attribution-NoDerivatives 4.0"), "{copyright}");
        assert!(!page.texts(".disclaimer").is_empty(), "the demo has a disclaimer");
        assert!(!page.body.contains("alert("), "scripts from the body are stripped");
        assert!(!page.body.contains("onclick"), "handlers from the body are stripped");
        assert_eq!(page.attrs("link[rel=canonical]", "href"), [format!("{BASE}/articles/full/")]);
    }
}

#[tokio::test]
async fn the_article_page_matches_its_snapshot() {
    let db = sqlite().await;
    let app = site(&db).await;
    let page = get(&app, "/articles/full/").await;
    let main = scraper::Selector::parse("main").unwrap();
    let html = page.html().select(&main).next().expect("a <main>").html();
    insta::assert_snapshot!("article_page_main", html);
}

#[tokio::test]
async fn archives_list_their_articles_including_child_terms() {
    for db in databases().await {
        let app = site(&db).await;
        let europe = get(&app, "/regions/europe/").await;
        assert_eq!(europe.status, StatusCode::OK);
        assert_eq!(europe.texts("h1"), ["Europe"]);
        let children = europe.attrs(".term-children a, .child-terms a", "href");
        assert!(children.contains(&"/regions/moldova/".to_owned()), "{children:?}");
        // Nothing is filed under Europe itself; its children's articles are listed.
        assert!(
            europe.texts(".card-title").contains(&"Gas, Grids and the <Long> Winter".to_owned())
        );
        let moldova = get(&app, "/regions/moldova/").await;
        assert!(moldova.texts("nav a, .breadcrumb a").iter().any(|t| t == "Europe"), "breadcrumb");

        let regions = get(&app, "/regions/").await;
        assert_eq!(regions.status, StatusCode::OK);
        assert!(regions.body.contains("/regions/europe/"));

        let author = get(&app, "/authors/anna-kowalska/").await;
        assert_eq!(author.texts("h1"), ["Anna Kowalska"]);
        assert!(
            author.texts(".card-title").contains(&"Gas, Grids and the <Long> Winter".to_owned())
        );

        let about = get(&app, "/about/").await;
        assert_eq!(about.status, StatusCode::OK);
        assert_eq!(about.texts("h1").len(), 1);
    }
}

#[tokio::test]
async fn unknown_addresses_get_the_themed_404() {
    for db in databases().await {
        let app = site(&db).await;
        for path in [
            "/nope/",
            "/articles/no-such-article/",
            "/articles/transnistria-after-the-gas/",
            "/authors/nobody/",
            "/regions/atlantis/",
            "/authors/anna-kowalska/page/9/",
            "/articles/Not_A_Slug/",
            "/%3Cscript%3Ealert(1)%3C/script%3E/",
        ] {
            let page = get(&app, path).await;
            assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
            assert_eq!(page.texts("h1"), ["Page not found"], "{path}");
            assert_eq!(page.attrs("meta[name=robots]", "content"), ["noindex"], "{path}");
            assert!(!page.body.contains("<script>alert"), "the path is escaped: {path}");
        }
        let redirect = get(&app, "/about?x=1").await;
        assert_eq!(redirect.status, StatusCode::PERMANENT_REDIRECT);
        assert_eq!(redirect.headers["location"], "/about/?x=1");
        assert_eq!(get(&app, "/assets/nope.css").await.status, StatusCode::NOT_FOUND);
    }
}

#[tokio::test]
async fn pages_cost_a_fixed_number_of_queries() {
    for db in databases().await {
        let app = site(&db).await;
        let cost = |path: &'static str| {
            let app = app.clone();
            let store = db.store.clone();
            async move {
                let before = store.statements_run();
                assert_eq!(get(&app, path).await.status, StatusCode::OK, "{path}");
                store.statements_run() - before
            }
        };
        // The frame (publication, taxonomies, pages) is loaded once and kept until it changes.
        assert_eq!(cost("/about/").await, 3, "the frame, on first use");
        // Count + rows + bylines + terms + comment counts, whatever the page size.
        assert_eq!(cost("/").await, 5, "home page");
        assert_eq!(cost("/page/2/").await, 5, "home page 2");
        // The article with its byline (one join), its terms, the comment settings, its
        // comments and its corrections.
        assert_eq!(cost("/articles/full/").await, 5, "article page");
    }
}

#[tokio::test]
async fn pages_are_accessible_and_load_nothing_from_elsewhere() {
    let db = sqlite().await;
    let app = site(&db).await;
    for path in [
        "/",
        "/articles/full/",
        "/authors/anna-kowalska/",
        "/regions/",
        "/regions/europe/",
        "/about/",
        "/nope/",
    ] {
        let page = get(&app, path).await;
        assert_eq!(page.attrs("html", "lang"), ["en"], "{path}");
        assert_eq!(page.texts("h1").len(), 1, "one h1 on {path}");
        assert_eq!(page.attrs("main", "id"), ["content"], "{path}");
        assert_eq!(page.attrs("a.skip-link", "href"), ["#content"], "{path}");
        assert!(!page.texts("nav").is_empty(), "{path}");
        let images = page.html().select(&scraper::Selector::parse("img").unwrap()).count();
        assert_eq!(page.attrs("img", "alt").len(), images, "every image has alt on {path}");
        // The only scripts are JSON-LD data blocks, which browsers do not run.
        assert!(page.attrs("script", "src").is_empty(), "{path}");
        let scripts = page.html().select(&scraper::Selector::parse("script").unwrap()).count();
        assert_eq!(
            page.attrs("script[type=\"application/ld+json\"]", "type").len(),
            scripts,
            "{path}"
        );
        for url in page
            .attrs("link[href], img[src], source[srcset]", "href")
            .into_iter()
            .chain(page.attrs("img", "src"))
        {
            assert!(url.starts_with('/') || url.starts_with(BASE), "{url} on {path}");
        }
        let csp = page.headers["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("default-src 'self'"), "{csp}");
    }
}

#[tokio::test]
async fn a_theme_folder_overrides_templates_one_by_one() {
    let db = sqlite().await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("templates")).unwrap();
    std::fs::create_dir_all(dir.path().join("assets")).unwrap();
    std::fs::write(
        dir.path().join("templates/page.html"),
        "{% extends \"base.html\" %}{% block content %}<h1 class=custom>{{ page.title }}</h1>{% endblock %}",
    )
    .unwrap();
    std::fs::write(dir.path().join("assets/extra.css"), "body{}").unwrap();
    let _default_site = common::site(&db).await; // fills the database
    let app = app(db.store.clone(), Theme::load(Some(dir.path())).unwrap());
    let about = get(&app, "/about/").await;
    assert_eq!(about.texts("h1.custom"), ["About"]);
    assert_eq!(get(&app, "/").await.status, StatusCode::OK, "other templates stay the default's");
    assert_eq!(get(&app, "/assets/extra.css").await.status, StatusCode::OK);

    std::fs::write(dir.path().join("templates/home.html"), "{% if %}").unwrap();
    let err = Theme::load(Some(dir.path())).unwrap_err().to_string();
    assert!(err.contains("home.html"), "{err}");
}
