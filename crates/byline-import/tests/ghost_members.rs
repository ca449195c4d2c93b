//! `byline import ghost` brings Ghost's newsletters, who receives them, and the comments of
//! a full backup, on SQLite and PostgreSQL: the fixtures' newsletters, a Ghost 5 export with
//! members subscribed to some of several newsletters and commenting, re-imports updating
//! instead of duplicating, a dry run writing nothing, and a bad record named with its line
//! while the rest import.

use byline_core::comments::CommentStatus;
use byline_core::newsletters::Audience;
use byline_import::ghost::{GhostReport, Options, import};
use byline_store::Store;
use byline_store::testing::databases;
use chrono::Utc;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> Value {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let path: PathBuf = ["../../../shared", "../../../../shared"]
        .iter()
        .map(|up| here.join(up).join("fixtures/ghost").join(name))
        .find(|f| f.is_file())
        .unwrap_or_else(|| {
            panic!("the Ghost fixture {name} (../shared/fixtures/ghost) is missing")
        });
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

async fn run(store: &Store, export: &Value, dry_run: bool) -> GhostReport {
    let options = Options { dry_run, ghost_url: None };
    let text = serde_json::to_string_pretty(export).unwrap();
    import(store, "export.json", &text, &options, Utc::now(), &|_, _, _| {}).await
}

/// The Ghost 5.130 fixture with a second (archived, paid) newsletter and three members:
/// one receiving both, one the first, one none.
fn with_members() -> Value {
    let mut export = fixture("v5_export.json");
    let data = export["db"][0]["data"].as_object_mut().unwrap();
    let first = data["newsletters"][0]["id"].as_str().unwrap().to_owned();
    data["newsletters"].as_array_mut().unwrap().push(json!({
        "id": "nl2", "name": "Insiders", "slug": "insiders", "description": "For backers",
        "sender_name": "The Desk", "sender_email": "Desk@Example.org",
        "sender_reply_to": "replies@example.org", "status": "archived", "visibility": "paid",
        "subscribe_on_signup": 0, "sort_order": 1
    }));
    data.insert(
        "members".into(),
        json!([
            {"id": "m1", "email": "both@example.org", "name": "Both", "status": "free"},
            {"id": "m2", "email": "one@example.org", "status": "free"},
            {"id": "m3", "email": "none@example.org", "status": "free"}
        ]),
    );
    data.insert(
        "members_newsletters".into(),
        json!([
            {"id": "s1", "member_id": "m1", "newsletter_id": first},
            {"id": "s2", "member_id": "m1", "newsletter_id": "nl2"},
            {"id": "s3", "member_id": "m2", "newsletter_id": first}
        ]),
    );
    export
}

async fn receives(s: &Store, email: &str) -> Vec<String> {
    let id = s.member_by_email(email).await.unwrap().id;
    s.member_newsletters(id).await.unwrap()
}

#[tokio::test]
async fn the_fixtures_newsletters_import_once() {
    for file in ["v5_export.json", "products_export.json"] {
        for db in databases().await {
            let s = &db.store;
            let export = fixture(file);
            let r = run(s, &export, false).await;
            assert!(r.errors.is_empty(), "{file}: {r}");
            assert_eq!(r.kind("newsletters").created, 1, "{file}: {r}");
            assert!(r.to_string().contains("newsletters      1 created"), "{file}: {r}");
            assert!(!r.to_string().contains("skipped: 1 newsletters"), "{file}: {r}");
            let slug = export["db"][0]["data"]["newsletters"][0]["slug"].as_str().unwrap();
            let n = s.newsletter(slug).await.unwrap();
            assert_eq!(n.audience, Audience::Members);
            assert!(n.subscribe_by_default && !n.archived, "{file}: {n:?}");
            assert_eq!(n.reply_to, None, "Ghost's `newsletter` reply-to is not an address");
            let again = run(s, &export, false).await;
            assert_eq!(again.kind("newsletters").unchanged, 1, "{file}: {again}");
            // Byline's own newsletter stays beside Ghost's, and the report says so once.
            assert_eq!(s.newsletters().await.unwrap().len(), 2, "{file}");
            let beside = |r: &GhostReport| {
                r.warnings
                    .iter()
                    .filter(|w| w.message.contains("beside this publication's own (newsletter)"))
                    .count()
            };
            assert_eq!((beside(&r), beside(&again)), (1, 0), "{file}: {r}");
        }
    }
    let products = fixture("products_export.json");
    for db in databases().await {
        run(&db.store, &products, false).await;
        let n = db.store.newsletter("test").await.unwrap();
        assert_eq!(n.sender_email.as_deref(), Some("support@ghost.org"));
    }
}

#[tokio::test]
async fn members_receive_what_they_received_in_ghost_and_a_reimport_updates() {
    for db in databases().await {
        let s = &db.store;
        let mut export = with_members();
        let dry = run(s, &export, true).await;
        assert_eq!(dry.kind("newsletters").created, 2, "{dry}");
        assert_eq!(s.newsletters().await.unwrap().len(), 1, "a dry run wrote newsletters");

        let r = run(s, &export, false).await;
        assert!(r.errors.is_empty(), "{r}");
        assert_eq!(r.kind("newsletters").created, 2, "{r}");
        assert_eq!(r.kind("members").created, 3, "{r}");
        let insiders = s.newsletter("insiders").await.unwrap();
        assert!(insiders.archived && !insiders.subscribe_by_default, "{insiders:?}");
        assert_eq!(insiders.audience, Audience::Paid);
        assert_eq!(insiders.sender_email.as_deref(), Some("desk@example.org"));
        assert_eq!(insiders.reply_to.as_deref(), Some("replies@example.org"));
        assert_eq!(receives(s, "both@example.org").await, ["default-newsletter", "insiders"]);
        assert_eq!(receives(s, "one@example.org").await, ["default-newsletter"]);
        assert!(receives(s, "none@example.org").await.is_empty(), "m3 chose none in Ghost");

        let again = run(s, &export, false).await;
        assert_eq!(again.kind("newsletters").unchanged, 2, "{again}");
        assert_eq!((again.kind("newsletters").created, again.kind("members").created), (0, 0));
        assert_eq!(s.newsletters().await.unwrap().len(), 3, "a re-import added copies");
        assert_eq!(receives(s, "both@example.org").await, ["default-newsletter", "insiders"]);

        // Ghost changed: the insiders' newsletter reopened and renamed, m1 left it, m3 joined.
        let data = &mut export["db"][0]["data"];
        data["newsletters"][1]["name"] = json!("Backers");
        data["newsletters"][1]["status"] = json!("active");
        data["members_newsletters"][1]["member_id"] = json!("m3");
        let changed = run(s, &export, false).await;
        assert_eq!(changed.kind("newsletters").updated, 1, "{changed}");
        assert_eq!(changed.kind("newsletters").unchanged, 1, "{changed}");
        let backers = s.newsletter("insiders").await.unwrap();
        assert_eq!((backers.name.as_str(), backers.archived), ("Backers", false));
        assert_eq!(receives(s, "both@example.org").await, ["default-newsletter"]);
        assert_eq!(receives(s, "none@example.org").await, ["insiders"]);
    }
}

#[tokio::test]
async fn a_bad_newsletter_is_named_and_the_rest_import() {
    for db in databases().await {
        let s = &db.store;
        let mut export = with_members();
        export["db"][0]["data"]["newsletters"][1]["sender_email"] = json!("not an address");
        let r = run(s, &export, false).await;
        assert_eq!(r.kind("newsletters").failed, 1, "{r}");
        assert_eq!(r.kind("newsletters").created, 1, "{r}");
        let e = &r.errors[0];
        assert!(
            e.message.contains("newsletters \"insiders\"") && e.message.contains("sender_email"),
            "{e}"
        );
        assert!(e.line.is_some_and(|l| l > 1), "{e}");
        // Members still arrive, with the newsletters that did.
        assert_eq!(r.kind("members").created, 3, "{r}");
        assert_eq!(receives(s, "both@example.org").await, ["default-newsletter"]);
    }
}

#[tokio::test]
async fn comments_keep_their_threads_status_and_names_and_come_once() {
    for db in databases().await {
        let s = &db.store;
        let mut export = with_members();
        let data = &mut export["db"][0]["data"];
        let post = data["posts"][0]["id"].as_str().unwrap().to_owned();
        let page = data["posts"][1]["id"].as_str().unwrap().to_owned();
        let c = |id: &str, parent: Option<&str>, member: Option<&str>, status: &str, html: &str| {
            json!({"id": id, "post_id": post, "parent_id": parent, "member_id": member,
                   "status": status, "html": html, "created_at": "2025-07-23T10:00:00.000Z"})
        };
        data["comments"] = json!([
            c("c2", Some("c1"), Some("m2"), "published", "<p>A reply</p>"),
            c("c1", None, Some("m1"), "published", "<p>First <strong>one</strong></p>"),
            c("c3", None, None, "hidden", "<p>Rude</p>"),
            {"id": "c4", "post_id": page, "member_id": "m1", "status": "published", "html": "<p>On a page</p>"}
        ]);
        let dry = run(s, &export, true).await;
        assert_eq!(dry.kind("comments").created, 3, "{dry}");

        let r = run(s, &export, false).await;
        assert!(r.errors.is_empty(), "{r}");
        assert_eq!(r.kind("comments").created, 3, "{r}");
        assert!(r.skipped.iter().any(|(w, n, _)| w == "comments" && *n == 1), "{r}");
        let article = s.published_article("coming-soon").await.unwrap();
        let shown = s.article_comments(article.id).await.unwrap();
        assert_eq!(shown.len(), 2, "the hidden one is not shown: {shown:?}");
        let first = shown.iter().find(|c| c.parent_id.is_none()).unwrap();
        assert_eq!((first.author_name.as_str(), first.body.as_str()), ("Both", "First **one**"));
        let reply = shown.iter().find(|c| c.parent_id == Some(first.id)).unwrap();
        // A member with no name is not shown by their address.
        assert_eq!(reply.author_name, "Anonymous");
        let trash = s.comment_queue(CommentStatus::Trash, 1, 10).await.unwrap();
        assert_eq!(trash.page.total, 1);

        let again = run(s, &export, false).await;
        let c = again.kind("comments");
        assert_eq!((c.created, c.updated, c.unchanged), (0, 0, 3), "{again}");
        assert_eq!(s.article_comments(article.id).await.unwrap().len(), 2);
    }
}
