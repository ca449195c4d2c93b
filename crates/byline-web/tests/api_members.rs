//! The Admin API's `/members` and `/tiers` on SQLite and (when configured) PostgreSQL: the
//! permission matrix (administrators and the owner manage, editors read, authors and
//! contributors are refused), filters and pages, grants, field errors, and the OpenAPI
//! document.

mod common;

use byline_core::staff::Role;
use byline_store::testing::databases;
use common::{api, api_token};
use serde_json::{Value, json};

#[tokio::test]
async fn who_may_read_and_manage_members_and_tiers() {
    for db in databases().await {
        let app = common::site(&db).await;
        let mut tokens = Vec::new();
        for (name, role) in [
            ("Cai Contributor", Role::Contributor),
            ("Ava Author", Role::Author),
            ("Eli Editor", Role::Editor),
            ("Ada Admin", Role::Administrator),
            ("Oona Owner", Role::Owner),
        ] {
            tokens.push((role, api_token(&db.store, name, role).await));
        }
        for (i, (role, t)) in tokens.iter().enumerate() {
            let reads = *role >= Role::Editor;
            let manages = *role >= Role::Administrator;
            let want = |ok: u16, allowed: bool| if allowed { ok } else { 403 };
            let (s, body) = api(&app, "GET", "/members", t, Value::Null).await;
            assert_eq!(s, want(200, reads), "{role} list members: {body}");
            assert_eq!(api(&app, "GET", "/tiers", t, Value::Null).await.0, want(200, reads));
            assert_eq!(api(&app, "GET", "/tiers/paid", t, Value::Null).await.0, want(200, reads));
            let email = format!("reader{i}@example.org");
            let (s, body) =
                api(&app, "POST", "/members", t, json!({ "email": email, "name": "R" })).await;
            assert_eq!(s, want(201, manages), "{role} create member: {body}");
            if !manages {
                assert_eq!(body["error"]["code"], "forbidden");
            }
            let tier = json!({ "name": format!("Gold {i}"), "monthly_price": 500 });
            let (s, body) = api(&app, "POST", "/tiers", t, tier).await;
            assert_eq!(s, want(201, manages), "{role} create tier: {body}");
            let renamed = json!({ "name": "Paid plus", "monthly_price": 700 });
            let (s, _) = api(&app, "PUT", "/tiers/paid", t, renamed).await;
            assert_eq!(s, want(200, manages), "{role} replace tier");
        }
        // Editors read a member but may not change, grant or delete.
        let admin = &tokens[3].1;
        let editor = &tokens[2].1;
        let (_, list) = api(&app, "GET", "/members", editor, Value::Null).await;
        let id = list["items"][0]["id"].as_i64().unwrap();
        assert_eq!(api(&app, "GET", &format!("/members/{id}"), editor, Value::Null).await.0, 200);
        let body = json!({ "email": "x@example.org" });
        assert_eq!(api(&app, "PUT", &format!("/members/{id}"), editor, body).await.0, 403);
        let comp = json!({ "tier": "paid" });
        assert_eq!(api(&app, "POST", &format!("/members/{id}/comp"), editor, comp).await.0, 403);
        assert_eq!(
            api(&app, "DELETE", &format!("/members/{id}"), editor, Value::Null).await.0,
            403
        );
        assert_eq!(api(&app, "DELETE", &format!("/members/{id}"), admin, Value::Null).await.0, 204);
        assert_eq!(api(&app, "GET", &format!("/members/{id}"), admin, Value::Null).await.0, 404);
    }
}

