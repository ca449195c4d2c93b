//! The Admin API's articles: create, read, update with a version check, the workflow's
//! actions, the trash, the list's filters, field-level errors, and the OpenAPI document.

mod common;

use axum::body::Body;
use axum::http::{Request, header};
use byline_core::staff::Role;
use byline_store::testing::databases;
use chrono::{Duration, Utc};
use common::client::staff;
use common::{app_and_state, get};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

async fn call(
    app: &axum::Router,
    method: &str,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let req = Request::builder()
        .method(method)
        .uri(format!("/api/admin/v1{path}"))
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(body.map_or(Body::empty(), |b| Body::from(b.to_string())))
        .unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status().as_u16();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

fn fields(v: &Value) -> Vec<String> {
    v["error"]["fields"]
        .as_array()
        .map(|a| a.iter().map(|f| f["field"].as_str().unwrap().to_owned()).collect())
        .unwrap_or_default()
}

#[tokio::test]
async fn create_read_update_with_versions_and_the_workflow() {
    for db in databases().await {
        let _ = common::site(&db).await;
        let (app, state) = app_and_state(db.store.clone());
        state.catch_up().await.unwrap();
        let editor = staff(&db.store, "Edna Editor", Role::Editor).await;
        let t =
            db.store.create_api_token("cms", Role::Editor, Some(editor.id)).await.unwrap().secret;

        let (s, bad) = call(
            &app,
            "POST",
            "/articles",
            &t,
            Some(json!({
                "title": "", "body": "x", "authors": ["nobody-here"], "copyright_year": 20,
                "terms": [{"taxonomy": "tags", "term": "no-such-tag"}], "license": "cc-what"
            })),
        )
        .await;
        assert_eq!((s, bad["error"]["code"].as_str()), (422, Some("invalid")), "{bad}");
        assert_eq!(fields(&bad), ["license"], "unreadable values first");
        let (s, bad) = call(
            &app,
            "POST",
            "/articles",
            &t,
            Some(json!({
                "title": "", "body": "x", "authors": ["nobody-here"], "copyright_year": 20,
                "terms": [{"taxonomy": "tags", "term": "no-such-tag"}]
            })),
        )
        .await;
        assert_eq!(s, 422);
        assert_eq!(fields(&bad), ["title", "copyright_year", "authors", "terms"], "{bad}");
        let (s, bad) =
            call(&app, "POST", "/articles", &t, Some(json!({"title": "T", "colour": "red"}))).await;
        assert_eq!(
            (s, bad["error"]["code"].as_str()),
            (400, Some("bad_request")),
            "unknown fields are refused"
        );

        let (s, a) = call(
            &app,
            "POST",
            "/articles",
            &t,
            Some(json!({
                "title": "Border notes", "body": "From the border.", "authors": ["anna-kowalska"],
                "terms": [{"taxonomy": "regions", "term": "moldova"}], "license": "cc-by-4.0",
                "image": "/media/x.jpg", "image_alt": "A road", "republish": false,
                "updated_at": "2026-11-20T08:00:00Z"
            })),
        )
        .await;
        assert_eq!(s, 201, "{a}");
        assert_eq!((a["status"].as_str(), a["version"].as_i64()), (Some("draft"), Some(1)));
        let id = a["id"].as_i64().unwrap();
        let (_, got) = call(&app, "GET", &format!("/articles/{id}"), &t, None).await;
        assert_eq!(got["terms"], json!([{"taxonomy": "regions", "term": "moldova"}]));
        assert_eq!(
            (got["license"].as_str(), got["republish"].as_bool()),
            (Some("cc-by-4.0"), Some(false))
        );

        // Updates state their version; a stale one gets 409 with the current article.
        let mut doc = got.clone();
        for k in ["id", "status", "created_at", "modified_at", "modified_by"] {
            doc.as_object_mut().unwrap().remove(k);
        }
        doc["title"] = json!("Border notes, revised");
        let (s, up) = call(&app, "PUT", &format!("/articles/{id}"), &t, Some(doc.clone())).await;
        assert_eq!((s, up["version"].as_i64()), (200, Some(2)), "{up}");
        assert_eq!(up["updated_at"], "2026-11-20T08:00:00Z", "a round trip keeps the update date");
        doc["title"] = json!("A stale edit");
        let (s, c) = call(&app, "PUT", &format!("/articles/{id}"), &t, Some(doc.clone())).await;
        assert_eq!(s, 409, "{c}");
        assert_eq!(c["error"]["code"], "conflict");
        assert_eq!(c["error"]["current_version"], 2);
        assert_eq!(c["current"]["title"], "Border notes, revised");
        doc.as_object_mut().unwrap().remove("version");
        let (s, missing) = call(&app, "PUT", &format!("/articles/{id}"), &t, Some(doc)).await;
        assert_eq!((s, fields(&missing)), (422, vec!["version".to_owned()]));

        // Schedule needs a future time; publish makes it public; unpublish takes it down.
        let past = (Utc::now() - Duration::hours(1)).to_rfc3339();
        let (s, e) = call(
            &app,
            "POST",
            &format!("/articles/{id}/schedule"),
            &t,
            Some(json!({"published_at": past})),
        )
        .await;
        assert_eq!((s, fields(&e)), (422, vec!["published_at".to_owned()]), "{e}");
        let soon = (Utc::now() + Duration::hours(1)).to_rfc3339();
        let (s, a) = call(
            &app,
            "POST",
            &format!("/articles/{id}/schedule"),
            &t,
            Some(json!({"published_at": soon})),
        )
        .await;
        assert_eq!((s, a["status"].as_str()), (200, Some("scheduled")), "{a}");
        let (s, a) =
            call(&app, "POST", &format!("/articles/{id}/publish"), &t, Some(json!({"version": 3})))
                .await;
        assert_eq!((s, a["status"].as_str()), (200, Some("published")), "{a}");
        state.catch_up().await.unwrap();
        assert_eq!(get(&app, "/articles/border-notes/").await.status, 200);
        let (s, _) = call(
            &app,
            "POST",
            &format!("/articles/{id}/unpublish"),
            &t,
            Some(json!({"version": 1})),
        )
        .await;
        assert_eq!(s, 409, "a stale action is refused too");
        let (s, a) = call(&app, "POST", &format!("/articles/{id}/unpublish"), &t, None).await;
        assert_eq!((s, a["status"].as_str()), (200, Some("draft")));
        state.catch_up().await.unwrap();
        assert_eq!(get(&app, "/articles/border-notes/").await.status, 404);

        // The trash, and back.
        let (s, a) = call(&app, "DELETE", &format!("/articles/{id}"), &t, None).await;
        assert_eq!((s, a["status"].as_str()), (200, Some("trash")));
        let (s, e) = call(&app, "POST", &format!("/articles/{id}/publish"), &t, None).await;
        assert_eq!((s, e["error"]["code"].as_str()), (409, Some("conflict")), "restore first");
        let (s, a) = call(&app, "POST", &format!("/articles/{id}/restore"), &t, None).await;
        assert_eq!((s, a["status"].as_str()), (200, Some("draft")));
        let (s, _) = call(&app, "POST", &format!("/articles/{id}/frobnicate"), &t, None).await;
        assert_eq!(s, 400);
    }
}

#[tokio::test]
async fn the_list_filters_pages_and_shows_writers_only_their_own() {
    for db in databases().await {
        let app = common::site(&db).await;
        let editor = staff(&db.store, "Edna Editor", Role::Editor).await;
        let t =
            db.store.create_api_token("cms", Role::Editor, Some(editor.id)).await.unwrap().secret;
        let (s, l) = call(&app, "GET", "/articles?per_page=5&page=2", &t, None).await;
        assert_eq!(s, 200, "{l}");
        assert_eq!((l["items"].as_array().unwrap().len(), l["page"].as_u64()), (5, Some(2)));
        assert_eq!(l["total"], 31);
        let (_, l) =
            call(&app, "GET", "/articles?q=first%20paragraph%20SETS&status=published", &t, None)
                .await;
        assert_eq!(l["items"][0]["slug"], "full", "{l}");
        let (_, l) =
            call(&app, "GET", "/articles?author=guest-writer&term=tags/grids", &t, None).await;
        assert_eq!(l["total"], 1, "{l}");
        let (s, e) = call(&app, "GET", "/articles?status=lost&from=soon", &t, None).await;
        assert_eq!((s, fields(&e)), (422, vec!["from".to_owned(), "status".to_owned()]), "{e}");

        let writer = staff(&db.store, "Cora Contributor", Role::Contributor).await;
        let ct = db
            .store
            .create_api_token("mine", Role::Contributor, Some(writer.id))
            .await
            .unwrap()
            .secret;
        let (_, l) = call(&app, "GET", "/articles", &ct, None).await;
        assert_eq!(l["total"], 0, "contributors see only their own");
        let (s, mine) =
            call(&app, "POST", "/articles", &ct, Some(json!({"title": "Mine", "body": "B"}))).await;
        assert_eq!(s, 201, "{mine}");
        assert_eq!(mine["authors"], json!(["cora-contributor"]), "their own byline by default");
        let (_, l) = call(&app, "GET", "/articles", &ct, None).await;
        assert_eq!(l["total"], 1);
        let full = db.store.published_article("full").await.unwrap().id;
        let (s, _) = call(&app, "GET", &format!("/articles/{full}"), &ct, None).await;
        assert_eq!(s, 403);
    }
}

#[tokio::test]
async fn the_openapi_document_describes_articles() {
    for db in databases().await {
        let app = common::site(&db).await;
        let res = app
            .clone()
            .oneshot(Request::get("/api/admin/v1/openapi.json").body(Body::empty()).unwrap())
            .await
            .unwrap();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        let doc: Value = serde_json::from_slice(&bytes).unwrap();
        for path in ["/articles", "/articles/{id}", "/articles/{id}/{action}"] {
            assert!(doc["paths"][path].is_object(), "{path} in {}", doc["paths"]);
        }
        assert!(doc["paths"]["/articles/{id}"]["put"]["responses"]["409"].is_object());
        assert!(doc["components"]["schemas"]["ArticleBody"]["properties"]["version"].is_object());
    }
}
