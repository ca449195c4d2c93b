//! The Admin API's frame: bearer tokens, JSON errors, the OpenAPI document.

mod common;

use axum::body::Body;
use axum::http::{Request, header};
use byline_core::staff::Role;
use byline_store::testing::databases;
use common::client::staff;
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

async fn call(app: &axum::Router, path: &str, token: Option<&str>) -> (u16, Value) {
    let mut req = Request::get(path);
    if let Some(t) = token {
        req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    let res = app.clone().oneshot(req.body(Body::empty()).unwrap()).await.unwrap();
    let status = res.status().as_u16();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

#[tokio::test]
async fn tokens_authenticate_and_errors_are_json() {
    for db in databases().await {
        let app = common::site(&db).await;
        let (s, body) = call(&app, "/api/admin/v1/me", None).await;
        assert_eq!(s, 401);
        assert_eq!(body["error"]["code"], "unauthorized", "{body}");
        let (s, body) = call(&app, "/api/admin/v1/me", Some("byl_nonsense")).await;
        assert_eq!((s, body["error"]["code"].as_str()), (401, Some("unauthorized")));

        let cli = db.store.create_api_token("CMS sync", Role::Editor, None).await.unwrap();
        assert!(cli.secret.starts_with("byl_"));
        let (s, body) = call(&app, "/api/admin/v1/me", Some(&cli.secret)).await;
        assert_eq!(s, 200, "{body}");
        assert_eq!(body["role"], "editor");
        assert_eq!(body["name"], "API token “CMS sync”");

        // A token never outranks its maker: an author's editor token acts as an author,
        // and stops working when the account is disabled.
        let author = staff(&db.store, "Arun Author", Role::Author).await;
        let t = db.store.create_api_token("mine", Role::Editor, Some(author.id)).await.unwrap();
        assert_eq!(call(&app, "/api/admin/v1/me", Some(&t.secret)).await.1["role"], "author");
        let command_line = byline_core::audit::Actor::command_line();
        db.store.set_staff_disabled(&command_line, author.id, true).await.unwrap();
        assert_eq!(call(&app, "/api/admin/v1/me", Some(&t.secret)).await.0, 401);

        db.store.revoke_api_token(cli.token.id).await.unwrap();
        assert_eq!(call(&app, "/api/admin/v1/me", Some(&cli.secret)).await.0, 401, "revoked");
        let listed = db.store.api_tokens().await.unwrap();
        let used = listed.iter().find(|t| t.id == cli.token.id).unwrap();
        assert!(used.last_used_at.is_some() && used.revoked, "its use and revocation are noted");

        let (s, body) = call(&app, "/api/admin/v1/no-such-thing", Some(&t.secret)).await;
        assert_eq!((s, body["error"]["code"].as_str()), (404, Some("not_found")));
    }
}

#[tokio::test]
async fn the_openapi_document_is_generated_from_the_handlers() {
    for db in databases().await {
        let app = common::site(&db).await;
        let (s, doc) = call(&app, "/api/admin/v1/openapi.json", None).await;
        assert_eq!(s, 200);
        assert!(doc["openapi"].as_str().unwrap().starts_with("3."), "{doc}");
        assert_eq!(doc["servers"][0]["url"], "/api/admin/v1");
        assert!(doc["paths"]["/me"]["get"].is_object(), "{doc}");
        assert_eq!(doc["components"]["securitySchemes"]["bearer"]["scheme"], "bearer");
    }
}
