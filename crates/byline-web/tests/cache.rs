//! The page cache: hits cost no queries, pages come pre-compressed, edits invalidate exactly
//! what they touch, memory stays bounded, and a burst renders a page once.

mod common;

use axum::http::StatusCode;
use byline_store::Store;
use byline_store::testing::{databases, sqlite};
use common::{FULL_ARTICLE, add_articles, app_and_state, get, get_with, site};
use std::io::Read;

async fn cost(store: &Store, app: &axum::Router, path: &str) -> u64 {
    let before = store.statements_run();
    let page = get(app, path).await;
    assert_eq!(page.status, StatusCode::OK, "{path}");
    store.statements_run() - before
}

#[tokio::test]
async fn a_cached_page_costs_no_queries_and_comes_compressed() {
    let db = sqlite().await;
    let _ = site(&db).await;
    let (app, _) = app_and_state(db.store.clone());
    let first = get(&app, "/articles/full/").await;
    assert!(cost(&db.store, &app, "/articles/full/").await == 0, "the second request is a hit");
    let again = get(&app, "/articles/full/").await;
    assert_eq!(first.body, again.body);

    let raw = |enc: &str| {
        let app = app.clone();
        let enc = enc.to_owned();
        async move {
            let req = axum::http::Request::get("/articles/full/")
                .header("accept-encoding", enc)
                .body(axum::body::Body::empty())
                .unwrap();
            let res = tower::ServiceExt::oneshot(app, req).await.unwrap();
            let enc = res.headers().get("content-encoding").map(|v| v.to_str().unwrap().to_owned());
            let vary = res.headers()["vary"].to_str().unwrap().to_owned();
            let bytes = http_body_util::BodyExt::collect(res.into_body()).await.unwrap().to_bytes();
            (enc, vary, bytes)
        }
    };
    let (enc, vary, br) = raw("gzip, deflate, br").await;
    assert_eq!((enc.as_deref(), vary.as_str()), (Some("br"), "accept-encoding, cookie"));
    let mut text = String::new();
    brotli::Decompressor::new(&br[..], 4096).read_to_string(&mut text).unwrap();
    assert_eq!(text, first.body);
    let (enc, _, gz) = raw("gzip").await;
    assert_eq!(enc.as_deref(), Some("gzip"));
    let mut text = String::new();
    flate2::read::GzDecoder::new(&gz[..]).read_to_string(&mut text).unwrap();
    assert_eq!(text, first.body);
    assert!(br.len() < first.body.len() / 2 && gz.len() < first.body.len() / 2);

    let etag = again.headers["etag"].to_str().unwrap().to_owned();
    let not_modified = get_with(&app, "/articles/full/", &[("if-none-match", &etag)]).await;
    assert_eq!(not_modified.status, StatusCode::NOT_MODIFIED);
    assert!(not_modified.body.is_empty());
}

#[tokio::test]
async fn an_edit_invalidates_its_pages_and_no_others() {
    for db in databases().await {
        let _ = site(&db).await;
        let (app, state) = app_and_state(db.store.clone());
        state.catch_up().await.unwrap();
        let pages = [
            "/articles/full/",                        // the edited article
            "/",                                      // lists it
            "/regions/europe/",                       // its term's parent archive
            "/regions/moldova/feed.xml",              // its term's feed
            "/authors/anna-kowalska/",                // its author
            "/articles/armenia-municipal-elections/", // another article
            "/authors/lilit-hakobyan/",               // another author
            "/regions/armenia/",                      // another term
        ];
        for p in pages {
            get(&app, p).await;
        }
        for p in pages {
            assert_eq!(cost(&db.store, &app, p).await, 0, "{p} is cached");
        }
        // The edit comes from another connection, as an import or another node would make it.
        let other = Store::connect(&db.url).await.unwrap();
        let edited =
            FULL_ARTICLE.replace("The first paragraph sets the scene.", "A rewritten opening.");
        let report = byline_import::import(
            &other,
            &[byline_import::SourceFile { path: "articles/full.md".into(), text: Ok(edited) }],
            chrono::Utc::now(),
        )
        .await;
        assert_eq!(report.articles.updated, 1, "{report}");
        assert!(state.catch_up().await.unwrap() > 0);
        for p in &pages[..5] {
            assert!(cost(&db.store, &app, p).await > 0, "{p} was invalidated");
        }
        for p in &pages[5..] {
            assert_eq!(cost(&db.store, &app, p).await, 0, "{p} stays cached");
        }
        assert!(get(&app, "/articles/full/").await.body.contains("A rewritten opening."));

        // A change to the frame (a page in the navigation) touches every page.
        add_articles(&db, &[]).await;
        db.store
            .save_page(&byline_core::PageInput {
                title: "New page".into(),
                body: "x".into(),
                in_nav: true,
                ..Default::default()
            })
            .await
            .unwrap();
        state.catch_up().await.unwrap();
        assert!(cost(&db.store, &app, "/regions/armenia/").await > 0);
        assert!(
            get(&app, "/regions/armenia/").await.body.contains("New page"),
            "the frame was reloaded"
        );
    }
}

#[tokio::test]
async fn the_cache_stays_within_its_bound() {
    let db = sqlite().await;
    let _ = site(&db).await;
    let (_, state) = app_and_state(db.store.clone());
    let state = state.with_cache_mb(0);
    assert!(state.cache.is_none());
    let mut state = state;
    let small = std::sync::Arc::new(byline_web::cache::PageCache::new(60_000));
    state.cache = Some(small.clone());
    let app = byline_web::router(state);
    let list =
        db.store.published_articles(&byline_store::ArticleFilter::All, 1, 100).await.unwrap();
    for a in &list.items {
        get(&app, &format!("/articles/{}/", a.slug)).await;
    }
    let weight = small.weight().await;
    assert!(weight <= 60_000, "{weight} bytes held");
    assert!(!small.is_empty().await, "recent pages stay");
    // The most recently used page is still there.
    let last = &list.items.last().unwrap().slug;
    assert_eq!(cost(&db.store, &app, &format!("/articles/{last}/")).await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_burst_renders_a_page_once() {
    let db = sqlite().await;
    let _ = site(&db).await;
    let (app, _) = app_and_state(db.store.clone());
    let before = db.store.statements_run();
    let mut tasks = Vec::new();
    for _ in 0..32 {
        let app = app.clone();
        tasks.push(tokio::spawn(async move { get(&app, "/articles/full/").await.status }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), StatusCode::OK);
    }
    // The frame (3 queries, first use), the article (2), its comments (the settings and the
    // comments, 2) and its corrections (1): one render for 32 readers.
    assert_eq!(db.store.statements_run() - before, 8, "one render's queries for 32 readers");
}

#[tokio::test]
async fn with_the_cache_off_every_request_renders() {
    let db = sqlite().await;
    let _ = site(&db).await;
    let (_, state) = app_and_state(db.store.clone());
    let app = byline_web::router(state.with_cache_mb(0));
    get(&app, "/articles/full/").await;
    assert_eq!(
        cost(&db.store, &app, "/articles/full/").await,
        5,
        "the article with its byline, its terms, the comment settings, the comments and the \
         corrections: no query per comment, author or term"
    );
}
