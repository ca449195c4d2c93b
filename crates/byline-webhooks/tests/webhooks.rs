//! Webhooks end to end on both databases: a write queues its event in its own transaction,
//! the job delivers Ghost's payload to a real HTTP server on this machine, whose signature is
//! checked here with HMAC-SHA256 directly; a 500 is retried by the queue, the delivery log
//! records each try, and without `webhooks_allow_private` 127.0.0.1 is refused.

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use byline_core::ArticleInput;
use byline_core::editorial::Step;
use byline_core::jobs::{DeliverWebhook, Job};
use byline_core::staff::{Role, StaffInput};
use byline_store::Store;
use byline_store::testing::databases;
use byline_webhooks::Deliverer;
use chrono::{Duration, Utc};
use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::Sha256;
use std::sync::{Arc, Mutex};

/// What the receiving server saw, and the statuses it answers with (then 200).
#[derive(Clone, Default)]
struct Receiver {
    seen: Arc<Mutex<Vec<(HeaderMap, Bytes)>>>,
    answers: Arc<Mutex<Vec<u16>>>,
}

async fn receive(State(r): State<Receiver>, headers: HeaderMap, body: Bytes) -> StatusCode {
    r.seen.lock().unwrap().push((headers, body));
    let next = r.answers.lock().unwrap().pop().unwrap_or(200);
    StatusCode::from_u16(next).unwrap()
}

/// A receiver on 127.0.0.1 and its URL.
async fn server(answers: &[u16]) -> (Receiver, String) {
    let r = Receiver::default();
    r.answers.lock().unwrap().extend(answers.iter().rev());
    let app = Router::new().route("/hook", post(receive)).with_state(r.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://127.0.0.1:{}/hook", listener.local_addr().unwrap().port());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (r, url)
}

/// Checks `X-Ghost-Signature` as a receiver would, without Byline's code.
fn verify(secret: &str, headers: &HeaderMap, body: &[u8]) {
    let header = headers["x-ghost-signature"].to_str().unwrap();
    let (sig, t) = header.split_once(", ").expect("sha256=…, t=…");
    let hex = sig.strip_prefix("sha256=").expect("sha256=");
    let t = t.strip_prefix("t=").expect("t=");
    let t_ms: i64 = t.parse().unwrap();
    assert!((Utc::now().timestamp_millis() - t_ms).abs() < 60_000, "a fresh timestamp");
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body);
    mac.update(t.as_bytes());
    let want: String = mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(hex, want, "the signature matches the body");
}

/// Claims and runs every due delivery job at `now`; the result of each.
async fn run_jobs(
    store: &Store,
    d: &Deliverer,
    now: chrono::DateTime<Utc>,
) -> Vec<Result<(), String>> {
    let mut out = Vec::new();
    while let Some(job) =
        store.claim_job(&[DeliverWebhook::KIND], now, Duration::minutes(1)).await.unwrap()
    {
        let j: DeliverWebhook = serde_json::from_str(&job.payload).unwrap();
        match d.deliver(store, j).await {
            Ok(()) => {
                assert!(store.complete_job(&job).await.unwrap());
                out.push(Ok(()));
            }
            Err(e) => {
                store.fail_job(&job, &e.to_string(), now).await.unwrap();
                out.push(Err(e.to_string()));
            }
        }
    }
    out
}

async fn editor(store: &Store) -> byline_core::audit::Actor {
    store
        .create_staff(&StaffInput {
            email: "hooks@example.org".into(),
            name: "Hook Editor".into(),
            role: Some(Role::Administrator),
            password: "correct horse battery".into(),
        })
        .await
        .unwrap()
        .actor()
}

fn article(title: &str) -> ArticleInput {
    ArticleInput {
        title: title.into(),
        body: format!("The body of {title}."),
        terms: vec![("themes".into(), "Energy".into())],
        ..Default::default()
    }
}

