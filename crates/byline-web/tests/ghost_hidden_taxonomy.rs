//! A taxonomy kept out of the Ghost Content API, on both databases: the admin's checkbox,
//! the Admin API and `publication.toml` set it; its terms then are no tags anywhere in the
//! Content API (tag lists and reads, includes, `primary_tag`, `tag:` filters, the search
//! index), while the public site still shows them.

mod common;

use byline_core::audit::Actor;
use byline_core::staff::Role;
use byline_store::testing::databases;
use common::client::signed_in;
use common::{add_articles, api, api_token, app_and_state, get, site};
use serde_json::{Value, json};

async fn content(app: &axum::Router, key: &str, path: &str) -> (u16, Value) {
    let sep = if path.contains('?') { '&' } else { '?' };
    let page = get(app, &format!("/ghost/api/content/{path}{sep}key={key}")).await;
    let json = serde_json::from_str(&page.body).unwrap_or(Value::Null);
    (page.status.as_u16(), json)
}

fn slugs(list: &Value) -> Vec<String> {
    list.as_array().unwrap().iter().map(|t| t["slug"].as_str().unwrap().to_owned()).collect()
}

/// The tags of the `full` article with `include=tags`: (primary tag, every tag).
async fn full_tags(app: &axum::Router, key: &str) -> (Value, Vec<String>) {
    let (status, post) = content(app, key, "posts/slug/full/?include=tags").await;
    assert_eq!(status, 200, "{post}");
    (post["posts"][0]["primary_tag"]["slug"].clone(), slugs(&post["posts"][0]["tags"]))
}

async fn post_count(app: &axum::Router, key: &str, filter: &str) -> usize {
    let (status, json) = content(app, key, &format!("posts/?limit=all&filter={filter}")).await;
    assert_eq!(status, 200, "{json}");
    json["posts"].as_array().unwrap().len()
}

#[tokio::test]
async fn a_hidden_taxonomy_has_no_tags_in_the_content_api() {
    for db in databases().await {
        let _ = site(&db).await;
        let (app, state) = app_and_state(db.store.clone());
        let made = db.store.create_integration(&Actor::command_line(), "t").await.unwrap();
        let key = made.integration.content_key;
        let regions = db.store.taxonomy("regions").await.unwrap();
        assert!(regions.exposed, "taxonomies are exposed unless someone says otherwise");
        let (primary, tags) = full_tags(&app, &key).await;
        assert_eq!(primary, "moldova", "the first term of the first taxonomy");
        assert!(tags.contains(&"moldova".into()) && tags.contains(&"gas".into()), "{tags:?}");
        assert!(post_count(&app, &key, "tag:moldova").await > 0);
        assert_eq!(content(&app, &key, "tags/slug/moldova/").await.0, 200);

        // An editor unticks the box on the taxonomy's screen.
        let (mut e, _) = signed_in(&app, &db.store, "Edna Editor", Role::Editor).await;
        let path = format!("/admin/taxonomies/{}", regions.id);
        let page = e.get(&path).await;
        assert_eq!(page.attrs("input[name=exposed][checked]", "value"), ["on"], "{}", page.body);
        let r = e
            .post(&path, &[("name", "Regions"), ("slug", "regions"), ("singular", "Region")])
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        assert!(!db.store.taxonomy("regions").await.unwrap().exposed);
        assert!(e.get(&path).await.attrs("input[name=exposed][checked]", "value").is_empty());
        let log = db.store.audit_log(1, 5).await.unwrap();
        assert!(
            log.items.iter().any(|l| l.detail.contains("hidden from the Ghost Content API")),
            "{:?}",
            log.items
        );
        state.catch_up().await.unwrap();

        // Its terms are no tags: not listed, not read, not included, not primary, not filtered.
        let (_, all) = content(&app, &key, "tags/?limit=all").await;
        let listed = slugs(&all["tags"]);
        assert!(listed.contains(&"energy".into()) && listed.contains(&"gas".into()));
        assert!(!listed.contains(&"moldova".into()) && !listed.contains(&"europe".into()));
        assert_eq!(content(&app, &key, "tags/slug/moldova/").await.0, 404);
        let (primary, tags) = full_tags(&app, &key).await;
        assert_eq!(primary, "energy", "the first term of the first exposed taxonomy");
        assert!(!tags.contains(&"moldova".into()), "{tags:?}");
        assert_eq!(post_count(&app, &key, "tag:moldova").await, 0);
        assert_eq!(post_count(&app, &key, "primary_tag:moldova").await, 0);
        assert!(post_count(&app, &key, "primary_tag:energy").await > 0);
        let (_, index) = content(&app, &key, "search-index/tags/").await;
        assert!(!index.to_string().contains("\"moldova\""), "{index}");
        // The public site still shows the region.
        assert_eq!(get(&app, "/regions/moldova/").await.status, 200);
        assert!(get(&app, "/articles/full/").await.body.contains("/regions/moldova/"));

        // The Admin API reads the flag and turns it back on; the tags come back.
        let token = api_token(&db.store, "Api Editor", Role::Editor).await;
        let url = format!("/taxonomies/{}", regions.id);
        let (s, got) = api(&app, "GET", &url, &token, Value::Null).await;
        assert_eq!((s, &got["exposed"]), (200, &json!(false)), "{got}");
        let (s, put) = api(&app, "PUT", &url, &token, json!({"name": "Regions"})).await;
        assert_eq!((s, &put["exposed"]), (200, &json!(false)), "absent keeps it: {put}");
        let body = json!({"name": "Regions", "exposed": true});
        let (s, put) = api(&app, "PUT", &url, &token, body).await;
        assert_eq!((s, &put["exposed"]), (200, &json!(true)), "{put}");
        state.catch_up().await.unwrap();
        assert_eq!(full_tags(&app, &key).await.0, "moldova");
    }
}

