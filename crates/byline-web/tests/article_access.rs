//! Setting who may read an article: the editor's access select and tier boxes, and the Admin
//! API's `access` and `tiers` (read and write, documented), with clear field errors for a
//! bad word or an unknown tier, on SQLite and (when configured) PostgreSQL.

mod common;

use axum::body::Body;
use axum::http::{Request, header};
use byline_core::staff::Role;
use byline_store::testing::databases;
use common::client::signed_in;
use common::{app_and_state, get};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

async fn call(
    app: &axum::Router,
    method: &str,
    path: &str,
    token: &str,
    body: Value,
) -> (u16, Value) {
    let req = Request::builder()
        .method(method)
        .uri(format!("/api/admin/v1{path}"))
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(if body.is_null() { Body::empty() } else { Body::from(body.to_string()) })
        .unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status().as_u16();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

fn fields(v: &Value) -> Vec<(String, String)> {
    v["error"]["fields"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|f| {
                    (f["field"].as_str().unwrap().into(), f["message"].as_str().unwrap().into())
                })
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn the_api_reads_and_writes_access_and_names_bad_tiers() {
    for db in databases().await {
        let _ = common::site(&db).await;
        let (app, state) = app_and_state(db.store.clone());
        state.catch_up().await.unwrap();
        let t = common::api_token(&db.store, "Edna Editor", Role::Editor).await;
        let body = "Open to all: API-FREE.\n\n<!--members-only-->\n\nFor members: API-SECRET-5150.";
        let (s, a) = call(
            &app,
            "POST",
            "/articles",
            &t,
            json!({"title": "Via the API", "body": body, "status": "published", "access": "members"}),
        )
        .await;
        assert_eq!(s, 201, "{a}");
        assert_eq!((a["access"].as_str(), a["tiers"].clone()), (Some("members"), json!([])));
        let anon = get(&app, "/articles/via-the-api/").await;
        assert!(anon.body.contains("API-FREE") && !anon.body.contains("API-SECRET-5150"));

        let id = a["id"].as_i64().unwrap();
        let mut doc = a.clone();
        for k in ["id", "status", "created_at", "modified_at", "modified_by"] {
            doc.as_object_mut().unwrap().remove(k);
        }
        doc["access"] = json!("tiers");
        doc["tiers"] = json!(["paid", "gold"]);
        let (s, bad) = call(&app, "PUT", &format!("/articles/{id}"), &t, doc.clone()).await;
        assert_eq!(s, 422, "{bad}");
        let f = fields(&bad);
        assert_eq!(f.len(), 1, "{bad}");
        assert_eq!(f[0].0, "tiers");
        assert!(f[0].1.contains("gold") && !f[0].1.contains("paid"), "{bad}");
        doc["access"] = json!("everyone");
        doc["tiers"] = json!([]);
        let (s, bad) = call(&app, "PUT", &format!("/articles/{id}"), &t, doc.clone()).await;
        assert_eq!((s, fields(&bad)[0].0.as_str()), (422, "access"), "{bad}");
        assert!(fields(&bad)[0].1.contains("everyone"), "{bad}");
        // Nothing was lost by the refusals.
        let (_, now) = call(&app, "GET", &format!("/articles/{id}"), &t, Value::Null).await;
        assert_eq!((now["access"].as_str(), now["version"].as_i64()), (Some("members"), Some(1)));

        doc["access"] = json!("tiers");
        doc["tiers"] = json!(["paid"]);
        let (s, up) = call(&app, "PUT", &format!("/articles/{id}"), &t, doc).await;
        assert_eq!(
            (s, up["access"].as_str(), up["tiers"].clone()),
            (200, Some("tiers"), json!(["paid"]))
        );

        let res = app
            .clone()
            .oneshot(Request::get("/api/admin/v1/openapi.json").body(Body::empty()).unwrap())
            .await
            .unwrap();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        let doc: Value = serde_json::from_slice(&bytes).unwrap();
        let props = &doc["components"]["schemas"]["ArticleBody"]["properties"];
        assert!(props["access"].is_object() && props["tiers"].is_object(), "{props}");
    }
}

#[tokio::test]
async fn the_editor_sets_access_with_a_select_and_tier_boxes() {
    for db in databases().await {
        let _ = common::site(&db).await;
        let (app, _) = app_and_state(db.store.clone());
        let (mut e, _) = signed_in(&app, &db.store, "Edna Editor", Role::Editor).await;
        let new = e.get("/admin/articles/new").await;
        assert_eq!(new.attrs("#access option", "value"), ["public", "members", "paid", "tiers"]);
        assert_eq!(new.attrs("input[name=tiers]", "value"), ["free", "paid"]);
        assert_eq!(new.attrs("#access option[selected]", "value"), ["public"]);

        let base = [
            ("title", "Editor Gated"),
            ("body", "Everyone: ED-FREE.\n\n<!--members-only-->\n\nPaid: ED-SECRET-6060."),
            ("intent", "publish"),
        ];
        // `tiers` with no tier ticked is refused on the field, and the form comes back.
        let mut refused = base.to_vec();
        refused.push(("access", "tiers"));
        let r = e.post("/admin/articles", &refused).await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(r.texts("#access-error").join(" ").contains("names no tiers"), "{}", r.body);
        assert_eq!(r.attrs("#access option[selected]", "value"), ["tiers"]);

        let mut paid = base.to_vec();
        paid.push(("access", "paid"));
        let r = e.post("/admin/articles", &paid).await;
        assert_eq!(r.status, 303, "{}", r.body);
        let edit = e.get(r.headers["location"].to_str().unwrap()).await;
        assert_eq!(edit.attrs("#access option[selected]", "value"), ["paid"]);
        let anon = get(&app, "/articles/editor-gated/").await;
        assert!(anon.body.contains("ED-FREE") && !anon.body.contains("ED-SECRET-6060"));
    }
}
