//! The contact desk and corrections, through the router on both databases: the form and its
//! anti-spam checks (typed text kept on every refusal), the inbox, the queued email (kept when
//! SMTP is down), corrections on the article page, in JSON-LD, on `/corrections/` and its
//! feed, and through the Admin API.

mod common;

use axum::body::Body;
use axum::http::{Request, header};
use byline_core::jobs::{Job, SendContactMessage};
use byline_core::spam::FormStamp;
use byline_core::staff::Role;
use byline_store::testing::databases;
use byline_store::{InboxFilter, Store};
use byline_web::mail::{Mailer, SmtpSettings, SmtpTls};
use common::client::{Client, signed_in};
use common::{api, api_token, get};
use serde_json::{Value, json};

/// A stamp for a form drawn `secs` seconds ago, signed with the site's key.
async fn stamp(store: &Store, secs: i64) -> String {
    let key = store.member_pass_key().await.unwrap();
    FormStamp::issue(&key, "contact", chrono::Utc::now() - chrono::Duration::seconds(secs))
}

async fn post_contact(
    app: &axum::Router,
    fields: &[(&str, &str)],
    client: &str,
    site: &str,
) -> common::Page {
    let body = serde_urlencoded::to_string(fields).unwrap();
    let req = Request::post("/contact/")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("sec-fetch-site", site)
        .header("x-test-client", client)
        .extension(axum::extract::ConnectInfo(std::net::SocketAddr::from((
            client.parse::<std::net::Ipv4Addr>().unwrap(),
            4000,
        ))))
        .body(Body::from(body))
        .unwrap();
    let mut c = Client::new(app);
    c.send(req).await
}

fn message<'a>(stamp: &'a str, text: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("name", "Ana <Reader>"),
        ("email", "ana@example.net"),
        ("subject", "media_inquiry"),
        ("message", text),
        ("stamp", stamp),
        ("website", ""),
    ]
}

/// Runs queued contact emails through the real job handler; the results of each.
async fn deliver(store: &Store, mailer: &Mailer) -> Vec<Result<(), String>> {
    let mut out = Vec::new();
    while let Some(job) = store
        .claim_job(&[SendContactMessage::KIND], chrono::Utc::now(), chrono::Duration::minutes(1))
        .await
        .unwrap()
    {
        let j: SendContactMessage = serde_json::from_str(&job.payload).unwrap();
        match byline_web::contact::mail::send_message(store, mailer, common::BASE, j).await {
            Ok(()) => {
                assert!(store.complete_job(&job).await.unwrap());
                out.push(Ok(()));
            }
            Err(e) => {
                store.fail_job(&job, &e.to_string(), chrono::Utc::now()).await.unwrap();
                out.push(Err(e.to_string()));
            }
        }
    }
    out
}

#[tokio::test]
async fn desk_contact_form_keeps_the_message_then_mails_it() {
    for db in databases().await {
        let app = common::site(&db).await;
        let form = get(&app, "/contact/").await;
        assert_eq!(form.status, 200);
        assert_eq!(form.headers["cache-control"], "no-store");
        // The demo's own "contact" page is shown above the form.
        assert!(form.body.contains("We read everything"), "{}", form.body);
        assert_eq!(form.attrs("label[for=contact-email]", "for").len(), 1);
        assert_eq!(form.attrs("select[name=subject] option", "value").len(), 4);
        assert_eq!(form.attrs("input[name=website]", "tabindex"), ["-1"]);
        let drawn = form.attrs("input[name=stamp]", "value");
        assert_eq!(drawn.len(), 1);
        // A correction link preselects its subject.
        let pre = get(&app, "/contact/?subject=correction").await;
        assert_eq!(pre.attrs("option[selected]", "value"), ["correction"]);

        let s = stamp(&db.store, 30).await;
        let sent = post_contact(
            &app,
            &message(&s, "Can we interview your editor?"),
            "10.0.0.1",
            "same-origin",
        )
        .await;
        assert_eq!(sent.status, 200, "{}", sent.body);
        assert!(sent.body.contains("Thank you"), "{}", sent.body);

        let inbox = db.store.contact_messages(InboxFilter::Open, 1, 50).await.unwrap();
        assert_eq!(inbox.total, 1);
        let kept = &inbox.items[0];
        assert_eq!(kept.name, "Ana <Reader>");
        assert_eq!(kept.message, "Can we interview your editor?");
        assert!(kept.sent_at.is_none());

        // SMTP is down: the job fails, the message stays in the inbox.
        let down = Mailer::smtp(&SmtpSettings {
            host: "127.0.0.1".into(),
            port: 9,
            username: None,
            password: None,
            from: "Desk <desk@test.example>".into(),
            tls: SmtpTls::None,
        })
        .unwrap();
        let tried = deliver(&db.store, &down).await;
        assert_eq!(tried.len(), 1);
        assert!(tried[0].is_err(), "{tried:?}");
        assert!(db.store.contact_message(kept.id).await.unwrap().sent_at.is_none());
        let failed = db.store.jobs(Some(byline_core::jobs::JobState::Failed), 10).await.unwrap();
        assert_eq!(failed.len(), 1, "the job waits for its retry");

        // Later SMTP works: the retry sends it to the media address (a media inquiry).
        let (mailer, outbox) = Mailer::capture();
        let later = chrono::Utc::now() + chrono::Duration::minutes(5);
        let job = db
            .store
            .claim_job(&[SendContactMessage::KIND], later, chrono::Duration::minutes(1))
            .await
            .unwrap()
            .expect("the failed job is due again");
        let j: SendContactMessage = serde_json::from_str(&job.payload).unwrap();
        byline_web::contact::mail::send_message(&db.store, &mailer, common::BASE, j).await.unwrap();
        let mails = outbox.lock().unwrap().clone();
        assert_eq!(mails.len(), 1);
        assert_eq!(mails[0].to, "press@example.org");
        assert!(mails[0].subject.contains("Media inquiry"), "{}", mails[0].subject);
        assert!(mails[0].body.contains("ana@example.net"));
        assert!(mails[0].body.contains("Can we interview your editor?"));
        let sent = db.store.contact_message(kept.id).await.unwrap();
        assert_eq!(sent.sent_to.as_deref(), Some("press@example.org"));
    }
}

