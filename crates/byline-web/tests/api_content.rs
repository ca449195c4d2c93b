//! The Admin API's content resources: authors, taxonomies and terms, pages and settings, on
//! both databases, with the permission matrix for every role.

mod common;

use axum::body::Body;
use axum::http::{Request, header};
use byline_core::staff::Role;
use byline_store::testing::databases;
use common::get;
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
        .header(header::AUTHORIZATION, format!("Bearer {token}"));
    let req = match body {
        Some(b) => req
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(b.to_string()))
            .unwrap(),
        None => req.body(Body::empty()).unwrap(),
    };
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status().as_u16();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

fn fields(body: &Value) -> Vec<String> {
    body["error"]["fields"]
        .as_array()
        .map(|a| a.iter().map(|f| f["field"].as_str().unwrap().to_owned()).collect())
        .unwrap_or_default()
}

async fn token(store: &byline_store::Store, role: Role) -> String {
    store.create_api_token(&format!("{role} token"), role, None).await.unwrap().secret
}

#[tokio::test]
async fn authors_through_the_api() {
    for db in databases().await {
        let app = common::site(&db).await;
        let t = token(&db.store, Role::Editor).await;
        let (s, list) = call(&app, "GET", "/authors", &t, None).await;
        assert_eq!(s, 200);
        let anna = list.as_array().unwrap().iter().find(|a| a["slug"] == "anna-kowalska").unwrap();
        assert!(anna["articles"].as_u64().unwrap() > 0);
        let anna_id = anna["id"].as_i64().unwrap();

        let bad = json!({"name": "", "website": "nope", "links": [{"title": "", "url": "x"}]});
        let (s, body) = call(&app, "POST", "/authors", &t, Some(bad)).await;
        assert_eq!(s, 422);
        assert_eq!(body["error"]["code"], "invalid");
        assert_eq!(fields(&body), ["name", "website", "links[0].title", "links[0].url"]);
        let (s, body) = call(&app, "POST", "/authors", &t, Some(json!({"nme": 1}))).await;
        assert_eq!((s, body["error"]["code"].as_str()), (400, Some("bad_request")));

        let new = json!({"name": "Guest Voice", "guest": true, "bio": "Says *things*.",
            "links": [{"title": "Site", "url": "https://voice.example"}], "email": "v@example.org"});
        let (s, made) = call(&app, "POST", "/authors", &t, Some(new)).await;
        assert_eq!(s, 201, "{made}");
        let id = made["id"].as_i64().unwrap();
        assert_eq!(made["slug"], "guest-voice");
        assert!(made["bio_html"].as_str().unwrap().contains("<em>things</em>"));
        let (s, again) = call(&app, "GET", &format!("/authors/{id}"), &t, None).await;
        assert_eq!((s, &again["links"][0]["url"]), (200, &json!("https://voice.example")));

        let (s, edited) = call(
            &app,
            "PUT",
            &format!("/authors/{id}"),
            &t,
            Some(json!({"name": "Guest Voice", "slug": "voice", "guest": false})),
        )
        .await;
        assert_eq!(s, 200, "{edited}");
        assert_eq!(
            (edited["slug"].as_str(), edited["guest"].as_bool()),
            (Some("voice"), Some(false))
        );
        let (s, body) = call(
            &app,
            "PUT",
            &format!("/authors/{id}"),
            &t,
            Some(json!({"name": "V", "slug": "anna-kowalska"})),
        )
        .await;
        assert_eq!((s, fields(&body)), (422, vec!["slug".to_owned()]));

        let (s, body) = call(&app, "DELETE", &format!("/authors/{anna_id}"), &t, None).await;
        assert_eq!(s, 409);
        assert!(body["error"]["message"].as_str().unwrap().contains("byline"));
        let path = format!("/authors/{anna_id}?reassign_to={id}");
        assert_eq!(call(&app, "DELETE", &path, &t, None).await.0, 204);
        assert_eq!(call(&app, "GET", &format!("/authors/{anna_id}"), &t, None).await.0, 404);
        let (_, list) = call(&app, "GET", "/authors", &t, None).await;
        let voice = list.as_array().unwrap().iter().find(|a| a["id"] == id).unwrap().clone();
        assert_eq!(voice["articles"], anna["articles"]);
        let log = db.store.audit_log(1, 10).await.unwrap();
        assert_eq!(log.items[0].action, "author.delete");
        assert_eq!(log.items[0].actor, "API token “editor token”");
    }
}

