//! A changed slug keeps its old address working: articles (and their republish pages),
//! authors (and their feeds) and pages answer their old addresses with 301 to the new ones,
//! chains collapse, a live one taking an old slug wins, and redirects never leave the site.

mod common;

use axum::http::{StatusCode, header};
use byline_core::staff::Role;
use byline_store::testing::databases;
use common::{api, api_token, app_and_state, get};
use serde_json::{Value, json};

/// An Admin API call that must succeed.
async fn call(app: &axum::Router, method: &str, path: &str, token: &str, body: Value) -> Value {
    let (status, v) = api(app, method, path, token, body).await;
    assert!((200..300).contains(&status), "{method} {path}: {status} {v}");
    v
}

/// Where `path` sends a reader: a 301's target, which must be a path on this site.
async fn moved_to(app: &axum::Router, path: &str) -> String {
    let page = get(app, path).await;
    assert_eq!(page.status, StatusCode::MOVED_PERMANENTLY, "{path}: {}", page.body);
    let to = page.headers[header::LOCATION].to_str().unwrap().to_owned();
    assert!(to.starts_with('/') && !to.starts_with("//"), "{path} → {to} leaves the site");
    to
}

async fn rename_article(app: &axum::Router, t: &str, id: i64, slug: &str) {
    let now = call(app, "GET", &format!("/articles/{id}"), t, Value::Null).await;
    let body = json!({"version": now["version"], "title": now["title"], "body": now["body"],
        "slug": slug, "authors": now["authors"], "published_at": now["published_at"]});
    call(app, "PUT", &format!("/articles/{id}"), t, body).await;
}

#[tokio::test]
async fn an_article_keeps_its_old_addresses_and_a_new_article_may_take_one() {
    for db in databases().await {
        let _ = common::site(&db).await;
        let (app, state) = app_and_state(db.store.clone());
        state.catch_up().await.unwrap();
        let t = &api_token(&db.store, "Edna Editor", Role::Editor).await;
        let a = call(
            &app,
            "POST",
            "/articles",
            t,
            json!({"title": "Dam Report", "slug": "dam-report", "body": "Water.",
                "status": "published", "authors": ["anna-kowalska"]}),
        )
        .await;
        let id = a["id"].as_i64().unwrap();
        assert_eq!(get(&app, "/articles/dam-report/").await.status, 200);

        rename_article(&app, t, id, "dam-report-2026").await;
        assert_eq!(moved_to(&app, "/articles/dam-report/").await, "/articles/dam-report-2026/");
        assert_eq!(get(&app, "/articles/dam-report-2026/").await.status, 200);
        // Its republish page follows it too.
        assert_eq!(
            moved_to(&app, "/articles/dam-report/republish/").await,
            "/articles/dam-report-2026/republish/"
        );
        assert_eq!(get(&app, "/articles/dam-report-2026/republish/").await.status, 200);
        assert_eq!(get(&app, "/articles/never-was/republish/").await.status, 404);

        // A → B → C: both old addresses lead straight to C.
        rename_article(&app, t, id, "the-dam-report").await;
        assert_eq!(moved_to(&app, "/articles/dam-report/").await, "/articles/the-dam-report/");
        assert_eq!(moved_to(&app, "/articles/dam-report-2026/").await, "/articles/the-dam-report/");

        // A new article with an old slug wins over the redirect.
        call(
            &app,
            "POST",
            "/articles",
            t,
            json!({"title": "Another Dam", "slug": "dam-report", "body": "Other water.",
                "status": "published", "authors": ["anna-kowalska"]}),
        )
        .await;
        let taken = get(&app, "/articles/dam-report/").await;
        assert_eq!(taken.status, 200);
        assert!(taken.body.contains("Other water."));
        assert_eq!(moved_to(&app, "/articles/dam-report-2026/").await, "/articles/the-dam-report/");

        // Renamed back to an old slug of its own: that slug is live again, not a loop.
        rename_article(&app, t, id, "dam-report-2026").await;
        assert_eq!(get(&app, "/articles/dam-report-2026/").await.status, 200);
        assert_eq!(moved_to(&app, "/articles/the-dam-report/").await, "/articles/dam-report-2026/");

        // An unpublished article's old addresses lead nowhere.
        call(&app, "POST", &format!("/articles/{id}/unpublish"), t, json!({})).await;
        assert_eq!(get(&app, "/articles/the-dam-report/").await.status, 404);
        assert_eq!(get(&app, "/articles/never-was/").await.status, 404);
    }
}

#[tokio::test]
async fn authors_and_pages_keep_their_old_addresses() {
    for db in databases().await {
        let _ = common::site(&db).await;
        let (app, state) = app_and_state(db.store.clone());
        state.catch_up().await.unwrap();
        let t = &api_token(&db.store, "Edna Editor", Role::Editor).await;

        let anna = db.store.author("anna-kowalska").await.unwrap();
        let body = json!({"name": anna.name, "slug": "anna-k", "bio": anna.bio});
        call(&app, "PUT", &format!("/authors/{}", anna.id), t, body).await;
        assert_eq!(moved_to(&app, "/authors/anna-kowalska/").await, "/authors/anna-k/");
        assert_eq!(
            moved_to(&app, "/authors/anna-kowalska/feed.xml").await,
            "/authors/anna-k/feed.xml"
        );
        assert_eq!(
            moved_to(&app, "/authors/anna-kowalska/feed.json").await,
            "/authors/anna-k/feed.json"
        );
        assert_eq!(get(&app, "/authors/anna-k/").await.status, 200);
        assert_eq!(get(&app, "/authors/anna-kowalska/nonsense.txt").await.status, 404);
        // A new author taking the old slug wins.
        call(
            &app,
            "POST",
            "/authors",
            t,
            json!({"name": "Anna Kowalska", "slug": "anna-kowalska"}),
        )
        .await;
        assert_eq!(get(&app, "/authors/anna-kowalska/").await.status, 200);

        let pages = call(&app, "GET", "/pages", t, Value::Null).await;
        let about = pages
            .as_array()
            .or(pages["items"].as_array())
            .and_then(|l| l.iter().find(|p| p["slug"] == "about").cloned())
            .unwrap_or_else(|| panic!("the demo's about page: {pages}"));
        let body = json!({"title": about["title"], "slug": "about-us", "body": "About."});
        call(&app, "PUT", &format!("/pages/{}", about["id"]), t, body).await;
        assert_eq!(moved_to(&app, "/about/").await, "/about-us/");
        assert_eq!(get(&app, "/about-us/").await.status, 200);
    }
}