#[tokio::test]
async fn desk_contact_refusals_keep_the_typed_text() {
    for db in databases().await {
        let app = common::site(&db).await;
        let s = stamp(&db.store, 30).await;

        // Every bad field named, the text typed kept.
        let bad = [
            ("name", ""),
            ("email", "not an address"),
            ("subject", "gossip"),
            ("message", "My long <b>message</b> stays."),
            ("stamp", s.as_str()),
            ("website", ""),
        ];
        let page = post_contact(&app, &bad, "10.0.0.2", "same-origin").await;
        assert_eq!(page.status, 422);
        assert_eq!(page.raw_text("textarea[name=message]"), "My long <b>message</b> stays.");
        assert_eq!(page.attrs("input[name=email]", "value"), ["not an address"]);
        for f in ["name", "email", "subject"] {
            assert_eq!(page.attrs(&format!("#contact-{f}"), "aria-invalid"), ["true"], "{f}");
        }
        assert!(page.attrs("#contact-message", "aria-invalid").is_empty());
        assert_eq!(page.attrs("[role=alert] a", "href").len(), 3);

        // Too fast: sent a second after the form was drawn.
        let fresh = stamp(&db.store, 0).await;
        let page =
            post_contact(&app, &message(&fresh, "Quick one"), "10.0.0.2", "same-origin").await;
        assert_eq!(page.status, 422);
        assert!(page.body.contains("very quickly"), "{}", page.body);
        assert_eq!(page.raw_text("textarea[name=message]"), "Quick one");

        // A forged or missing stamp, or a day-old form.
        for bad_stamp in ["", "123.abc", &stamp(&db.store, 90_000).await] {
            let page =
                post_contact(&app, &message(bad_stamp, "Old form"), "10.0.0.2", "same-origin")
                    .await;
            assert_eq!(page.status, 422, "{bad_stamp}");
            assert!(page.body.contains("expired"), "{}", page.body);
            assert_eq!(page.raw_text("textarea[name=message]"), "Old form");
        }

        // The honeypot: answered as if accepted, nothing kept.
        let mut bot = message(&s, "Buy now");
        bot[5] = ("website", "http://spam.example");
        let page = post_contact(&app, &bot, "10.0.0.3", "same-origin").await;
        assert_eq!(page.status, 200);
        // A cross-site post is refused before anything.
        let page =
            post_contact(&app, &message(&s, "From elsewhere"), "10.0.0.3", "cross-site").await;
        assert_eq!(page.status, 403);
        let all = db.store.contact_messages(InboxFilter::All, 1, 50).await.unwrap();
        assert_eq!(all.total, 0, "nothing refused was kept");

        // The same message twice is kept once.
        for _ in 0..2 {
            let page =
                post_contact(&app, &message(&s, "Twice  sent"), "10.0.0.4", "same-origin").await;
            assert_eq!(page.status, 200);
        }
        let page = post_contact(&app, &message(&s, "twice sent"), "10.0.0.4", "same-origin").await;
        assert!(page.body.contains("already have your message"), "{}", page.body);
        assert_eq!(db.store.contact_messages(InboxFilter::All, 1, 50).await.unwrap().total, 1);

        // Five messages an hour from one address, then 429 with the text kept.
        for i in 1..5 {
            let text = format!("Message {i}");
            let page = post_contact(&app, &message(&s, &text), "10.0.0.4", "same-origin").await;
            assert_eq!(page.status, 200, "{i}");
        }
        let page =
            post_contact(&app, &message(&s, "One too many"), "10.0.0.4", "same-origin").await;
        assert_eq!(page.status, 429);
        let wait: u64 = page.headers["retry-after"].to_str().unwrap().parse().unwrap();
        assert!((3000..=3600).contains(&wait), "{wait}");
        assert_eq!(page.raw_text("textarea[name=message]"), "One too many");
        assert!(page.body.contains("Too many messages"), "{}", page.body);
        // Another address is not limited.
        let page =
            post_contact(&app, &message(&s, "Other network"), "10.0.0.5", "same-origin").await;
        assert_eq!(page.status, 200);
        assert_eq!(db.store.contact_messages(InboxFilter::All, 1, 50).await.unwrap().total, 6);
    }
}