#[tokio::test]
async fn members_are_filtered_granted_and_checked() {
    for db in databases().await {
        let app = common::site(&db).await;
        let t = api_token(&db.store, "Ada Admin", Role::Administrator).await;
        for (email, name) in [("ann@example.org", "Ann"), ("bo@example.org", "Bo")] {
            let body = json!({ "email": email, "name": name, "labels": ["Press"] });
            assert_eq!(api(&app, "POST", "/members", &t, body).await.0, 201);
        }
        let (s, body) =
            api(&app, "POST", "/members", &t, json!({ "email": "ANN@example.org" })).await;
        assert_eq!((s, body["error"]["code"].as_str()), (409, Some("conflict")), "{body}");
        let (s, body) = api(&app, "POST", "/members", &t, json!({ "email": "nobody" })).await;
        assert_eq!(s, 422);
        assert_eq!(body["error"]["fields"][0]["field"], "email", "{body}");

        let (_, list) = api(&app, "GET", "/members?q=ann", &t, Value::Null).await;
        assert_eq!(list["total"], 1, "{list}");
        let ann = list["items"][0]["id"].as_i64().unwrap();
        let grant = json!({ "tier": "paid", "until": "2999-01-01" });
        let (s, m) = api(&app, "POST", &format!("/members/{ann}/comp"), &t, grant).await;
        assert_eq!(s, 200, "{m}");
        assert_eq!(
            (m["status"].as_str(), m["tiers"][0]["tier"].as_str()),
            (Some("comped"), Some("paid"))
        );
        assert_eq!(m["tiers"][0]["current"], true);
        let bad = json!({ "tier": "gold", "until": "soon" });
        let (s, body) = api(&app, "POST", &format!("/members/{ann}/comp"), &t, bad).await;
        assert_eq!(s, 422);
        assert_eq!(body["error"]["fields"][0]["field"], "until", "{body}");
        let (s, body) =
            api(&app, "POST", &format!("/members/{ann}/comp"), &t, json!({"tier": "gold"})).await;
        assert_eq!((s, body["error"]["fields"][0]["field"].as_str()), (422, Some("tier")));
        let (s, body) =
            api(&app, "POST", &format!("/members/{ann}/comp"), &t, json!({"tier": "free"})).await;
        assert_eq!(s, 409, "{body}");

        let (_, comped) = api(&app, "GET", "/members?status=comped", &t, Value::Null).await;
        assert_eq!(comped["total"], 1);
        let (_, paged) =
            api(&app, "GET", "/members?per_page=1&page=2&label=press", &t, Value::Null).await;
        assert_eq!((paged["total"].as_u64(), paged["pages"].as_u64()), (Some(2), Some(2)));
        assert_eq!(paged["items"].as_array().unwrap().len(), 1);
        let (s, body) = api(&app, "GET", "/members?status=gold&from=may", &t, Value::Null).await;
        assert_eq!(s, 422);
        let fields: Vec<&str> = body["error"]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["field"].as_str().unwrap())
            .collect();
        assert_eq!(fields, ["status", "joined_from"]);

        let edit = json!({ "email": "ann.r@example.org", "name": "Ann R", "labels": [] });
        let (s, m) = api(&app, "PUT", &format!("/members/{ann}"), &t, edit).await;
        assert_eq!(
            (s, m["email"].as_str(), m["labels"].as_array().unwrap().len()),
            (200, Some("ann.r@example.org"), 0)
        );
        let (s, m) =
            api(&app, "DELETE", &format!("/members/{ann}/comp/paid"), &t, Value::Null).await;
        assert_eq!((s, m["status"].as_str()), (200, Some("free")));
    }
}

#[tokio::test]
async fn tiers_keep_the_free_tier_free_and_appear_in_the_openapi_document() {
    for db in databases().await {
        let app = common::site(&db).await;
        let t = api_token(&db.store, "Ada Admin", Role::Administrator).await;
        let gold = json!({ "name": "Gold", "yearly_price": 9000, "currency": "eur", "benefits": ["All of it"] });
        let (s, tier) = api(&app, "POST", "/tiers", &t, gold.clone()).await;
        assert_eq!(s, 201, "{tier}");
        assert_eq!((tier["slug"].as_str(), tier["active"].as_bool()), (Some("gold"), Some(true)));
        assert_eq!(api(&app, "POST", "/tiers", &t, gold).await.0, 409);
        let (s, body) = api(&app, "POST", "/tiers", &t, json!({ "name": "Cheap" })).await;
        assert_eq!((s, body["error"]["fields"][0]["field"].as_str()), (422, Some("monthly_price")));
        let priced = json!({ "name": "Free", "monthly_price": 100 });
        assert_eq!(api(&app, "PUT", "/tiers/free", &t, priced).await.0, 422);
        assert_eq!(api(&app, "POST", "/tiers/free/archive", &t, Value::Null).await.0, 409);
        let (s, tier) = api(&app, "POST", "/tiers/gold/archive", &t, Value::Null).await;
        assert_eq!((s, tier["active"].as_bool()), (200, Some(false)));
        let (_, all) = api(&app, "GET", "/tiers", &t, Value::Null).await;
        let slugs: Vec<&str> =
            all.as_array().unwrap().iter().map(|t| t["slug"].as_str().unwrap()).collect();
        assert_eq!(slugs, ["free", "paid", "gold"]);

        let (_, doc) = api(&app, "GET", "/openapi.json", &t, Value::Null).await;
        for path in ["/members", "/members/{id}", "/members/{id}/comp", "/tiers", "/tiers/{slug}"] {
            assert!(doc["paths"][path].is_object(), "{path} documented");
        }
    }
}