#[tokio::test]
async fn webhooks_are_signed_retried_logged_and_guarded() {
    for db in databases().await {
        let s = &db.store;
        let report = byline_import::import(s, &byline_import::demo(), Utc::now()).await;
        assert!(report.errors.is_empty(), "{report}");
        let who = editor(s).await;
        let integration = s.create_integration(&who, "Hooks").await.unwrap().integration;
        let (rx, url) = server(&[500]).await;
        let published =
            s.create_webhook(&who, integration.id, "post.published", &url).await.unwrap();
        let edited =
            s.create_webhook(&who, integration.id, "post.published.edited", &url).await.unwrap();
        s.create_webhook(&who, integration.id, "post.deleted", &url).await.unwrap();
        // Bad subscriptions are named.
        let bad = s.create_webhook(&who, integration.id, "post.exploded", "ftp://x").await;
        assert!(matches!(bad, Err(byline_store::StoreError::Invalid(ref i)) if i.0.len() == 2));

        // A draft triggers nothing subscribed; publishing queues one delivery.
        let a = s.create_article(&who, &article("Hooks and lines"), Step::Create).await.unwrap();
        assert!(s.webhook_deliveries(10).await.unwrap().is_empty());
        let a = s.article_step(&who, a.id, Some(a.version), Step::Publish, None).await.unwrap();
        let log = s.webhook_deliveries(10).await.unwrap();
        assert_eq!(log.len(), 1);
        assert_eq!((log[0].event.as_str(), log[0].state.as_str()), ("post.published", "queued"));

        let d = Deliverer::new("http://test.example", true);
        let now = Utc::now();
        // The receiver answers 500: the job fails and waits for its retry.
        let first = run_jobs(s, &d, now).await;
        assert_eq!(first.len(), 1);
        assert!(first[0].as_ref().unwrap_err().contains("500"), "{first:?}");
        let log = s.webhook_deliveries(10).await.unwrap();
        assert_eq!(
            (log[0].state.as_str(), log[0].attempts, log[0].response_code),
            ("failed", 1, Some(500))
        );
        assert!(run_jobs(s, &d, now).await.is_empty(), "not again before the backoff");
        // After the backoff the queue tries again, and it is delivered.
        let second = run_jobs(s, &d, now + Duration::seconds(11)).await;
        assert_eq!(second, [Ok(())]);
        let log = s.webhook_deliveries(10).await.unwrap();
        assert_eq!(
            (log[0].state.as_str(), log[0].attempts, log[0].response_code),
            ("delivered", 2, Some(200))
        );
        let hook = s.webhooks().await.unwrap().into_iter().find(|w| w.id == published.id).unwrap();
        assert_eq!(hook.last_status, Some(200));

        {
            let seen = rx.seen.lock().unwrap();
            assert_eq!(seen.len(), 2, "the 500 and the retry");
            let (headers, body) = &seen[1];
            verify(&published.secret, headers, body);
            assert_eq!(headers["content-type"], "application/json");
            let v: Value = serde_json::from_slice(body).unwrap();
            let current = &v["post"]["current"];
            assert_eq!(current["title"], "Hooks and lines");
            assert_eq!(current["status"], "published");
            assert_eq!(current["id"].as_str().unwrap().len(), 24, "a Ghost ObjectId");
            assert_eq!(current["url"], "http://test.example/articles/hooks-and-lines/");
            assert!(current["tags"].as_array().unwrap().iter().any(|t| t["name"] == "Energy"));
            assert!(current["authors"].is_array());
            assert_eq!(v["post"]["previous"]["status"], "draft");
        }

        // An edit of the published post: `previous` holds what changed.
        let mut changed = a.input.clone();
        changed.title = "Hooks, lines and sinkers".into();
        let a = s.update_article(&who, a.id, a.version, &changed, Step::Update).await.unwrap();
        assert_eq!(run_jobs(s, &d, Utc::now()).await, [Ok(())]);
        {
            let seen = rx.seen.lock().unwrap();
            let (headers, body) = seen.last().unwrap();
            verify(&edited.secret, headers, body);
            let v: Value = serde_json::from_slice(body).unwrap();
            assert_eq!(v["post"]["current"]["title"], "Hooks, lines and sinkers");
            assert_eq!(v["post"]["previous"]["title"], "Hooks and lines");
            assert!(v["post"]["previous"].get("slug").is_none(), "only what changed");
        }

        // Deleted: `current` is empty and `previous` is the post.
        let a = s.article_step(&who, a.id, Some(a.version), Step::Trash, None).await.unwrap();
        s.purge_article(&who, a.id).await.unwrap();
        assert_eq!(run_jobs(s, &d, Utc::now()).await, [Ok(())]);
        {
            let seen = rx.seen.lock().unwrap();
            let v: Value = serde_json::from_slice(&seen.last().unwrap().1).unwrap();
            assert_eq!(v["post"]["current"], serde_json::json!({}));
            assert_eq!(v["post"]["previous"]["title"], "Hooks, lines and sinkers");
            assert_eq!(v["post"]["previous"]["id"].as_str().unwrap().len(), 24);
        }

        // Without webhooks_allow_private, 127.0.0.1 is refused: nothing reaches the server.
        let before = rx.seen.lock().unwrap().len();
        let b = s.create_article(&who, &article("Guarded"), Step::Publish).await.unwrap();
        let guarded = Deliverer::new("http://test.example", false);
        let refused = run_jobs(s, &guarded, Utc::now()).await;
        assert_eq!(refused.len(), 1);
        assert!(refused[0].as_ref().unwrap_err().contains("refused"), "{refused:?}");
        assert_eq!(rx.seen.lock().unwrap().len(), before);
        let log = s.webhook_deliveries(1).await.unwrap();
        assert_eq!(log[0].state, "failed");
        assert!(log[0].error.as_deref().unwrap().contains("127.0.0.1"), "{log:?}");
        assert_eq!(log[0].response_code, None);

        // A revoked integration's webhooks are not triggered.
        s.revoke_integration(&who, integration.id).await.unwrap();
        let c = s.article_step(&who, b.id, Some(b.version), Step::Unpublish, None).await.unwrap();
        s.article_step(&who, c.id, Some(c.version), Step::Publish, None).await.unwrap();
        let queued: Vec<_> = s
            .webhook_deliveries(50)
            .await
            .unwrap()
            .into_iter()
            .filter(|d| d.state == "queued")
            .collect();
        assert!(queued.is_empty(), "{queued:?}");
    }
}