#[tokio::test]
async fn desk_inbox_lists_reads_handles_and_deletes() {
    for db in databases().await {
        let app = common::site(&db).await;
        let s = stamp(&db.store, 30).await;
        let text = "Please correct the <script>date</script>\nin the second paragraph.";
        let mut fields = message(&s, text);
        fields[2] = ("subject", "correction");
        assert_eq!(post_contact(&app, &fields, "10.0.1.1", "same-origin").await.status, 200);
        let id = db.store.contact_messages(InboxFilter::All, 1, 5).await.unwrap().items[0].id;

        let (mut contributor, _) =
            signed_in(&app, &db.store, "Carla Contributor", Role::Contributor).await;
        assert_eq!(contributor.get("/admin/inbox").await.status, 403);
        assert_eq!(contributor.get(&format!("/admin/inbox/{id}")).await.status, 403);

        let (mut editor, _) = signed_in(&app, &db.store, "Eda Editor", Role::Editor).await;
        let list = editor.get("/admin/inbox").await;
        assert_eq!(list.status, 200);
        assert!(list.texts("nav.admin-nav a").contains(&"Inbox".to_owned()));
        assert_eq!(list.texts(".inbox-row").len(), 1);
        assert!(list.texts(".inbox-row")[0].contains("Correction"));
        let one = editor.get(&format!("/admin/inbox/{id}")).await;
        assert_eq!(one.status, 200);
        assert_eq!(one.raw_text(".message-text"), text);
        assert!(!one.body.contains("<script>date"), "escaped");

        let done = editor.post(&format!("/admin/inbox/{id}/handled"), &[]).await;
        assert_eq!(done.status, 303);
        assert_eq!(editor.get("/admin/inbox").await.texts(".inbox-row").len(), 0);
        assert_eq!(editor.get("/admin/inbox?show=handled").await.texts(".inbox-row").len(), 1);
        assert_eq!(editor.get("/admin/inbox?show=nonsense").await.status, 422);
        assert_eq!(editor.post(&format!("/admin/inbox/{id}/delete"), &[]).await.status, 303);
        assert_eq!(editor.get(&format!("/admin/inbox/{id}")).await.status, 404);
        let log = db.store.audit_log(1, 10).await.unwrap();
        let actions: Vec<&str> = log.items.iter().map(|e| e.action.as_str()).collect();
        assert!(
            actions.contains(&"contact.handle") && actions.contains(&"contact.delete"),
            "{actions:?}"
        );
    }
}

async fn article_id(store: &Store, slug: &str) -> i64 {
    store.published_article(slug).await.unwrap().id
}

fn json_ld(page: &common::Page) -> Value {
    let raw = page.raw_text("script[type='application/ld+json']");
    serde_json::from_str(&raw).unwrap()
}

