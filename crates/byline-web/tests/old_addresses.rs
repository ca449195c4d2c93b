//! Old addresses of imported sites: a GET that would be not found (and the home page with a
//! query such as WordPress's `?p=123`) answers 301 to where the article, page, author, term
//! or feed is now; renames are followed, a live page wins, gone targets answer not found,
//! recording is idempotent, and the admin lists and deletes them.

mod common;

use axum::http::{StatusCode, header};
use byline_core::old_address::{AddressTarget as T, OldAddress};
use byline_core::staff::Role;
use byline_store::Recorded;
use byline_store::testing::databases;
use common::client::signed_in;
use common::{api, api_token, app_and_state, get};
use serde_json::json;

/// Where `path` sends a reader: a 301's target, which must be a path on this site.
async fn moved_to(app: &axum::Router, path: &str) -> String {
    let page = get(app, path).await;
    assert_eq!(page.status, StatusCode::MOVED_PERMANENTLY, "{path}: {}", page.body);
    let to = page.headers[header::LOCATION].to_str().unwrap().to_owned();
    assert!(to.starts_with('/') && !to.starts_with("//"), "{path} → {to} leaves the site");
    to
}

fn a(url: &str, t: T) -> OldAddress {
    OldAddress::new(url, t).unwrap()
}

