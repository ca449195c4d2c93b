//! The republish page says one thing: the article's licence governs its terms, and the
//! publication's general policy is shown only when it is what grants permission.

mod common;

use byline_core::Publication;
use byline_store::testing::databases;
use common::get;

const POLICY: &str = "Republish freely, but never edit or translate our articles.";

async fn with_policy(db: &byline_store::testing::TestDb) {
    let p = db.store.publication().await.unwrap();
    db.store
        .save_publication(Publication { republish_policy: Some(POLICY.into()), ..p })
        .await
        .unwrap();
}

#[tokio::test]
async fn the_articles_licence_governs_the_republish_terms() {
    for db in databases().await {
        let _ = common::site(&db).await;
        common::add_articles(
            &db,
            &[
                ("articles/open.md", "---\ntitle: Open\ndate: 2026-11-20T08:00:00Z\nauthors: [anna-kowalska]\nlicense: cc-by-4.0\n---\nText.\n"),
                ("articles/closed.md", "---\ntitle: Closed\ndate: 2026-11-20T08:00:00Z\nauthors: [anna-kowalska]\nlicense: all-rights-reserved\n---\nText.\n"),
            ],
        )
        .await;
        with_policy(&db).await;
        let app = common::app(db.store.clone(), byline_render::Theme::load(None).unwrap());

        // An open licence that allows changes: no "do not change", no contrary policy text.
        let open = get(&app, "/articles/open/republish/").await;
        assert_eq!(open.status, 200);
        let terms = open.texts(".republish-terms").join(" ");
        assert!(terms.contains("You may edit"), "{terms}");
        assert!(terms.contains("the licence governs"), "{terms}");
        assert!(!terms.contains("Do not change") && !terms.contains("never edit"), "{terms}");
        assert!(!open.body.contains(POLICY), "the contrary policy is not on the page");
        let html = open.raw_text("#republish-html");
        assert!(html.contains("creativecommons.org/licenses/by/4.0/"), "{html}");

        // All rights reserved: the policy grants permission, and the text stays as it is.
        let closed = get(&app, "/articles/closed/republish/").await;
        let terms = closed.texts(".republish-terms").join(" ");
        assert!(terms.contains("Do not change the text") && !terms.contains("You may edit"));
        assert!(terms.contains(POLICY), "{terms}");
        assert!(closed.raw_text("#republish-html").contains("republishing policy"));

        // The full article is CC BY-ND: no changes, and the page says which licence.
        let nd = get(&app, "/articles/full/republish/").await;
        let terms = nd.texts(".republish-terms").join(" ");
        assert!(terms.contains("NoDerivatives") && terms.contains("Do not change the text"));
        assert!(!nd.body.contains(POLICY));
    }
}