#[tokio::test]
async fn desk_corrections_show_on_the_article_in_json_ld_and_on_the_page() {
    for db in databases().await {
        let app = common::site(&db).await;
        let id = article_id(&db.store, "full").await;
        // Cached before the correction: the correction must still show at once.
        let before = get(&app, "/articles/full/").await;
        assert!(before.texts("#corrections").is_empty());
        assert!(json_ld(&before).get("correction").is_none());
        assert!(get(&app, "/corrections/").await.body.contains("No corrections so far"));

        let (mut contributor, _) =
            signed_in(&app, &db.store, "Carl Contributor", Role::Contributor).await;
        let path = format!("/admin/articles/{id}/corrections");
        assert_eq!(contributor.post(&path, &[("text", "x")]).await.status, 403);

        let (mut editor, _) = signed_in(&app, &db.store, "Edna Editor", Role::Editor).await;
        let screen = editor.get(&path).await;
        assert_eq!(screen.status, 200);
        // Bad input: each field named, what was typed kept.
        let bad = editor.post(&path, &[("text", "  "), ("date", "2026-02-30")]).await;
        assert_eq!(bad.status, 422);
        assert_eq!(bad.attrs("#date", "value"), ["2026-02-30"]);
        let early = editor.post(&path, &[("text", "Too early"), ("date", "2020-01-01")]).await;
        assert_eq!(early.status, 422);
        assert_eq!(early.raw_text("#text"), "Too early");

        let added = editor
            .post(
                &path,
                &[
                    ("text", "An earlier version misstated the <b>date</b> & place."),
                    ("date", "2026-11-27"),
                ],
            )
            .await;
        assert_eq!(added.status, 303, "{}", added.body);
        let second = editor.post(&path, &[("text", "The minister's name was misspelt.")]).await;
        assert_eq!(second.status, 303);

        let page = get(&app, "/articles/full/").await;
        let shown = page.texts("#corrections li");
        assert_eq!(shown.len(), 2);
        assert!(shown[0].starts_with("27 November 2026"), "{shown:?}");
        assert!(shown[0].contains("the <b>date</b> & place"), "{shown:?}");
        assert!(!page.body.contains("<b>date</b>"), "escaped on the page");
        let ld = json_ld(&page);
        let c = ld["correction"].as_array().expect("correction in JSON-LD");
        assert_eq!(c.len(), 2);
        assert_eq!(c[0]["@type"], "CorrectionComment");
        assert_eq!(c[0]["datePublished"], "2026-11-27");
        assert_eq!(c[0]["text"], "An earlier version misstated the <b>date</b> & place.");
        assert!(!page.raw_text("script[type='application/ld+json']").contains('<'));

        let list = get(&app, "/corrections/").await;
        assert_eq!(list.status, 200);
        let items = list.texts(".correction");
        assert_eq!(items.len(), 2);
        assert!(items[0].contains("misspelt"), "newest first: {items:?}");
        assert!(items[1].contains("Gas, Grids and the <Long> Winter"));
        assert_eq!(list.attrs(".correction a", "href")[0], "http://test.example/articles/full/");
        let feed = get(&app, "/corrections/feed.xml").await;
        assert_eq!(feed.status, 200);
        assert!(feed.headers["content-type"].to_str().unwrap().starts_with("application/atom+xml"));
        let parsed: atom_syndication::Feed = feed.body.parse().expect("valid Atom");
        assert_eq!(parsed.entries().len(), 2);
        assert!(parsed.entries()[0].summary().unwrap().value.contains("misspelt"));

        // Withdrawn: gone from the article and the page.
        let cid = db.store.corrections_of(id).await.unwrap()[1].id;
        let gone = editor.post(&format!("{path}/{cid}/delete"), &[]).await;
        assert_eq!(gone.status, 303);
        assert_eq!(get(&app, "/articles/full/").await.texts("#corrections li").len(), 1);
        assert_eq!(get(&app, "/corrections/").await.texts(".correction").len(), 1);
        let log = db.store.audit_log(1, 10).await.unwrap();
        let actions: Vec<&str> = log.items.iter().map(|e| e.action.as_str()).collect();
        assert!(actions.contains(&"article.correct"), "{actions:?}");
        assert!(actions.contains(&"article.correction_delete"), "{actions:?}");
    }
}

#[tokio::test]
async fn desk_corrections_through_the_admin_api() {
    for db in databases().await {
        let app = common::site(&db).await;
        let id = article_id(&db.store, "full").await;
        let editor = api_token(&db.store, "Api Editor", Role::Editor).await;
        let author = api_token(&db.store, "Api Author", Role::Author).await;
        let path = format!("/articles/{id}/corrections");

        let (status, _) = api(&app, "POST", &path, &author, json!({"text": "x"})).await;
        assert_eq!(status, 403);
        let (status, body) = api(&app, "POST", &path, &editor, json!({"text": ""})).await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(body["error"]["fields"][0]["field"], "text", "{body}");
        let (status, body) = api(
            &app,
            "POST",
            &path,
            &editor,
            json!({"text": "Fixed a figure.", "date": "2026-11-28"}),
        )
        .await;
        assert_eq!(status, 201, "{body}");
        assert_eq!(body["date"], "2026-11-28");
        let cid = body["id"].as_i64().unwrap();
        let (status, list) = api(&app, "GET", &path, &editor, Value::Null).await;
        assert_eq!(status, 200);
        assert_eq!(list.as_array().unwrap().len(), 1);
        assert_eq!(get(&app, "/articles/full/").await.texts("#corrections li").len(), 1);

        let (status, _) = api(&app, "DELETE", &format!("{path}/{cid}"), &editor, Value::Null).await;
        assert_eq!(status, 204);
        let (status, _) = api(&app, "DELETE", &format!("{path}/{cid}"), &editor, Value::Null).await;
        assert_eq!(status, 404);
        let (status, _) =
            api(&app, "POST", "/articles/999999/corrections", &editor, json!({"text": "x"})).await;
        assert_eq!(status, 404);
    }
}
