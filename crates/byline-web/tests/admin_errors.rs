//! Every error inside the admin is an admin page: drawn in the admin's frame (with the
//! navigation for whoever is signed in), with the right status and a way on. An unknown
//! address under `/admin/` is the admin's 404, not the public site's.

mod common;

use axum::body::Body;
use axum::http::{Request, header};
use byline_core::staff::Role;
use byline_render::Theme;
use byline_store::testing::{databases, sqlite_unmigrated};
use common::Page;
use common::client::{Client, signed_in};

/// The admin's frame, and not the public theme's.
fn assert_admin_page(p: &Page, status: u16, title: &str) {
    assert_eq!(p.status, status, "{}", p.body);
    assert_eq!(p.texts(".admin-header").len(), 1, "the admin frame: {}", p.body);
    assert_eq!(p.texts("h1"), [title], "{}", p.body);
    assert!(p.attrs("link[rel=stylesheet]", "href").iter().all(|h| h.contains("/admin/")));
    assert_eq!(p.headers[header::CACHE_CONTROL], "no-store");
    assert!(p.headers[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/html"));
}

#[tokio::test]
async fn unknown_admin_addresses_and_missing_things_are_admin_404s() {
    for db in databases().await {
        let app = common::site(&db).await;
        let mut anon = Client::new(&app);
        for path in ["/admin/nothing-here", "/admin/articles/123/nothing/else", "/admin/x.php"] {
            let p = anon.get(path).await;
            assert_admin_page(&p, 404, "Not found");
            assert_eq!(p.texts(".admin-nav").len(), 0, "no navigation for strangers");
            assert_eq!(p.attrs(".error-page a.button", "href"), ["/admin/signin"]);
        }
        // The public site keeps its own 404.
        let public = anon.get("/no-such-page/").await;
        assert_eq!(public.status, 404);
        assert_eq!(public.texts(".admin-header").len(), 0);

        let (mut c, _) = signed_in(&app, &db.store, "Eve Editor", Role::Editor).await;
        for path in ["/admin/nothing-here", "/admin/articles/999999", "/admin/authors/999999"] {
            let p = c.get(path).await;
            assert_admin_page(&p, 404, "Not found");
            assert!(p.texts(".admin-nav a").contains(&"Articles".to_owned()), "{}", p.body);
            assert_eq!(p.attrs(".error-page a.button", "href"), ["/admin/"]);
        }
    }
}

#[tokio::test]
async fn refusals_conflicts_and_invalid_input_are_admin_pages() {
    for db in databases().await {
        let app = common::site(&db).await;

        // 403: the role does not allow it.
        let (mut contributor, _) = signed_in(&app, &db.store, "Cleo", Role::Contributor).await;
        let p = contributor.get("/admin/staff").await;
        assert_admin_page(&p, 403, "Not allowed");
        assert!(p.texts(".error-message")[0].contains("does not allow"), "{}", p.body);

        // 403: a form without its CSRF token.
        let (mut editor, _) = signed_in(&app, &db.store, "Eddie", Role::Editor).await;
        let p = editor.post("/admin/authors", &[("csrf", "forged"), ("name", "X")]).await;
        assert_admin_page(&p, 403, "Not allowed");
        assert!(p.texts(".error-message")[0].contains("reload the page"), "{}", p.body);
        assert!(!p.texts(".admin-nav").is_empty(), "signed in: the navigation is there");
        // A cross-site post is refused the same way, before any session is read.
        let req = Request::post("/admin/signin")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ORIGIN, "https://evil.example")
            .body(Body::from("email=a%40b.c&password=x"))
            .unwrap();
        let p = Client::new(&app).send(req).await;
        assert_admin_page(&p, 403, "Not allowed");
        assert!(p.texts(".error-message")[0].contains("cross-site"), "{}", p.body);

        // 409: a step taken on a version someone else has moved past.
        let (mut owner, _) = signed_in(&app, &db.store, "Olga", Role::Owner).await;
        let list = owner.get("/admin/articles").await;
        let href = list.attrs(".article-list td a", "href")[0].clone();
        let p = owner.post(&format!("{href}/unpublish"), &[("version", "999")]).await;
        assert_admin_page(&p, 409, "Conflict");
        assert!(p.texts(".error-message")[0].contains("someone else"), "{}", p.body);

        // 422 outside a form: a role that does not exist, named as the field at fault.
        let target = common::client::staff(&db.store, "Tess", Role::Author).await;
        let p = owner.post(&format!("/admin/staff/{}/role", target.id), &[("role", "pope")]).await;
        assert_admin_page(&p, 422, "Some fields need attention");
        assert!(p.texts(".error-fields li")[0].starts_with("role:"), "{}", p.body);
    }
}

#[tokio::test]
async fn an_internal_error_is_an_admin_page_without_the_details() {
    // A database without its tables: every query fails.
    let db = sqlite_unmigrated().await;
    let app = common::app(db.store.clone(), Theme::load(None).unwrap());
    let p = Client::new(&app).get("/admin/signin").await;
    assert_admin_page(&p, 500, "Something went wrong");
    assert!(p.texts(".error-message")[0].contains("try again"), "{}", p.body);
    assert!(!p.body.contains("no such table"), "internals stay in the log: {}", p.body);
}