#[tokio::test]
async fn webhooks_guard_refuses_private_targets() {
    for target in [
        "http://127.0.0.1:9/x",
        "http://localhost:9/x",
        "http://[::1]:9/x",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1/",
        "http://192.168.0.10/",
    ] {
        let url = url::Url::parse(target).unwrap();
        let err = byline_webhooks::guard::resolve(&url, false).await.unwrap_err();
        assert!(err.contains("refused"), "{target}: {err}");
        if target.contains("127.0.0.1") {
            assert!(byline_webhooks::guard::resolve(&url, true).await.is_ok());
        }
    }
}

#[tokio::test]
async fn webhooks_for_pages_tags_and_members() {
    for db in databases().await {
        let s = &db.store;
        let report = byline_import::import(s, &byline_import::demo(), Utc::now()).await;
        assert!(report.errors.is_empty(), "{report}");
        let who = editor(s).await;
        let integration = s.create_integration(&who, "Hooks").await.unwrap().integration;
        let (rx, url) = server(&[]).await;
        for e in [
            "page.added",
            "page.deleted",
            "tag.added",
            "tag.edited",
            "member.added",
            "member.deleted",
        ] {
            s.create_webhook(&who, integration.id, e, &url).await.unwrap();
        }
        let page = byline_core::PageInput {
            title: "Ethics".into(),
            body: "How we work.".into(),
            ..Default::default()
        };
        let page = s.create_page(&who, &page).await.unwrap();
        let themes =
            s.taxonomies().await.unwrap().into_iter().find(|t| t.slug == "themes").unwrap();
        let term = byline_core::TermInput { name: "Water".into(), ..Default::default() };
        let term = s.create_term(&who, themes.id, &term, None).await.unwrap();
        let renamed =
            byline_core::TermInput { name: "Water & rivers".into(), ..Default::default() };
        s.update_term(&who, term.id, &renamed, None).await.unwrap();
        let fields = byline_core::members::MemberFields {
            email: "reader@example.net".into(),
            name: Some("Rea Reader".into()),
            note: None,
            labels: vec!["vip".into()],
        };
        let m = s.add_member(fields, byline_store::Joined::Staff, Some(&who)).await.unwrap();
        let d = Deliverer::new("http://test.example", true);
        let ran = run_jobs(s, &d, Utc::now()).await;
        assert_eq!(ran.len(), 4, "{ran:?}");
        assert!(ran.iter().all(Result::is_ok), "{ran:?}");
        s.delete_page(&who, page.id).await.unwrap();
        s.delete_member(m.id, Some(&who)).await.unwrap();
        let ran = run_jobs(s, &d, Utc::now()).await;
        assert_eq!(ran.len(), 2, "{ran:?}");
        assert!(ran.iter().all(Result::is_ok), "{ran:?}");
        let seen = rx.seen.lock().unwrap();
        let bodies: Vec<Value> =
            seen.iter().map(|(_, b)| serde_json::from_slice(b).unwrap()).collect();
        let find = |key: &str, pred: &dyn Fn(&Value) -> bool| {
            bodies
                .iter()
                .find(|b| b.get(key).is_some_and(pred))
                .cloned()
                .unwrap_or_else(|| panic!("no {key} payload matching in {bodies:?}"))
        };
        let added = find("page", &|p| p["current"]["title"] == "Ethics");
        assert_eq!(added["page"]["current"]["slug"], "ethics");
        let deleted = find("page", &|p| p["current"] == serde_json::json!({}));
        assert_eq!(deleted["page"]["previous"]["title"], "Ethics");
        assert_eq!(deleted["page"]["previous"]["id"].as_str().unwrap().len(), 24);
        let edited = find("tag", &|t| t["previous"].get("name").is_some());
        assert_eq!(edited["tag"]["previous"]["name"], "Water");
        let joined = find("member", &|m| m["current"]["email"] == "reader@example.net");
        assert_eq!(joined["member"]["current"]["name"], "Rea Reader");
        assert_eq!(joined["member"]["current"]["labels"][0]["name"], "vip");
        let left = find("member", &|m| m["current"] == serde_json::json!({}));
        assert_eq!(left["member"]["previous"]["email"], "reader@example.net");
    }
}