#[tokio::test]
async fn publication_toml_hides_a_taxonomy_and_a_file_that_says_nothing_keeps_it() {
    for db in databases().await {
        let _ = site(&db).await;
        let toml = "[[taxonomies]]\nslug = \"tags\"\nname = \"Tags\"\nexposed = false\n";
        add_articles(&db, &[("publication.toml", toml)]).await;
        assert!(!db.store.taxonomy("tags").await.unwrap().exposed);
        let (app, _) = app_and_state(db.store.clone());
        let made = db.store.create_integration(&Actor::command_line(), "t").await.unwrap();
        let key = made.integration.content_key;
        let (_, tags) = full_tags(&app, &key).await;
        assert!(!tags.contains(&"gas".into()) && tags.contains(&"energy".into()), "{tags:?}");

        let again =
            "[[taxonomies]]\nslug = \"tags\"\nname = \"Tags\"\ndescription = \"Keywords\"\n";
        add_articles(&db, &[("publication.toml", again)]).await;
        let tags = db.store.taxonomy("tags").await.unwrap();
        assert_eq!((tags.exposed, tags.description.as_deref()), (false, Some("Keywords")));

        let files = [("publication.toml", "[[taxonomies]]\nname = \"Tags\"\nexposed = \"no\"\n")];
        let files: Vec<byline_import::SourceFile> = files
            .iter()
            .map(|(p, t)| byline_import::SourceFile { path: (*p).into(), text: Ok((*t).into()) })
            .collect();
        let report = byline_import::import(&db.store, &files, chrono::Utc::now()).await;
        let named = |e: &byline_import::Problem| {
            let e = e.to_string();
            e.contains("publication.toml:3") && e.contains("boolean")
        };
        assert!(report.errors.iter().any(named), "the line and the problem: {report}");
        assert!(!db.store.taxonomy("tags").await.unwrap().exposed, "nothing changed");
    }
}