#[tokio::test]
async fn taxonomies_and_terms_through_the_api() {
    for db in databases().await {
        let _ = common::site(&db).await;
        let (app, state) = common::app_and_state(db.store.clone());
        let t = token(&db.store, Role::Editor).await;
        let (s, all) = call(&app, "GET", "/taxonomies", &t, None).await;
        assert_eq!(s, 200);
        assert_eq!(all[0]["slug"], "regions");

        let (s, body) = call(&app, "POST", "/taxonomies", &t, Some(json!({"name": "Feed"}))).await;
        assert_eq!((s, fields(&body)), (422, vec!["slug".to_owned()]), "reserved");
        let (s, tax) = call(
            &app,
            "POST",
            "/taxonomies",
            &t,
            Some(json!({"name": "Formats", "singular": "Format", "position": 9})),
        )
        .await;
        assert_eq!(s, 201, "{tax}");
        let tid = tax["id"].as_i64().unwrap();
        assert_eq!(tax["position"], 9);
        let (s, tax) = call(
            &app,
            "PUT",
            &format!("/taxonomies/{tid}"),
            &t,
            Some(json!({"name": "Story formats", "slug": "formats"})),
        )
        .await;
        assert_eq!(
            (s, tax["name"].as_str(), tax["position"].as_i64()),
            (200, Some("Story formats"), Some(9))
        );

        let terms = format!("/taxonomies/{tid}/terms");
        let (s, a) = call(&app, "POST", &terms, &t, Some(json!({"name": "Explainer"}))).await;
        assert_eq!(s, 201, "{a}");
        let a_id = a["id"].as_i64().unwrap();
        let (_, b) =
            call(&app, "POST", &terms, &t, Some(json!({"name": "Short", "parent_id": a_id}))).await;
        let b_id = b["id"].as_i64().unwrap();
        assert_eq!(b["parent_id"], a_id);
        let (s, body) = call(
            &app,
            "PUT",
            &format!("/terms/{a_id}"),
            &t,
            Some(json!({"name": "Explainer", "parent_id": b_id})),
        )
        .await;
        assert_eq!((s, fields(&body)), (422, vec!["parent".to_owned()]), "a cycle");
        let (s, list) = call(&app, "GET", &terms, &t, None).await;
        assert_eq!((s, list.as_array().unwrap().len()), (200, 2));

        // Rename: the archive moves to the new address.
        let armenia = db.store.term_context("regions", "armenia").await.unwrap().term;
        assert_eq!(get(&app, "/regions/armenia/").await.status, 200);
        let (s, renamed) = call(
            &app,
            "PUT",
            &format!("/terms/{}", armenia.id),
            &t,
            Some(json!({"name": "Armenia", "slug": "hayastan", "parent_id": armenia.parent_id})),
        )
        .await;
        assert_eq!(s, 200, "{renamed}");
        assert_eq!(renamed["url"], "/regions/hayastan/");
        state.catch_up().await.unwrap();
        assert_eq!(get(&app, "/regions/hayastan/").await.status, 200);
        assert_eq!(get(&app, "/regions/armenia/").await.headers["location"], "/regions/hayastan/");
        // Renamed back: the live term wins over the old redirect.
        let (s, _) = call(
            &app,
            "PUT",
            &format!("/terms/{}", armenia.id),
            &t,
            Some(json!({"name": "Armenia", "slug": "armenia", "parent_id": armenia.parent_id})),
        )
        .await;
        assert_eq!(s, 200);
        state.catch_up().await.unwrap();
        assert_eq!(get(&app, "/regions/armenia/").await.status, 200);
        assert_eq!(get(&app, "/regions/hayastan/").await.headers["location"], "/regions/armenia/");

        // Merge: articles move without duplicates.
        let gas = db.store.term_context("tags", "gas").await.unwrap().term.id;
        let grids = db.store.term_context("tags", "grids").await.unwrap().term.id;
        let mut want = db.store.term_article_slugs(gas).await.unwrap();
        want.extend(db.store.term_article_slugs(grids).await.unwrap());
        want.sort();
        want.dedup();
        let (s, body) =
            call(&app, "POST", &format!("/terms/{gas}/merge"), &t, Some(json!({"into": a_id})))
                .await;
        assert_eq!((s, fields(&body)), (422, vec!["into".to_owned()]), "another taxonomy");
        let (s, target) =
            call(&app, "POST", &format!("/terms/{gas}/merge"), &t, Some(json!({"into": grids})))
                .await;
        assert_eq!((s, target["id"].as_i64()), (200, Some(grids)));
        assert_eq!(db.store.term_article_slugs(grids).await.unwrap(), want);
        assert_eq!(call(&app, "GET", &format!("/terms/{gas}"), &t, None).await.0, 404);

        assert_eq!(call(&app, "DELETE", &format!("/terms/{b_id}"), &t, None).await.0, 204);
        let regions = db.store.taxonomy("regions").await.unwrap().id;
        let (s, body) = call(&app, "DELETE", &format!("/taxonomies/{regions}"), &t, None).await;
        assert_eq!(s, 409);
        assert!(body["error"]["message"].as_str().unwrap().contains("article(s)"));
        let path = format!("/taxonomies/{regions}?confirm=true");
        assert_eq!(call(&app, "DELETE", &path, &t, None).await.0, 204);
        assert_eq!(call(&app, "DELETE", &format!("/taxonomies/{tid}"), &t, None).await.0, 204);
        assert_eq!(call(&app, "GET", &format!("/taxonomies/{tid}"), &t, None).await.0, 404);
    }
}

