//! Writers at the same moment: eight Admin API clients each create and publish a hundred
//! articles at once. On SQLite every write transaction must wait its turn for the write lock
//! (a deferred transaction that read first failed at once with "database is locked"), and on
//! PostgreSQL rows must not collide; either way no write may fail and none may be lost.

mod common;

use axum::body::Body;
use axum::http::{Request, header};
use byline_core::staff::Role;
use byline_store::testing::databases;
use common::client::staff;
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

const WRITERS: usize = 8;
const EACH: usize = 100;

async fn call(app: &axum::Router, path: &str, token: &str, body: Value) -> (u16, Value) {
    let req = Request::builder()
        .method("POST")
        .uri(format!("/api/admin/v1{path}"))
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status().as_u16();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn eight_writers_create_and_publish_without_a_single_failure() {
    for db in databases().await {
        let _ = common::site(&db).await;
        let (app, _state) = common::app_and_state(db.store.clone());
        let editor = staff(&db.store, "Edna Editor", Role::Editor).await;
        let token =
            db.store.create_api_token("load", Role::Editor, Some(editor.id)).await.unwrap().secret;
        let before = db.store.published_count().await.unwrap();

        let writers = (0..WRITERS).map(|w| {
            let (app, token) = (app.clone(), token.clone());
            tokio::spawn(async move {
                let mut failures = Vec::new();
                for i in 0..EACH {
                    let body = json!({
                        "title": format!("Writer {w}, article {i}"),
                        "body": "Written while seven others wrote too.",
                        "authors": ["anna-kowalska"],
                    });
                    let (s, a) = call(&app, "/articles", &token, body).await;
                    if s != 201 {
                        failures.push(format!("create {w}/{i}: {s} {a}"));
                        continue;
                    }
                    let (id, version) = (a["id"].as_i64().unwrap(), a["version"].clone());
                    let (s, a) = call(
                        &app,
                        &format!("/articles/{id}/publish"),
                        &token,
                        json!({ "version": version }),
                    )
                    .await;
                    if s != 200 {
                        failures.push(format!("publish {w}/{i}: {s} {a}"));
                    }
                }
                failures
            })
        });
        let mut failures = Vec::new();
        for w in writers.collect::<Vec<_>>() {
            failures.extend(w.await.unwrap());
        }
        assert!(
            failures.is_empty(),
            "{:?}: {} of {} writes failed, e.g. {:?}",
            db.backend(),
            failures.len(),
            WRITERS * EACH * 2,
            &failures[..failures.len().min(3)]
        );
        let after = db.store.published_count().await.unwrap();
        assert_eq!(after - before, (WRITERS * EACH) as u64, "{:?}", db.backend());
    }
}
