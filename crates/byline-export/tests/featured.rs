//! Featured articles moving in and out, on both databases: Ghost's `featured` comes in with
//! `byline import ghost` and goes out with `byline export ghost` (and back in again), and
//! WordPress's sticky posts (`wp:is_sticky`) come in featured.

use byline_export::ghost_export;
use byline_import::ghost::{Options, import};
use byline_import::wordpress::{Quiet, WordPressOptions, import_wordpress};
use byline_store::Store;
use byline_store::testing::databases;
use chrono::Utc;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn fixture(kind: &str, name: &str) -> PathBuf {
    // The shared fixtures sit beside the checkout (../shared from the repository).
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    ["../../../shared", "../../../../shared"]
        .iter()
        .map(|up| here.join(up).join("fixtures").join(kind).join(name))
        .find(|f| f.is_file())
        .unwrap_or_else(|| panic!("the fixture {kind}/{name} (../shared/fixtures) is missing"))
}

/// Slugs of the published articles that are featured, by the Ghost API's facts.
async fn featured(store: &Store) -> Vec<String> {
    let facts = store.published_facts().await.unwrap();
    facts.into_iter().filter(|f| f.featured).map(|f| f.slug).collect()
}

async fn ghost_import(store: &Store, text: &str) {
    let options = Options { dry_run: false, ghost_url: None };
    let r = import(store, "export.json", text, &options, Utc::now(), &|_, _, _| {}).await;
    assert!(r.errors.is_empty() && r.failed() == 0, "{r}");
}

#[tokio::test]
async fn ghosts_featured_posts_come_in_go_out_and_come_back() {
    let text = std::fs::read_to_string(fixture("ghost", "valid.json")).unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();
    let posts = doc["db"][0]["data"]["posts"].as_array().unwrap();
    assert_eq!((&posts[0]["status"], &posts[0]["featured"]), (&"published".into(), &0.into()));
    let slug = posts[0]["slug"].as_str().unwrap().to_owned();
    // The fixture features nothing: feature its first post, as Ghost writes the flag.
    let text = text.replacen("\"featured\": 0", "\"featured\": 1", 1);
    assert_ne!(text, std::fs::read_to_string(fixture("ghost", "valid.json")).unwrap());
    for db in databases().await {
        ghost_import(&db.store, &text).await;
        assert_eq!(featured(&db.store).await, std::slice::from_ref(&slug));

        let out = ghost_export(&db.store, Utc::now(), &|_, _| {}).await.unwrap();
        let json: Value = serde_json::from_str(&out.json).unwrap();
        let exported = json["db"][0]["data"]["posts"].as_array().unwrap();
        let flagged: Vec<&str> = exported
            .iter()
            .filter(|p| p["featured"] == true)
            .map(|p| p["slug"].as_str().unwrap())
            .collect();
        assert_eq!(flagged, [slug.as_str()]);
        assert!(exported.iter().all(|p| p["featured"].is_boolean()), "every post says");

        // The export imported into a fresh database features the same article.
        let again = databases().await.into_iter().next().unwrap();
        ghost_import(&again.store, &out.json).await;
        assert_eq!(featured(&again.store).await, std::slice::from_ref(&slug));
    }
}

#[tokio::test]
async fn wordpress_sticky_posts_come_in_featured() {
    for db in databases().await {
        let file = fixture("wordpress", "theme-unit-test-data.xml");
        let r = import_wordpress(&db.store, &file, &WordPressOptions::default(), &Quiet).await;
        assert!(r.errors.is_empty(), "{r}");
        assert!(!r.skipped.iter().any(|(what, _)| what.contains("sticky")), "{r}");
        assert_eq!(featured(&db.store).await, ["template-sticky"]);
        let home = db.store.home_articles(1, 10).await.unwrap();
        assert_eq!(home.items[0].slug, "template-sticky", "first on the home page");
        assert!(home.items[0].featured && !home.items[1].featured);
    }
}
