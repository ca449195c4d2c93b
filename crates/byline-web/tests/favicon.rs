//! The site's icon: a small built-in one by default, cached long; a publication's own icon
//! set in the admin or through the API, named by every page and answered at `/favicon.ico`.

mod common;

use axum::http::header;
use byline_core::staff::Role;
use byline_store::testing::databases;
use common::client::signed_in;
use common::{get, get_with};

#[tokio::test]
async fn the_built_in_icon_is_small_cached_and_linked_from_every_page() {
    for db in databases().await {
        let app = common::site(&db).await;
        let icon = get(&app, "/favicon.ico").await;
        assert_eq!(icon.status, 200);
        assert_eq!(icon.headers[header::CONTENT_TYPE], "image/x-icon");
        let cache = icon.headers[header::CACHE_CONTROL].to_str().unwrap();
        let max_age: u64 = cache.rsplit("max-age=").next().unwrap().parse().unwrap();
        assert!(max_age >= 86_400 * 7, "{cache}");
        let bytes = icon.body.as_bytes();
        assert!(bytes.len() < 2048, "{} bytes", bytes.len());
        assert!(bytes.starts_with(&[0, 0, 1, 0]), "an ICO file");
        let etag = icon.headers[header::ETAG].to_str().unwrap().to_owned();
        let again = get_with(&app, "/favicon.ico", &[("if-none-match", &etag)]).await;
        assert_eq!(again.status, 304);

        for path in ["/", "/articles/full/", "/no-such-page/"] {
            let page = get(&app, path).await;
            assert_eq!(page.attrs("link[rel=icon]", "href"), ["/favicon.ico"], "{path}");
        }
    }
}

#[tokio::test]
async fn a_publication_sets_its_icon_in_the_admin() {
    for db in databases().await {
        let _ = common::site(&db).await;
        let (app, state) = common::app_and_state(db.store.clone());
        let (mut c, _) = signed_in(&app, &db.store, "Ada Admin", Role::Administrator).await;
        let mut form = vec![("title", "The Icon Post"), ("language", "en")];
        form.push(("default_license", "cc-by-4.0"));
        let bad = c
            .post("/admin/settings", &[form.clone(), vec![("favicon", "no spaces.png")]].concat())
            .await;
        assert_eq!(bad.status, 422);
        assert_eq!(bad.attrs("#favicon", "aria-invalid"), ["true"], "{}", bad.body);

        let ok =
            c.post("/admin/settings", &[form, vec![("favicon", "/media/icon.png")]].concat()).await;
        assert_eq!(ok.status, 303, "{}", ok.body);
        assert_eq!(
            db.store.publication().await.unwrap().favicon.as_deref(),
            Some("/media/icon.png")
        );
        state.catch_up().await.unwrap();
        assert_eq!(get(&app, "/").await.attrs("link[rel=icon]", "href"), ["/media/icon.png"]);
        let icon = get(&app, "/favicon.ico").await;
        assert_eq!(icon.status, 307);
        assert_eq!(icon.headers[header::LOCATION], "/media/icon.png");
        let form = c.get("/admin/settings").await;
        assert_eq!(form.attrs("#favicon", "value"), ["/media/icon.png"]);

        // An icon on another host is linked from pages, but /favicon.ico stays on the site.
        let mut p = db.store.publication().await.unwrap();
        p.favicon = Some("https://cdn.example/icon.png".into());
        db.store.save_publication(p).await.unwrap();
        state.catch_up().await.unwrap();
        assert_eq!(
            get(&app, "/").await.attrs("link[rel=icon]", "href"),
            ["https://cdn.example/icon.png"]
        );
        assert_eq!(get(&app, "/favicon.ico").await.status, 200);
    }
}

#[tokio::test]
async fn the_api_reads_and_sets_the_icon() {
    use axum::body::Body;
    use axum::http::Request;
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    for db in databases().await {
        let app = common::site(&db).await;
        let token = db.store.create_api_token("t", Role::Administrator, None).await.unwrap().secret;
        let call = |method: &str, body: Option<serde_json::Value>| {
            let req = Request::builder()
                .method(method)
                .uri("/api/admin/v1/settings")
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .header(header::CONTENT_TYPE, "application/json");
            let req = req.body(body.map_or(Body::empty(), |b| Body::from(b.to_string()))).unwrap();
            let app = app.clone();
            async move {
                let res = app.oneshot(req).await.unwrap();
                let status = res.status().as_u16();
                let bytes = res.into_body().collect().await.unwrap().to_bytes();
                (status, serde_json::from_slice::<serde_json::Value>(&bytes).unwrap())
            }
        };
        let (s, mut settings) = call("GET", None).await;
        assert_eq!((s, settings["favicon"].clone()), (200, serde_json::Value::Null));
        settings["favicon"] = "javascript:alert(1)".into();
        let (s, body) = call("PUT", Some(settings.clone())).await;
        assert_eq!(s, 422);
        assert_eq!(body["error"]["fields"][0]["field"], "favicon", "{body}");
        settings["favicon"] = "/media/icon.svg".into();
        let (s, saved) = call("PUT", Some(settings)).await;
        assert_eq!((s, saved["favicon"].as_str()), (200, Some("/media/icon.svg")));
    }
}
