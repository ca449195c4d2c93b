//! What the HTTP edge refuses before anything reaches the database: NUL characters in any
//! text (PostgreSQL cannot store them) get a clear 400, a JSON body over the limit gets 413,
//! and the `Bearer` scheme is read whatever its case. On SQLite and (when configured)
//! PostgreSQL, where NUL used to be a 500.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use byline_core::staff::Role;
use byline_store::testing::databases;
use common::client::{Client, PASSWORD, signed_in, staff};
use common::{api, api_token, get, site};
use http_body_util::BodyExt;
use serde_json::json;
use tower::ServiceExt;

#[tokio::test]
async fn a_nul_character_anywhere_is_a_clear_400() {
    for db in databases().await {
        let app = site(&db).await;
        let user = staff(&db.store, "Nul Tester", Role::Editor).await;

        // Unauthenticated: the sign-in form's email.
        let mut anon = Client::new(&app);
        anon.get("/admin/signin").await;
        let email = format!("{}\0", user.email);
        let page = anon.post("/admin/signin", &[("email", &email), ("password", PASSWORD)]).await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{}", page.body);
        assert!(page.body.contains("NUL"), "the error says what: {}", page.body);
        let page = anon.post("/admin/password/forgot", &[("email", "a\0@example.org")]).await;
        assert_ne!(page.status, StatusCode::INTERNAL_SERVER_ERROR, "{}", page.body);

        // Paths and query strings.
        for path in ["/articles/a%00b/", "/?q=%00", "/authors/x/?page=1%00", "/tags/%00/"] {
            let page = get(&app, path).await;
            assert_eq!(page.status, StatusCode::BAD_REQUEST, "{path}: {}", page.body);
        }

        // Admin forms, signed in.
        let (mut c, _) = signed_in(&app, &db.store, "Nul Editor", Role::Editor).await;
        c.get("/admin/authors/new").await;
        let page = c.post("/admin/authors", &[("name", "Zo\0e"), ("slug", "zoe")]).await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{}", page.body);
        assert!(db.store.author("zoe").await.is_err(), "nothing was written");

        // JSON, through the API, escaped (\u0000) and anywhere in the document.
        let token = api_token(&db.store, "Nul Bot", Role::Editor).await;
        for body in [
            json!({"title": "A\u{0}title", "body": "x"}),
            json!({"title": "Fine", "body": "x", "tags": ["t\u{0}"]}),
        ] {
            let (status, answer) = api(&app, "POST", "/articles", &token, body).await;
            assert_eq!(status, 400, "{answer}");
            assert_eq!(answer["error"]["code"], "bad_request", "the API's own JSON shape");
            assert!(answer["error"]["message"].as_str().unwrap().contains("NUL"), "{answer}");
        }
        let (status, _) = api(
            &app,
            "POST",
            "/articles",
            &token,
            json!({"title": "A \\u0000 shown", "body": "x"}),
        )
        .await;
        assert_eq!(status, 201, "a backslash before u0000 is text, not NUL");
    }
}

async fn raw_api(app: &axum::Router, auth: &str, body: Vec<u8>) -> StatusCode {
    let req = Request::post("/api/admin/v1/articles")
        .header(header::AUTHORIZATION, auth)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body))
        .unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    res.into_body().collect().await.unwrap();
    status
}

#[tokio::test]
async fn a_huge_json_body_is_413_and_bearer_is_case_insensitive() {
    for db in databases().await {
        let app = site(&db).await;
        let token = api_token(&db.store, "Big Bot", Role::Editor).await;
        let huge = format!("{{\"title\":\"big\",\"body\":\"{}\"}}", "x".repeat(10 << 20));
        let status = raw_api(&app, &format!("Bearer {token}"), huge.into_bytes()).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
        for scheme in ["Bearer", "bearer", "BEARER", "bEaReR"] {
            let body = json!({"title": format!("By {scheme}"), "body": "x"}).to_string();
            let status = raw_api(&app, &format!("{scheme} {token}"), body.into_bytes()).await;
            assert_eq!(status, StatusCode::CREATED, "{scheme}");
        }
        assert_eq!(raw_api(&app, &format!("Basic {token}"), b"{}".to_vec()).await, 401);
    }
}