#[tokio::test]
async fn old_addresses_lead_to_what_they_showed() {
    for db in databases().await {
        let _ = common::site(&db).await;
        let (app, state) = app_and_state(db.store.clone());
        state.catch_up().await.unwrap();
        let s = &db.store;
        let article = s.published_article("fergana-valley-water").await.unwrap();
        let about = s.page("about").await.unwrap();
        let anna = s.author("anna-kowalska").await.unwrap();
        let themes = s.taxonomy("themes").await.unwrap();
        let climate =
            s.terms(themes.id).await.unwrap().into_iter().find(|t| t.slug == "climate").unwrap();
        let addresses = vec![
            a("https://old.example/2019/03/water-in-fergana/", T::Article(article.id)),
            a("https://old.example/?p=123", T::Article(article.id)),
            a("/archives/123.html", T::Article(article.id)),
            a("/index.php?page_id=7", T::Page(about.id)),
            a("/caf%C3%A9-about/", T::Page(about.id)),
            a("/category/climate/", T::Term(climate.id)),
            a("/category/climate/feed/", T::TermFeed(climate.id)),
            a("/?cat=5", T::Term(climate.id)),
            a("/author/anna/", T::Author(anna.id)),
            a("/author/anna/feed/", T::AuthorFeed(anna.id)),
            a("/feed/", T::SiteFeed),
            a("/?feed=rss2", T::SiteFeed),
            a("/blog/", T::Home),
            // A live page wins over an old address that names it.
            a("/contact/", T::Article(article.id)),
        ];
        let done = s.record_old_addresses("wordpress", &addresses).await.unwrap();
        assert_eq!(done, Recorded { created: 14, updated: 0, unchanged: 0 });
        // Recording the same again changes nothing; a changed target is an update.
        let again = s.record_old_addresses("wordpress", &addresses).await.unwrap();
        assert_eq!(again, Recorded { created: 0, updated: 0, unchanged: 14 });

        let art = "/articles/fergana-valley-water/";
        assert_eq!(moved_to(&app, "/2019/03/water-in-fergana/").await, art);
        assert_eq!(moved_to(&app, "/?p=123").await, art);
        assert_eq!(moved_to(&app, "/?utm_source=x&p=123").await, art);
        assert_eq!(moved_to(&app, "/index.php?p=123").await, art);
        assert_eq!(moved_to(&app, "/archives/123.html").await, art);
        assert_eq!(moved_to(&app, "/index.php?page_id=7").await, "/about/");
        assert_eq!(moved_to(&app, "/?page_id=7").await, "/about/");
        assert_eq!(moved_to(&app, "/caf%C3%A9-about/").await, "/about/");
        assert_eq!(moved_to(&app, "/category/climate/").await, "/themes/climate/");
        assert_eq!(moved_to(&app, "/category/climate/feed/").await, "/themes/climate/feed.xml");
        assert_eq!(moved_to(&app, "/?cat=5").await, "/themes/climate/");
        assert_eq!(moved_to(&app, "/author/anna/").await, "/authors/anna-kowalska/");
        assert_eq!(moved_to(&app, "/author/anna/feed/").await, "/authors/anna-kowalska/feed.xml");
        assert_eq!(moved_to(&app, "/feed/").await, "/feed.xml");
        assert_eq!(moved_to(&app, "/?feed=rss2").await, "/feed.xml");
        assert_eq!(moved_to(&app, "/blog/").await, "/");
        // Without its trailing slash too.
        assert_eq!(moved_to(&app, "/2019/03/water-in-fergana").await, art);
        // Live pages and the plain home page answer as they always did.
        let contact = get(&app, "/contact/").await;
        assert_eq!(contact.status, 200);
        assert_eq!(get(&app, "/").await.status, 200);
        assert_eq!(get(&app, "/?p=999").await.status, 200);
        assert_eq!(get(&app, "/2019/03/never-was/").await.status, 404);
        // Only reads are redirected.
        let post = axum::http::Request::post("/2019/03/water-in-fergana/")
            .body(axum::body::Body::empty())
            .unwrap();
        let res = tower::ServiceExt::oneshot(app.clone(), post).await.unwrap();
        assert_ne!(res.status(), StatusCode::MOVED_PERMANENTLY);

        // A rename is followed: the address names the article, not its slug.
        let t = &api_token(s, "Edna Editor", Role::Editor).await;
        let (_, now) = api(&app, "GET", &format!("/articles/{}", article.id), t, json!(null)).await;
        let body = json!({"version": now["version"], "title": now["title"], "body": now["body"],
            "slug": "water-of-fergana", "authors": now["authors"],
            "published_at": now["published_at"]});
        let (status, v) = api(&app, "PUT", &format!("/articles/{}", article.id), t, body).await;
        assert_eq!(status, 200, "{v}");
        assert_eq!(moved_to(&app, "/?p=123").await, "/articles/water-of-fergana/");

        // Pointed elsewhere on a later import: updated, not duplicated.
        let moved = [a("/?p=123", T::Page(about.id))];
        let done = s.record_old_addresses("wordpress", &moved).await.unwrap();
        assert_eq!(done, Recorded { created: 0, updated: 1, unchanged: 0 });
        assert_eq!(moved_to(&app, "/?p=123").await, "/about/");
        assert_eq!(s.all_old_addresses().await.unwrap().len(), 14);

        // An unpublished article's old addresses lead nowhere.
        let (status, v) =
            api(&app, "POST", &format!("/articles/{}/unpublish", article.id), t, json!({})).await;
        assert_eq!(status, 200, "{v}");
        assert_eq!(get(&app, "/2019/03/water-in-fergana/").await.status, 404);
        assert_eq!(get(&app, "/archives/123.html").await.status, 404);
    }
}

#[tokio::test]
async fn an_address_that_would_lead_to_itself_is_not_a_redirect() {
    for db in databases().await {
        let _ = common::site(&db).await;
        let (app, _) = app_and_state(db.store.clone());
        let s = &db.store;
        let anna = s.author("anna-kowalska").await.unwrap();
        // Anna's live page is at this very address: it is served, not redirected.
        s.record_old_addresses("ghost", &[a("/authors/anna-kowalska/", T::Author(anna.id))])
            .await
            .unwrap();
        assert_eq!(get(&app, "/authors/anna-kowalska/").await.status, 200);
        // A deleted target leads nowhere (and a loop is never answered).
        let gone = [a("/old-author/", T::Author(999_999)), a("/t/", T::TermFeed(999_999))];
        s.record_old_addresses("ghost", &gone).await.unwrap();
        assert_eq!(get(&app, "/old-author/").await.status, 404);
        assert_eq!(get(&app, "/t/").await.status, 404);
        // Addresses that cannot be kept are refused with what was wrong.
        let bad = OldAddress::new("/a\r\nLocation: x", T::Home).unwrap_err();
        assert!(bad.to_string().contains("not a usable address"), "{bad}");
    }
}

