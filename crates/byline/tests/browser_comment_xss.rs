//! The reliability suite's XSS corpus (`xss/corpus.rs`) through comment bodies, members'
//! names and guests' names, in Debian's chromium against a real `byline serve`: the article's
//! comment pages, a guest's reply desk and the moderation queue run none of it. The hook and
//! the scan are the XSS suite's (`xss/scan.rs`: the CSP bypassed, every call of `__xss`,
//! `alert`, `confirm` and `prompt` recorded, script links counted), after a control that
//! shows the hook does record.

#[path = "xss/comments.rs"]
mod comments;
#[path = "xss/corpus.rs"]
#[allow(dead_code)]
mod corpus;
#[path = "browser/harness.rs"]
#[allow(dead_code)]
mod harness;
#[path = "xss/scan.rs"]
mod scan;

use harness::{Browser, Site, browser_binaries};

const PASSWORD: &str = "correct horse battery";

#[tokio::test(flavor = "multi_thread")]
async fn no_payload_runs_through_comments_or_names_in_the_browser() {
    let Some((driver, chromium)) = browser_binaries() else { return };
    let site = Site::start();
    let talk = "---\ntitle: Talk\ndate: 2026-11-20\n---\nDiscuss.\n";
    site.import_article("talk", "talk", talk);
    site.add_staff("eda@example.org", "Eda Editor", "editor", PASSWORD);

    // The comments go in beside the running server, as another node's would.
    let url = format!("sqlite://{}?mode=rwc", site.data().join("byline.db").display());
    let store = byline_store::Store::connect(&url).await.unwrap();
    let article = store.published_article("talk").await.unwrap().id;
    let c = corpus::corpus();
    let seeded = comments::seed(&store, article, &c).await;

    let b = Browser::start(&driver, &chromium).await;
    scan::install(&b).await;
    b.goto(&site.url("/articles/talk/")).await;
    scan::control(&b).await;

    let mut failures = Vec::new();
    let mut pages = vec!["/articles/talk/".to_owned()];
    for p in 2..=seeded.comments.div_ceil(100) {
        pages.push(format!("/articles/talk/comments/oldest/{p}/"));
    }
    pages.push("/articles/talk/comments/newest/1/".into());
    pages.push("/articles/talk/comments/desk/?reply_to=1".into());
    for p in &pages {
        b.goto(&site.url(p)).await;
        failures.extend(scan::scan(&b, &c, p).await.1);
    }
    let authors = b.text(".comment-replying strong").await;
    assert!(!authors.is_empty(), "the desk shows the comment replied to");

    b.sign_in(&site, "eda@example.org", PASSWORD).await;
    for n in 1..=3 {
        let p = format!("/admin/comments?status=approved&page={n}");
        b.goto(&site.url(&p)).await;
        failures.extend(scan::scan(&b, &c, &p).await.1);
    }
    b.web.clone().quit().await.unwrap();
    assert!(
        failures.is_empty(),
        "{} of the corpus's payloads ran or left script behind:\n{}",
        failures.len(),
        failures.join("\n")
    );
    eprintln!(
        "{} payloads in {} comments under {} names, {} pages and 3 moderation pages: 0 \
         executions",
        c.len(),
        seeded.comments,
        seeded.names.len(),
        pages.len()
    );
}
