//! Read-your-writes: the process that made a write drops the pages it touched before it
//! answers, so a publish through the admin or the API shows at once on every page it
//! touches, with the cache on and nothing polling. On PostgreSQL another process follows by
//! LISTEN/NOTIFY, without waiting for its poll.

mod common;

use axum::http::header;
use byline_core::ArticleInput;
use byline_core::audit::Actor;
use byline_core::editorial::Step;
use byline_core::staff::Role;
use byline_render::Theme;
use byline_store::Store;
use byline_store::testing::databases;
use byline_web::{AppState, router};
use common::client::signed_in;
use common::{BASE, api, api_token, app_and_state, get};
use serde_json::json;
use std::time::Duration;

/// What a new article by Anna Kowalska filed under Moldova shows up on.
const TOUCHED: [&str; 10] = [
    "/",
    "/feed.xml",
    "/atom.xml",
    "/feed.json",
    "/authors/anna-kowalska/",
    "/authors/anna-kowalska/feed.xml",
    "/regions/moldova/",
    "/regions/europe/",
    "/regions/moldova/atom.xml",
    "/sitemaps/articles-1.xml",
];

/// Loads every touched page (and the article's own address) so that the cache holds them.
async fn warm(app: &axum::Router, slug: &str, title: &str) {
    for p in TOUCHED {
        let page = get(app, p).await;
        assert_eq!(page.status, 200, "{p}");
        assert!(!page.body.contains(title), "{p} shows {title:?} before it is published");
        assert_eq!(get(app, p).await.headers.get(header::ETAG), page.headers.get(header::ETAG));
    }
    assert_eq!(get(app, &format!("/articles/{slug}/")).await.status, 404);
}

async fn shown_everywhere(app: &axum::Router, slug: &str, title: &str) {
    for p in TOUCHED {
        let page = get(app, p).await;
        assert!(page.body.contains(title) || page.body.contains(slug), "{p} is stale");
    }
    let article = get(app, &format!("/articles/{slug}/")).await;
    assert_eq!(article.status, 200, "the article itself");
    assert!(article.body.contains(title));
}

fn draft(title: &str) -> ArticleInput {
    ArticleInput {
        title: title.into(),
        body: "Words.".into(),
        authors: vec!["anna-kowalska".into()],
        terms: vec![("regions".into(), "moldova".into())],
        ..Default::default()
    }
}

#[tokio::test]
async fn a_publish_through_the_api_shows_at_once_on_every_page_it_touches() {
    for db in databases().await {
        let _ = common::site(&db).await;
        let (app, state) = app_and_state(db.store.clone());
        state.catch_up().await.unwrap();
        let t = api_token(&db.store, "Edna Editor", Role::Editor).await;
        let title = "Interconnector Opens Early";
        warm(&app, "interconnector-opens-early", title).await;

        let (s, out) = api(
            &app,
            "POST",
            "/articles",
            &t,
            json!({"title": title, "body": "Words.", "status": "published",
                "authors": ["anna-kowalska"], "terms": [{"taxonomy": "regions", "term": "moldova"}]}),
        )
        .await;
        assert_eq!(s, 201, "{out}");
        shown_everywhere(&app, "interconnector-opens-early", title).await;

        // And back down: unpublishing through the API takes it off every page at once.
        let id = out["id"].as_i64().unwrap();
        let (s, out) = api(&app, "POST", &format!("/articles/{id}/unpublish"), &t, json!({})).await;
        assert_eq!(s, 200, "{out}");
        assert_eq!(get(&app, "/articles/interconnector-opens-early/").await.status, 404);
        for p in TOUCHED {
            assert!(!get(&app, p).await.body.contains(title), "{p} still shows it");
        }
    }
}

#[tokio::test]
async fn a_publish_through_the_admin_shows_at_once_on_every_page_it_touches() {
    for db in databases().await {
        let _ = common::site(&db).await;
        let (app, state) = app_and_state(db.store.clone());
        state.catch_up().await.unwrap();
        let (mut e, editor) = signed_in(&app, &db.store, "Edna Editor", Role::Editor).await;
        let title = "Grid Talks Resume";
        let actor = Actor {
            staff_id: Some(editor.id),
            author_id: editor.author_id,
            name: editor.name.clone(),
            role: Role::Editor,
        };
        let a = db.store.create_article(&actor, &draft(title), Step::Create).await.unwrap();
        warm(&app, "grid-talks-resume", title).await;

        let r = e.post(&format!("/admin/articles/{}/publish", a.id), &[]).await;
        assert_eq!(r.status, 303, "{}", r.body);
        shown_everywhere(&app, "grid-talks-resume", title).await;
    }
}

/// A second process on the same database: its own store, state and cache.
async fn node(url: &str) -> (axum::Router, AppState) {
    let store = Store::connect(url).await.unwrap();
    let state = AppState::new(store, Theme::load(None).unwrap(), BASE);
    (router(state.clone()), state)
}

#[tokio::test]
async fn on_postgresql_another_node_follows_by_notification_without_polling() {
    for db in databases().await {
        if db.backend() != byline_store::Backend::Postgres {
            continue;
        }
        let _ = common::site(&db).await;
        let (writer, writer_state) = node(&db.url).await;
        writer_state.catch_up().await.unwrap();
        let (reader, reader_state) = node(&db.url).await;
        // Polling once an hour: only a notification can bring the change in this test.
        let following = reader_state.clone().follow_changes_every(Duration::from_secs(3600)).await;
        let task = tokio::spawn(following);

        let t = api_token(&db.store, "Edna Editor", Role::Editor).await;
        let title = "Notified Within Moments";
        // The listener starts on its own task and catches up once when it connects, which
        // may drop a page rendered just before: wait until the home page is served from the
        // cache (the same ETag twice), so that only the write below can change it.
        let mut cached = false;
        for _ in 0..500 {
            let before = get(&reader, "/").await;
            assert!(!before.body.contains(title));
            let etag = before.headers.get(header::ETAG).cloned();
            if etag.is_some() && get(&reader, "/").await.headers.get(header::ETAG) == etag.as_ref()
            {
                cached = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert!(cached, "the reader never served its home page from the cache");

        let (s, out) = api(
            &writer,
            "POST",
            "/articles",
            &t,
            json!({"title": title, "body": "Words.", "status": "published",
                "authors": ["anna-kowalska"]}),
        )
        .await;
        assert_eq!(s, 201, "{out}");
        // The reader's cached home page goes as soon as the notification arrives; the loop
        // only bounds a failure (the poll would take an hour).
        let mut seen = false;
        for _ in 0..500 {
            if get(&reader, "/").await.body.contains(title) {
                seen = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        task.abort();
        assert!(seen, "the other node never dropped its cached home page");
    }
}