#[tokio::test]
async fn the_admin_lists_and_deletes_old_addresses() {
    for db in databases().await {
        let _ = common::site(&db).await;
        let (app, _) = app_and_state(db.store.clone());
        let s = &db.store;
        let about = s.page("about").await.unwrap();
        let kept = [a("/?page_id=7", T::Page(about.id)), a("/gone/", T::Article(999_999))];
        s.record_old_addresses("wordpress", &kept).await.unwrap();

        let (mut editor, _) = signed_in(&app, s, "Edna Editor", Role::Editor).await;
        assert_eq!(editor.get("/admin/old-addresses").await.status, StatusCode::FORBIDDEN);

        let (mut admin, _) = signed_in(&app, s, "Ada Admin", Role::Administrator).await;
        let list = admin.get("/admin/old-addresses").await;
        assert_eq!(list.status, 200, "{}", list.body);
        let rows = list.texts("tr.old-address-row");
        assert_eq!(rows.len(), 2, "{rows:?}");
        assert!(rows[0].contains("/?page_id=7") && rows[0].contains("/about/"), "{rows:?}");
        assert!(rows[1].contains("/gone") && rows[1].contains("gone (answers not found)"));
        assert!(rows[0].contains("wordpress"));

        let id = s.all_old_addresses().await.unwrap()[0].id;
        let done = admin.post(&format!("/admin/old-addresses/{id}/delete"), &[]).await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
        assert_eq!(get(&app, "/?page_id=7").await.status, 200);
        assert_eq!(s.all_old_addresses().await.unwrap().len(), 1);
        let audit = s.audit_log(1, 10).await.unwrap();
        assert!(audit.items.iter().any(|e| e.action == "old_address.delete"
            && e.actor == "Ada Admin"
            && e.subject.contains("/?page_id=7")));
        // Deleting one that is not there says so.
        let missing = admin.post(&format!("/admin/old-addresses/{id}/delete"), &[]).await;
        assert_eq!(missing.status, StatusCode::NOT_FOUND);
    }
}

#[tokio::test]
async fn an_imported_wordpress_site_answers_its_old_addresses() {
    use byline_import::wordpress::{Quiet, WordPressOptions, import_wordpress};
    // The shared fixtures sit beside the checkout (../shared from the repository).
    let here = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let file = ["../../../shared", "../../../../shared"]
        .iter()
        .map(|up| here.join(up).join("fixtures/wordpress/small-export.xml"))
        .find(|f| f.is_file())
        .expect("the WordPress fixtures (../shared/fixtures/wordpress) are missing");
    for db in databases().await {
        let (app, _) = app_and_state(db.store.clone());
        let r = import_wordpress(&db.store, &file, &WordPressOptions::default(), &Quiet).await;
        assert!(r.errors.is_empty(), "{r}");
        // Permalinks of the `?p=` kind, pages, archives and feeds.
        assert_eq!(moved_to(&app, "/?p=1").await, "/articles/hello-world/");
        assert_eq!(moved_to(&app, "/?page_id=2").await, "/sample-page/");
        assert_eq!(moved_to(&app, "/category/foo/").await, "/categories/foo/");
        assert_eq!(moved_to(&app, "/category/bar/foo-bar/").await, "/categories/foo-bar/");
        assert_eq!(moved_to(&app, "/category/foo/feed/").await, "/categories/foo/feed.xml");
        assert_eq!(moved_to(&app, "/feed/").await, "/feed.xml");
        assert_eq!(moved_to(&app, "/?feed=rss2").await, "/feed.xml");
        // …and where they lead is served.
        let hello = get(&app, "/articles/hello-world/").await;
        assert_eq!(hello.status, 200);
        assert!(hello.body.contains("Hello world!"), "{}", hello.body);
        assert_eq!(get(&app, "/sample-page/").await.status, 200);
        assert_eq!(get(&app, "/categories/foo/").await.status, 200);
        assert_eq!(get(&app, "/categories/foo/feed.xml").await.status, 200);
    }
}
