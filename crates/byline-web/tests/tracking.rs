//! The tracking image cannot be used to grow the database: what one address and one
//! article can add is bounded per hour, and only plausible page addresses count.

mod common;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode, header};
use byline_store::testing::{TestDb, databases};
use byline_web::AppState;
use byline_web::tracking::{PAGES_PER_ADDRESS_PER_HOUR, PAGES_PER_ARTICLE_PER_HOUR};
use std::net::SocketAddr;
use tower::ServiceExt;

async fn pixel(app: &Router, id: i64, peer: &str, referer: &str) {
    let req = Request::get(format!("/r/{id}.gif"))
        .header(header::REFERER, referer)
        .header(header::USER_AGENT, "Mozilla/5.0 (X11; Linux x86_64)")
        .extension(ConnectInfo(peer.parse::<SocketAddr>().unwrap()))
        .body(Body::empty())
        .unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK, "the image answers whatever happens");
}

/// Writes what the tracker buffered, as the server's flush task does; the rows stored.
async fn flush(
    db: &TestDb,
    state: &AppState,
    id: i64,
) -> Vec<byline_core::republish::Republication> {
    let views = state.tracker.drain();
    db.store.record_copy_views(&views, chrono::Utc::now()).await.unwrap();
    db.store.republications(Some(id)).await.unwrap()
}

#[tokio::test]
async fn three_thousand_unique_referers_from_one_address_make_a_bounded_number_of_rows() {
    for db in databases().await {
        let _ = common::site(&db).await;
        let (app, state) = common::app_and_state(db.store.clone());
        let id = db.store.published_article("full").await.unwrap().id;
        for i in 0..3_000 {
            pixel(&app, id, "203.0.113.5:40000", &format!("https://site{i}.example/p/{i}")).await;
        }
        // An IPv6 client rotating through its /64 is one address too.
        for i in 0..3_000 {
            let peer = format!("[2001:db8:1:2::{:x}]:40000", i + 1);
            pixel(&app, id, &peer, &format!("https://v6-{i}.example/story")).await;
        }
        let rows = flush(&db, &state, id).await;
        assert_eq!(rows.len(), 2 * PAGES_PER_ADDRESS_PER_HOUR as usize, "{:?}", db.backend());

        // A page admitted this hour keeps counting views from that address.
        pixel(&app, id, "203.0.113.5:40001", "https://site0.example/p/0?from=x").await;
        let rows = flush(&db, &state, id).await;
        let first = rows.iter().find(|r| r.url == "https://site0.example/p/0").unwrap();
        assert_eq!(first.views, 1, "the same reader, an hour's one view; no new row");
        assert_eq!(rows.len(), 2 * PAGES_PER_ADDRESS_PER_HOUR as usize);
    }
}

#[tokio::test]
async fn many_addresses_cannot_grow_one_article_past_its_bound() {
    for db in databases().await {
        let _ = common::site(&db).await;
        let (app, state) = common::app_and_state(db.store.clone());
        let id = db.store.published_article("full").await.unwrap().id;
        for i in 0..3_000u32 {
            let peer = format!("198.51.{}.{}:40000", i / 250, i % 250 + 1);
            pixel(&app, id, &peer, &format!("https://site{i}.example/")).await;
        }
        let rows = flush(&db, &state, id).await;
        assert_eq!(rows.len(), PAGES_PER_ARTICLE_PER_HOUR as usize, "{:?}", db.backend());
    }
}

#[tokio::test]
async fn only_plausible_page_addresses_count() {
    for db in databases().await {
        let _ = common::site(&db).await;
        let (app, state) = common::app_and_state(db.store.clone());
        let id = db.store.published_article("full").await.unwrap().id;
        let long = format!("https://long.example/{}", "a".repeat(600));
        let junk = [
            "javascript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "ftp://files.example/x",
            "https://user:secret@news.example/story",
            "https://user@news.example/story",
            "http://intranet/story",
            "https://[2001:db8::1]/story",
            "https://news..example/story",
            "https://news.example/a\tb",
            "https://news.example/a b",
            "not a url",
            long.as_str(),
        ];
        for (i, referer) in junk.iter().enumerate() {
            pixel(&app, id, &format!("192.0.2.{}:40000", i + 1), referer).await;
        }
        assert!(flush(&db, &state, id).await.is_empty(), "no junk referer counts");

        for (i, referer) in [
            "http://localhost:3000/story",
            "https://ok.example/a/b?utm=1#top",
            "http://192.0.2.9/x",
        ]
        .iter()
        .enumerate()
        {
            pixel(&app, id, &format!("192.0.2.{}:40000", i + 100), referer).await;
        }
        let mut urls: Vec<_> = flush(&db, &state, id).await.into_iter().map(|r| r.url).collect();
        urls.sort();
        assert_eq!(
            urls,
            ["http://192.0.2.9/x", "http://localhost:3000/story", "https://ok.example/a/b"],
            "{:?}",
            db.backend()
        );
    }
}
