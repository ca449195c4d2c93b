//! Property test over the Admin API's JSON bodies, on SQLite and PostgreSQL: every endpoint
//! the OpenAPI document lists with a JSON body gets random JSON (random values under the
//! schema's own field names, wrong types, unknown keys, other shapes, and bytes that are not
//! JSON at all). Each answer comes within a bounded time and is a success or a 4xx in the
//! documented error shape (`{"error": {"code", "message"}}`), never a 5xx or a panic.

mod common;

use axum::body::Body;
use axum::http::{Request, header};
use byline_core::staff::Role;
use byline_store::testing::databases;
use common::{api, api_token, site};
use http_body_util::BodyExt;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{Map, Value, json};
use std::time::{Duration, Instant};
use tower::ServiceExt;

const PER_CASE: Duration = Duration::from_secs(5);
const CASES_PER_ENDPOINT: u32 = 40;

/// Any JSON value, nested a few levels.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(|f| json!(f)),
        Just(json!(u64::MAX)),
        ".{0,24}".prop_map(Value::String),
        prop_oneof![
            Just("2026-11-26T08:00:00Z"),
            Just("published"),
            Just("paid"),
            Just("anna-kowalska"),
            Just("https://example.org/x"),
            Just("javascript:alert(1)"),
            Just("<script>alert(1)</script>"),
            Just("a\u{0}b"),
            Just(""),
        ]
        .prop_map(|s| Value::String(s.to_owned())),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::btree_map("[a-z_]{1,10}", inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A body for an endpoint whose schema names `fields`: an object over those names with random
/// values (and sometimes unknown keys), any other JSON, or bytes that are not JSON.
fn body(fields: Vec<String>) -> impl Strategy<Value = Vec<u8>> {
    let named = proptest::collection::vec(
        (proptest::sample::select(fields.max_or_one()), any_json()),
        0..8,
    )
    .prop_map(|pairs| {
        let m: Map<String, Value> = pairs.into_iter().collect();
        Value::Object(m).to_string().into_bytes()
    });
    prop_oneof![
        6 => named,
        2 => any_json().prop_map(|v| v.to_string().into_bytes()),
        1 => proptest::collection::vec(any::<u8>(), 0..64),
        1 => Just(b"{\"title\": ".to_vec()),
    ]
}

trait OrOne {
    fn max_or_one(self) -> Vec<String>;
}

impl OrOne for Vec<String> {
    fn max_or_one(self) -> Vec<String> {
        if self.is_empty() { vec!["x".into()] } else { self }
    }
}

/// Property names of a schema (following one `$ref`), from the OpenAPI document.
fn fields(doc: &Value, schema: &Value) -> Vec<String> {
    let schema = match schema["$ref"].as_str() {
        Some(r) => &doc["components"]["schemas"][r.rsplit('/').next().unwrap()],
        None => schema,
    };
    schema["properties"].as_object().map(|m| m.keys().cloned().collect()).unwrap_or_default()
}

#[test]
fn random_json_at_every_endpoint_is_a_success_or_a_documented_4xx() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    for db in rt.block_on(databases()) {
        let (app, token, ids) = rt.block_on(async {
            let app = site(&db).await;
            let token = api_token(&db.store, "Prop Owner", Role::Owner).await;
            // One of each resource, so paths with ids reach their handlers.
            let mut ids = std::collections::HashMap::new();
            for (kind, path, b) in [
                (
                    "articles",
                    "/articles",
                    json!({"title": "Prop", "body": "B.", "authors": ["anna-kowalska"]}),
                ),
                ("authors", "/authors", json!({"name": "Prop Author"})),
                ("taxonomies", "/taxonomies", json!({"name": "Props"})),
                ("pages", "/pages", json!({"title": "Prop page", "body": "B."})),
                ("members", "/members", json!({"email": "prop@example.org"})),
            ] {
                let (status, v) = api(&app, "POST", path, &token, b).await;
                assert_eq!(status, 201, "{path}: {v}");
                ids.insert(kind, v["id"].as_i64().unwrap());
            }
            let tax = ids["taxonomies"];
            let (status, v) = api(
                &app,
                "POST",
                &format!("/taxonomies/{tax}/terms"),
                &token,
                json!({"name": "T"}),
            )
            .await;
            assert_eq!(status, 201, "{v}");
            ids.insert("terms", v["id"].as_i64().unwrap());
            (app, token, ids)
        });
        let doc = rt.block_on(api(&app, "GET", "/openapi.json", &token, Value::Null)).1;
        let mut endpoints = 0;
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, op) in item.as_object().unwrap() {
                let Some(schema) = op["requestBody"]["content"].get("application/json") else {
                    continue;
                };
                let names = fields(&doc, &schema["schema"]);
                let first = path.trim_start_matches('/').split('/').next().unwrap();
                let concrete = path
                    .replace("{id}", &ids.get(first).copied().unwrap_or(1).to_string())
                    .replace("{action}", "publish")
                    .replace("{slug}", "paid")
                    .replace("{tier}", "paid");
                endpoints += 1;
                let method = method.to_uppercase();
                let mut runner =
                    TestRunner::new(Config { cases: CASES_PER_ENDPOINT, ..Config::default() });
                runner
                    .run(&body(names), |bytes| {
                        let req = Request::builder()
                            .method(method.as_str())
                            .uri(format!("/api/admin/v1{concrete}"))
                            .header(header::AUTHORIZATION, format!("Bearer {token}"))
                            .header(header::CONTENT_TYPE, "application/json")
                            .body(Body::from(bytes.clone()))
                            .unwrap();
                        let started = Instant::now();
                        let (status, text) = rt.block_on(async {
                            let res = app.clone().oneshot(req).await.unwrap();
                            let status = res.status().as_u16();
                            let b = res.into_body().collect().await.unwrap().to_bytes();
                            (status, String::from_utf8_lossy(&b).into_owned())
                        });
                        let sent = String::from_utf8_lossy(&bytes);
                        prop_assert!(started.elapsed() < PER_CASE, "{method} {concrete}: slow");
                        prop_assert!(status < 500, "{method} {concrete} {sent}: {status} {text}");
                        if status >= 400 {
                            let v: Value = serde_json::from_str(&text).map_err(|e| {
                                TestCaseError::fail(format!(
                                    "{method} {concrete}: {status} not JSON ({e}): {text}"
                                ))
                            })?;
                            let e = &v["error"];
                            prop_assert!(
                                e["code"].as_str().is_some_and(|c| !c.is_empty())
                                    && e["message"].as_str().is_some_and(|m| !m.is_empty()),
                                "{method} {concrete} {sent}: {status} {text}"
                            );
                        }
                        Ok(())
                    })
                    .unwrap_or_else(|e| panic!("{:?}: {e}", db.backend()));
            }
        }
        assert!(endpoints >= 12, "only {endpoints} endpoints with JSON bodies in the document");
    }
}
