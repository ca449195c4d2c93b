//! A form sent back with errors says so at the top: a summary announced at once and focused
//! on load, linking to each invalid field, and each field marked invalid and described by
//! its message.

mod common;

use byline_core::staff::Role;
use byline_store::testing::databases;
use common::client::signed_in;

#[tokio::test]
async fn invalid_fields_get_a_focused_summary_that_links_to_each_of_them() {
    for db in databases().await {
        let app = common::site(&db).await;
        let (mut c, _) = signed_in(&app, &db.store, "Ada Admin", Role::Administrator).await;
        let fine = c.get("/admin/authors/new").await;
        assert_eq!(fine.texts(".error-summary").len(), 0, "no summary before anything is wrong");

        let bad = c
            .post(
                "/admin/authors",
                &[
                    ("name", "Zoë Guest"),
                    ("website", "not a url"),
                    ("email", "nobody"),
                    ("link_title", "Book"),
                    ("link_url", "ftp://x"),
                ],
            )
            .await;
        assert_eq!(bad.status, 422, "{}", bad.body);
        assert_eq!(bad.attrs(".error-summary", "role"), ["alert"]);
        assert_eq!(bad.attrs(".error-summary", "autofocus").len(), 1, "focused on load");
        assert_eq!(bad.attrs(".error-summary", "tabindex"), ["-1"]);
        assert_eq!(bad.attrs("[autofocus]", "class"), ["error-summary"], "the only autofocus");
        let links = bad.attrs(".error-summary a", "href");
        for href in ["#website", "#email", "#link-url-0"] {
            assert!(links.contains(&href.to_owned()), "{href} in {links:?}");
            let id = &href[1..];
            assert_eq!(bad.attrs(href, "aria-invalid"), ["true"], "{id}");
            assert_eq!(bad.attrs(href, "aria-describedby"), [format!("{id}-error")], "{id}");
            assert_eq!(bad.texts(&format!("#{id}-error")).len(), 1, "{id}");
        }
        assert_eq!(bad.texts(".error-summary h2"), ["3 fields need attention"]);
        assert_eq!(bad.attrs("#name", "aria-invalid").len(), 0, "valid fields are not marked");

        // Settings, a form of its own, and the article editor get the same summary.
        let bad = c
            .post(
                "/admin/settings",
                &[("title", ""), ("language", "en"), ("default_license", "cc-by-4.0")],
            )
            .await;
        assert_eq!(bad.status, 422);
        assert_eq!(bad.attrs(".error-summary a", "href"), ["#title"]);
        assert_eq!(bad.texts(".error-summary h2"), ["One field needs attention"]);
    }
}
