//! The admin's looks, checked in a real browser (headless chromium through chromedriver)
//! against a real `byline serve`: invalid fields look invalid, and the lists fit a phone.

#[path = "browser/harness.rs"]
#[allow(dead_code)]
mod harness;

use harness::{Browser, Site, browser_binaries};
use serde_json::json;

const PASSWORD: &str = "correct horse battery";

#[tokio::test(flavor = "multi_thread")]
async fn invalid_fields_look_invalid_and_the_lists_fit_a_phone() {
    let Some((driver, chromium)) = browser_binaries() else { return };
    let site = Site::start();
    let b = Browser::start(&driver, &chromium).await;
    b.goto(&site.setup_link).await;
    b.fill("#name", "Olga Owner").await;
    b.fill("#email", "olga@example.org").await;
    b.fill("#password", PASSWORD).await;
    b.click("form[action='/admin/setup'] button[type=submit]").await;
    b.wait_for(10, "the dashboard", |s| s.contains("<h1>Dashboard</h1>")).await;

    // A form with two fields the server refuses (the browser's own checks let them through)
    // and a good one.
    b.goto(&site.url("/admin/authors/new")).await;
    b.fill("#name", "Zoë Guest").await;
    b.fill("#website", "ftp://example.org/x").await;
    b.fill("#email", "zoe@localhost").await;
    b.click("form.content-form button[type=submit]").await;
    b.wait_for(10, "the error summary", |s| s.contains("error-summary")).await;
    let style = "const s = getComputedStyle(document.getElementById(arguments[0])); \
                 return [s.borderTopColor, s.borderTopWidth, s.backgroundColor].join(' ');";
    let invalid = b.eval(style, vec![json!("website")]).await;
    let valid = b.eval(style, vec![json!("name")]).await;
    assert_ne!(invalid, valid, "an invalid field is drawn differently from a valid one");
    assert_eq!(invalid, b.eval(style, vec![json!("email")]).await, "every invalid field alike");
    let focused = b.eval("return document.activeElement.id;", vec![]).await;
    assert_eq!(focused, json!("error-summary"), "the summary has the focus");
    // Its links lead to the fields.
    b.click(".error-summary a[href='#website']").await;
    let focused = b.eval("return document.activeElement.id;", vec![]).await;
    assert_eq!(focused, json!("website"));

    // A phone's width: every list fits, nothing scrolls sideways.
    b.phone().await;
    let first_taxonomy = {
        b.goto(&site.url("/admin/taxonomies")).await;
        b.eval("return document.querySelector('.taxonomy-row a').getAttribute('href');", vec![])
            .await
    };
    let fits = "return [document.documentElement.scrollWidth, window.innerWidth];";
    for path in [
        "/admin/articles",
        "/admin/authors",
        "/admin/taxonomies",
        first_taxonomy.as_str().unwrap(),
        "/admin/",
        "/admin/settings",
    ] {
        b.goto(&site.url(path)).await;
        let w = b.eval(fits, vec![]).await;
        let (scroll, inner) = (w[0].as_u64().unwrap(), w[1].as_u64().unwrap());
        assert!(scroll <= inner, "{path} is {scroll} px wide in a {inner} px window");
        if path == "/admin/articles" {
            b.eval("document.querySelector('.article-list').scrollIntoView();", vec![]).await;
            b.screenshot("admin-articles-390").await;
        }
    }
    b.web.clone().quit().await.unwrap();
}
