//! Featured articles through the router, on both databases: front matter and the editor's
//! checkbox set the flag, the home page lists featured articles first (and only the home
//! page), and the Admin API and the Ghost Content API carry it, `featured:true` filtering.

mod common;

use byline_core::audit::Actor;
use byline_core::staff::Role;
use byline_store::testing::databases;
use common::client::signed_in;
use common::forms::form_fields;
use common::{add_articles, api, api_token, app_and_state, get, site};
use serde_json::{Value, json};

/// An old article (2019) that front matter features.
const OLD_FEATURED: &str = "---\ntitle: Harvest Ledger\ndate: 2019-03-01\n\
featured: true\nregions: [Europe/Moldova]\n---\nThe ledger of an old harvest.\n";

async fn ghost_slugs(app: &axum::Router, key: &str, filter: &str) -> Vec<String> {
    let page =
        get(app, &format!("/ghost/api/content/posts/?key={key}&limit=all&filter={filter}")).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let json: Value = serde_json::from_str(&page.body).unwrap();
    json["posts"].as_array().unwrap().iter().map(|p| p["slug"].as_str().unwrap().into()).collect()
}

#[tokio::test]
async fn featured_articles_come_first_on_the_home_page_only() {
    for db in databases().await {
        let _ = site(&db).await;
        add_articles(&db, &[("articles/harvest-ledger.md", OLD_FEATURED)]).await;
        let (app, _) = app_and_state(db.store.clone());
        let home = get(&app, "/").await;
        let titles = home.texts(".card-title");
        assert_eq!(titles[0], "Harvest Ledger", "featured first, old as it is");
        assert_eq!(titles[1], "Gas, Grids and the <Long> Winter", "then newest first");
        assert_eq!(home.texts(".card-featured"), ["Featured"], "one card carries the label");
        assert_eq!(titles.len(), 10);
        for n in 2..=3 {
            let later = get(&app, &format!("/page/{n}/")).await;
            assert!(!later.texts(".card-title").contains(&"Harvest Ledger".into()), "page {n}");
        }
        // Archives keep their order by date.
        let region = get(&app, "/regions/moldova/").await.texts(".card-title");
        assert_ne!(region.first().map(String::as_str), Some("Harvest Ledger"), "{region:?}");

        let key = db.store.create_integration(&Actor::command_line(), "t").await.unwrap();
        let key = key.integration.content_key;
        assert_eq!(ghost_slugs(&app, &key, "featured:true").await, ["harvest-ledger"]);
        let rest = ghost_slugs(&app, &key, "featured:false").await;
        assert!(!rest.is_empty() && !rest.contains(&"harvest-ledger".into()), "{rest:?}");
        let one =
            get(&app, &format!("/ghost/api/content/posts/slug/harvest-ledger/?key={key}")).await;
        let one: Value = serde_json::from_str(&one.body).unwrap();
        assert_eq!(one["posts"][0]["featured"], true);
        let full = get(&app, &format!("/ghost/api/content/posts/slug/full/?key={key}")).await;
        let full: Value = serde_json::from_str(&full.body).unwrap();
        assert_eq!(full["posts"][0]["featured"], false);
    }
}

#[tokio::test]
async fn the_editor_checkbox_and_the_admin_api_set_and_clear_the_flag() {
    for db in databases().await {
        let _ = site(&db).await;
        let (app, state) = app_and_state(db.store.clone());
        state.catch_up().await.unwrap();
        let id = db.store.published_article("full").await.unwrap().id;
        let (mut e, _) = signed_in(&app, &db.store, "Edna Editor", Role::Editor).await;
        let path = format!("/admin/articles/{id}");
        let page = e.get(&path).await;
        assert_eq!(page.attrs("input[name=featured]", "type"), ["checkbox"], "{}", page.body);
        assert!(page.attrs("input[name=featured][checked]", "value").is_empty());
        assert!(get(&app, "/").await.texts(".card-featured").is_empty());

        // Ticking the box and saving features it; the cached home page follows at once.
        let mut fields = form_fields(&page);
        fields.push(("featured".into(), "on".into()));
        let r = e.post(&path, &pairs(&fields)).await;
        assert_eq!(r.status, 303, "{}", r.body);
        state.catch_up().await.unwrap();
        assert_eq!(get(&app, "/").await.texts(".card-featured"), ["Featured"]);
        let page = e.get(&path).await;
        assert_eq!(page.attrs("input[name=featured][checked]", "value"), ["on"]);

        // The Admin API reads it and clears it.
        let token = api_token(&db.store, "Api Editor", Role::Editor).await;
        let (status, got) = api(&app, "GET", &format!("/articles/{id}"), &token, Value::Null).await;
        assert_eq!((status, &got["featured"]), (200, &json!(true)), "{got}");
        let mut body = got.clone();
        let obj = body.as_object_mut().unwrap();
        for k in ["id", "status", "created_at", "modified_at", "modified_by"] {
            obj.remove(k);
        }
        obj.insert("featured".into(), json!(false));
        let (status, put) = api(&app, "PUT", &format!("/articles/{id}"), &token, body).await;
        assert_eq!((status, &put["featured"]), (200, &json!(false)), "{put}");
        state.catch_up().await.unwrap();
        assert!(get(&app, "/").await.texts(".card-featured").is_empty());
        let page = e.get(&path).await;
        assert!(page.attrs("input[name=featured][checked]", "value").is_empty());

        // A flag that is not a boolean is refused, naming the field; nothing changes.
        let mut bad = put.clone();
        let obj = bad.as_object_mut().unwrap();
        for k in ["id", "status", "created_at", "modified_at", "modified_by"] {
            obj.remove(k);
        }
        obj.insert("featured".into(), json!("yes"));
        let (status, err) = api(&app, "PUT", &format!("/articles/{id}"), &token, bad).await;
        assert_eq!(status, 400, "{err}");
        assert!(err["error"]["message"].as_str().unwrap().contains("featured"), "{err}");
        let (_, after) = api(&app, "GET", &format!("/articles/{id}"), &token, Value::Null).await;
        assert_eq!(after["version"], put["version"]);
    }
}

fn pairs(fields: &[(String, String)]) -> Vec<(&str, &str)> {
    fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}