#[tokio::test]
async fn pages_and_settings_through_the_api() {
    for db in databases().await {
        let _ = common::site(&db).await;
        let (app, state) = common::app_and_state(db.store.clone());
        let t = token(&db.store, Role::Administrator).await;
        let (s, body) =
            call(&app, "POST", "/pages", &t, Some(json!({"title": "", "slug": "admin"}))).await;
        assert_eq!((s, fields(&body)), (422, vec!["title".to_owned(), "slug".to_owned()]));
        let (s, p) = call(
            &app,
            "POST",
            "/pages",
            &t,
            Some(json!({"title": "Ethics", "body": "**Fair**.", "weight": 4, "in_nav": true})),
        )
        .await;
        assert_eq!(s, 201, "{p}");
        let id = p["id"].as_i64().unwrap();
        assert!(p["body_html"].as_str().unwrap().contains("<strong>Fair</strong>"));
        state.catch_up().await.unwrap();
        assert!(get(&app, "/").await.body.contains("href=\"/ethics/\""), "in the navigation");
        let (s, p) = call(
            &app,
            "PUT",
            &format!("/pages/{id}"),
            &t,
            Some(json!({"title": "Ethics", "body": "Changed.", "weight": 1})),
        )
        .await;
        assert_eq!((s, p["in_nav"].as_bool()), (200, Some(false)));
        let (s, list) = call(&app, "GET", "/pages", &t, None).await;
        assert!(s == 200 && list.as_array().unwrap().iter().any(|x| x["id"] == id));
        assert_eq!(call(&app, "DELETE", &format!("/pages/{id}"), &t, None).await.0, 204);
        assert_eq!(call(&app, "GET", &format!("/pages/{id}"), &t, None).await.0, 404);

        let (s, settings) = call(&app, "GET", "/settings", &t, None).await;
        assert_eq!(s, 200);
        assert!(!get(&app, "/").await.body.contains("The Night Desk"));
        let mut bad = settings.clone();
        bad["language"] = json!("en us");
        bad["contact_email"] = json!("nobody");
        bad["default_license"] = json!("cc-by-9");
        let (s, body) = call(&app, "PUT", "/settings", &t, Some(bad)).await;
        assert_eq!(s, 422);
        assert_eq!(fields(&body), ["default_license", "language", "contact_email"]);
        let mut good = settings.clone();
        good["title"] = json!("The Night Desk");
        good["default_license"] = json!("cc-by-4.0");
        let (s, saved) = call(&app, "PUT", "/settings", &t, Some(good)).await;
        assert_eq!((s, saved["default_license"].as_str()), (200, Some("cc-by-4.0")), "{saved}");
        assert_eq!(saved["tagline"], settings["tagline"], "nothing dropped");
        state.catch_up().await.unwrap();
        assert!(get(&app, "/").await.body.contains("The Night Desk"));
        let log = db.store.audit_log(1, 1).await.unwrap();
        assert_eq!(log.items[0].action, "settings.update");
        assert!(log.items[0].detail.contains("title"), "{}", log.items[0].detail);
    }
}

