//! `POST /articles` with `status`: an article created and submitted, scheduled or published
//! in one call, under the workflow's role rules, in one transaction with its revision and
//! audit line; refusals say what and where, and leave nothing behind.

mod common;

use byline_core::audit::Actor;
use byline_core::staff::Role;
use byline_store::Store;
use byline_store::testing::databases;
use chrono::{Duration, Utc};
use common::{api, api_token, app_and_state, get};
use serde_json::{Value, json};

async fn create(app: &axum::Router, token: &str, body: Value) -> (u16, Value) {
    api(app, "POST", "/articles", token, body).await
}

fn fields(v: &Value) -> Vec<String> {
    v["error"]["fields"]
        .as_array()
        .map(|a| a.iter().map(|f| f["field"].as_str().unwrap().to_owned()).collect())
        .unwrap_or_default()
}

fn article(title: &str, status: &str) -> Value {
    json!({"title": title, "body": "Some words.", "status": status})
}

async fn article_count(store: &Store) -> usize {
    let owner = Actor { staff_id: None, author_id: None, name: "test".into(), role: Role::Owner };
    let q = byline_core::editorial::ArticleQuery::default();
    store.admin_articles(&owner, &q, 1, 1000).await.unwrap().items.len()
}

#[tokio::test]
async fn an_editor_creates_in_each_status_in_one_call() {
    for db in databases().await {
        let _ = common::site(&db).await;
        let (app, _) = app_and_state(db.store.clone());
        let t = api_token(&db.store, "Edna Editor", Role::Editor).await;

        let (s, a) = create(&app, &t, json!({"title": "Plain Draft", "body": "x"})).await;
        assert_eq!((s, a["status"].as_str()), (201, Some("draft")), "no status: a draft");
        let (s, a) = create(&app, &t, article("Named Draft", "draft")).await;
        assert_eq!((s, a["status"].as_str()), (201, Some("draft")), "{a}");
        let (s, a) = create(&app, &t, article("For Review", "review")).await;
        assert_eq!((s, a["status"].as_str()), (201, Some("review")), "{a}");

        let at = (Utc::now() + Duration::days(2)).to_rfc3339();
        let mut body = article("Later On", "scheduled");
        body["published_at"] = json!(at);
        let (s, a) = create(&app, &t, body).await;
        assert_eq!((s, a["status"].as_str()), (201, Some("scheduled")), "{a}");
        assert_eq!(get(&app, "/articles/later-on/").await.status, 404, "not yet public");

        let (s, a) = create(&app, &t, article("Out Now", "published")).await;
        assert_eq!(
            (s, a["status"].as_str(), a["version"].as_i64()),
            (201, Some("published"), Some(1))
        );
        assert!(a["published_at"].is_string(), "{a}");
        assert_eq!(get(&app, "/articles/out-now/").await.status, 200, "public at once");

        // One version, one revision and the create's audit line saying where it went.
        let id = a["id"].as_i64().unwrap();
        let owner = Actor { staff_id: None, author_id: None, name: "t".into(), role: Role::Owner };
        assert_eq!(db.store.article_revisions(&owner, id).await.unwrap().len(), 1);
        let log = db.store.audit_log(1, 50).await.unwrap().items;
        let line = log.iter().find(|l| l.subject.contains("Out Now")).expect("an audit line");
        assert_eq!(
            (line.action.as_str(), line.detail.as_str()),
            ("article.create", "draft → published")
        );
        assert!(line.actor.contains("Edna Editor"), "{}", line.actor);
    }
}

#[tokio::test]
async fn scheduling_needs_a_future_time_and_a_bad_status_is_named() {
    for db in databases().await {
        let _ = common::site(&db).await;
        let (app, _) = app_and_state(db.store.clone());
        let t = api_token(&db.store, "Edna Editor", Role::Editor).await;
        let before = article_count(&db.store).await;

        let (s, e) = create(&app, &t, article("No Time", "scheduled")).await;
        assert_eq!((s, fields(&e)), (422, vec!["published_at".to_owned()]), "{e}");
        let mut past = article("Past Time", "scheduled");
        past["published_at"] = json!((Utc::now() - Duration::hours(1)).to_rfc3339());
        let (s, e) = create(&app, &t, past).await;
        assert_eq!((s, fields(&e)), (422, vec!["published_at".to_owned()]), "{e}");
        assert!(e["error"]["message"].as_str().is_some());

        let (s, e) = create(&app, &t, article("Binned", "trash")).await;
        assert_eq!(s, 400, "{e}");
        assert!(e.to_string().contains("status"), "the error names the field: {e}");
        assert_eq!(article_count(&db.store).await, before, "nothing was created");

        // The status is the actions' business on update.
        let (_, a) = create(&app, &t, article("Kept As Is", "draft")).await;
        let body = json!({"version": a["version"], "title": "Kept As Is", "body": "x",
            "status": "published"});
        let (s, e) = api(&app, "PUT", &format!("/articles/{}", a["id"]), &t, body).await;
        assert_eq!((s, fields(&e)), (422, vec!["status".to_owned()]), "{e}");
    }
}

#[tokio::test]
async fn each_role_may_create_only_what_its_workflow_allows() {
    for db in databases().await {
        let _ = common::site(&db).await;
        let (app, _) = app_and_state(db.store.clone());
        let contributor = api_token(&db.store, "Cora Contributor", Role::Contributor).await;
        let author = api_token(&db.store, "Arto Author", Role::Author).await;
        let at = (Utc::now() + Duration::days(1)).to_rfc3339();

        // A contributor drafts and submits, but may not schedule or publish.
        let (s, a) = create(&app, &contributor, article("Cora Drafts", "draft")).await;
        assert_eq!((s, a["status"].as_str()), (201, Some("draft")), "{a}");
        let (s, a) = create(&app, &contributor, article("Cora Submits", "review")).await;
        assert_eq!((s, a["status"].as_str()), (201, Some("review")), "{a}");
        let before = article_count(&db.store).await;
        let (s, e) = create(&app, &contributor, article("Cora Publishes", "published")).await;
        assert_eq!((s, e["error"]["code"].as_str()), (403, Some("forbidden")), "{e}");
        let message = e["error"]["message"].as_str().unwrap();
        assert!(message.contains("contributor") && message.contains("publish"), "{message}");
        let mut scheduled = article("Cora Schedules", "scheduled");
        scheduled["published_at"] = json!(at);
        let (s, _) = create(&app, &contributor, scheduled.clone()).await;
        assert_eq!(s, 403);
        assert_eq!(article_count(&db.store).await, before, "a refusal creates nothing");
        assert_eq!(get(&app, "/articles/cora-publishes/").await.status, 404);

        // An author publishes and schedules their own work …
        let (s, a) = create(&app, &author, article("Arto Publishes", "published")).await;
        assert_eq!((s, a["status"].as_str()), (201, Some("published")), "{a}");
        scheduled["title"] = json!("Arto Schedules");
        let (s, a) = create(&app, &author, scheduled).await;
        assert_eq!((s, a["status"].as_str()), (201, Some("scheduled")), "{a}");
        // … but not under someone else's byline.
        let mut theirs = article("Arto For Anna", "published");
        theirs["authors"] = json!(["anna-kowalska"]);
        let (s, e) = create(&app, &author, theirs).await;
        assert!(s == 403 || s == 422, "{s} {e}");
        assert_eq!(get(&app, "/articles/arto-for-anna/").await.status, 404);
    }
}