/// Every role's token against every content resource: allowed, or 403.
#[tokio::test]
async fn the_permission_matrix_holds_in_the_api() {
    for db in databases().await {
        let app = common::site(&db).await;
        for role in Role::ALL {
            let t = token(&db.store, role).await;
            let editor = role >= Role::Editor;
            let admin = role >= Role::Administrator;
            for (path, allowed) in [
                ("/authors", editor),
                ("/taxonomies", editor),
                ("/pages", editor),
                ("/settings", admin),
            ] {
                let (s, body) = call(&app, "GET", path, &t, None).await;
                assert_eq!(s, if allowed { 200 } else { 403 }, "{role} GET {path}");
                if !allowed {
                    assert_eq!(body["error"]["code"], "forbidden");
                }
            }
            let (_, settings) =
                call(&app, "GET", "/settings", &token(&db.store, Role::Owner).await, None).await;
            for (method, path, body, allowed, ok) in [
                ("POST", "/authors", json!({"name": format!("{role} author")}), editor, 201),
                ("POST", "/taxonomies", json!({"name": format!("{role} tax")}), editor, 201),
                ("POST", "/pages", json!({"title": format!("{role} page")}), editor, 201),
                ("PUT", "/settings", settings, admin, 200),
            ] {
                let (s, b) = call(&app, method, path, &t, Some(body)).await;
                assert_eq!(s, if allowed { ok } else { 403 }, "{role} {method} {path}: {b}");
            }
            let tags = db.store.taxonomy("tags").await.unwrap().id;
            let term = db.store.terms(tags).await.unwrap()[0].id;
            let (s, _) = call(&app, "DELETE", &format!("/terms/{term}"), &t, None).await;
            assert_eq!(s, if editor { 204 } else { 403 }, "{role} deletes a term");
        }
    }
}

#[tokio::test]
async fn the_openapi_document_lists_the_content_resources() {
    for db in databases().await {
        let app = common::site(&db).await;
        let res = app
            .clone()
            .oneshot(Request::get("/api/admin/v1/openapi.json").body(Body::empty()).unwrap())
            .await
            .unwrap();
        let doc: Value =
            serde_json::from_slice(&res.into_body().collect().await.unwrap().to_bytes()).unwrap();
        for (path, method) in [
            ("/authors", "post"),
            ("/authors/{id}", "delete"),
            ("/taxonomies/{id}", "put"),
            ("/taxonomies/{id}/terms", "post"),
            ("/terms/{id}/merge", "post"),
            ("/pages/{id}", "put"),
            ("/settings", "put"),
        ] {
            assert!(doc["paths"][path][method].is_object(), "{method} {path}");
        }
        assert!(doc["components"]["schemas"]["AuthorIn"].is_object());
    }
}
