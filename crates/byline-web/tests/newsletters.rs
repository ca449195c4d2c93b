//! Newsletters on the site and in the admin, through the real router on SQLite and (when
//! configured) PostgreSQL: choosing newsletters when joining and on the account page, the
//! one-click unsubscribe link (a GET only asks; a POST from anywhere unsubscribes; a forged
//! token changes nothing), the archive and an issue's web page cut to what the reader may
//! read, and the admin's newsletters screen (preview with CSS inlined, send, progress).

mod common;

use byline_core::audit::Actor;
use byline_core::newsletters::{NewsletterInput, Segment, unsubscribe_token};
use byline_core::staff::Role;
use byline_store::NewSend;
use byline_store::testing::databases;
use common::client::signed_in;
use common::members::{signed_in_member, site};

const PAID: &str = "---\ntitle: \"Paid dispatch\"\ndate: 2026-11-20T08:00:00Z\naccess: paid\n---\nEveryone reads this opening.\n\n<!--members-only-->\n\nOnly payers read this ending.\n";

#[tokio::test]
async fn readers_choose_newsletters_unsubscribe_in_one_click_and_read_past_issues() {
    for db in databases().await {
        let (app, state, outbox) = site(&db).await;
        common::add_articles(&db, &[("articles/paid-dispatch.md", PAID)]).await;
        let s = &db.store;
        let weekly = NewsletterInput { name: "Weekly".into(), ..Default::default() };
        s.create_newsletter(&weekly, &Actor::command_line()).await.unwrap();

        // Joining: the page offers both; the reader ticks only the weekly one.
        let mut anon = common::client::Client::new(&app);
        let join = anon.get("/members/join/").await;
        assert!(join.body.contains("name=\"newsletter-weekly\""), "{}", join.body);
        assert!(join.body.contains("name=\"newsletter-newsletter\" value=\"1\" checked"));
        let page = anon
            .post(
                "/members/join/",
                &[
                    ("email", "reader@example.org"),
                    ("newsletters_offered", "1"),
                    ("newsletter-weekly", "1"),
                ],
            )
            .await;
        assert_eq!(page.status, 200, "{}", page.body);
        common::members::deliver(s, &state.mailer, &state.base_url).await;
        let link = common::members::link_in(
            &common::members::last_mail(&outbox, "reader@example.org").body,
        );
        let token = link.split("token=").nth(1).unwrap().to_owned();
        assert_eq!(anon.post("/members/confirm/", &[("token", &token)]).await.status, 303);
        let reader = s.member_by_email("reader@example.org").await.unwrap();
        assert_eq!(s.member_newsletters(reader.id).await.unwrap(), vec!["weekly"]);

        // The account page: the choices, ticked as they are; saving changes them.
        let account = anon.get("/members/account/").await;
        assert!(account.body.contains("Your newsletters"));
        let saved = anon
            .post(
                "/members/account/newsletters/",
                &[("newsletter-newsletter", "1"), ("newsletter-weekly", "1")],
            )
            .await;
        assert_eq!(saved.status, 200, "{}", saved.body);
        assert!(saved.body.contains("Your newsletters are saved."));
        assert_eq!(s.member_newsletters(reader.id).await.unwrap(), vec!["newsletter", "weekly"]);

        // An issue of the paid article, delivered.
        let paid = s.published_article("paid-dispatch").await.unwrap();
        let new = NewSend {
            newsletter: "newsletter".into(),
            article_ids: vec![paid.id],
            subject: "Paid dispatch".into(),
            segment: Segment::All,
        };
        let send = s.create_send(&new, &Actor::command_line()).await.unwrap();
        for r in s
            .claim_recipients(send.id, 100, chrono::Utc::now(), chrono::Duration::minutes(1))
            .await
            .unwrap()
        {
            assert!(!r.full, "a free member gets the preview of a paid article");
            s.mark_recipient_sent(r.id).await.unwrap();
        }
        assert!(s.finish_send_if_done(send.id).await.unwrap());
        let archive = anon.get("/newsletters/").await;
        assert_eq!(archive.status, 200);
        assert!(
            archive.body.contains(&format!("/newsletters/issues/{}/", send.id)),
            "{}",
            archive.body
        );
        assert!(archive.body.contains("action=\"/members/join/\""), "the subscribe form");
        let issue = anon.get(&format!("/newsletters/issues/{}/", send.id)).await;
        assert_eq!(issue.status, 200);
        assert!(issue.body.contains("Everyone reads this opening."));
        assert!(!issue.body.contains("Only payers"), "gated text never on the issue's page");
        assert!(issue.body.contains("Upgrade to read it all"));
        let csp = issue.headers["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("default-src 'none'") && !csp.contains("script"), "{csp}");
        assert_eq!(anon.get("/newsletters/issues/999999/").await.status, 404);

        // One click: the GET asks, the POST unsubscribes (from another site too, as mail
        // clients post), a forged token changes nothing.
        let key = s.member_pass_key().await.unwrap();
        let t = unsubscribe_token(&key, &reader.uuid);
        let url =
            format!("/newsletters/unsubscribe/?m={}&t={t}&n=weekly&s={}", reader.uuid, send.id);
        let ask = anon.get(&url).await;
        assert_eq!(ask.status, 200);
        assert!(ask.body.contains("Unsubscribe from Weekly?"));
        assert_eq!(
            s.member_newsletters(reader.id).await.unwrap().len(),
            2,
            "a GET changes nothing"
        );
        let forged = url.replace(&t, &"0".repeat(t.len()));
        let mut stranger = common::client::Client::new(&app);
        assert_eq!(stranger.post(&forged, &[("List-Unsubscribe", "One-Click")]).await.status, 400);
        assert_eq!(s.member_newsletters(reader.id).await.unwrap().len(), 2);
        let req = axum::http::Request::builder()
            .method("POST")
            .uri(&url)
            .header("content-type", "application/x-www-form-urlencoded")
            .header("sec-fetch-site", "cross-site")
            .body(axum::body::Body::from("List-Unsubscribe=One-Click"))
            .unwrap();
        let done = stranger.send(req).await;
        assert_eq!(done.status, 200, "{}", done.body);
        assert_eq!(s.member_newsletters(reader.id).await.unwrap(), vec!["newsletter"]);
        assert_eq!(s.send(send.id).await.unwrap().counts.unsubscribed, 1);
    }
}

#[tokio::test]
async fn the_admin_previews_sends_and_follows_a_newsletter() {
    for db in databases().await {
        let (app, state, outbox) = site(&db).await;
        let s = &db.store;
        signed_in_member(&app, &state, &outbox, "one@example.org").await;
        let (mut author, _) = signed_in(&app, s, "Writer", Role::Author).await;
        assert_eq!(author.get("/admin/newsletters").await.status, 403);
        let (mut owner, _) = signed_in(&app, s, "Olga Owner", Role::Owner).await;
        let list = owner.get("/admin/newsletters").await;
        assert_eq!(list.status, 200, "{}", list.body);
        assert!(list.body.contains("Suppression list"));
        let slug = "full";
        let compose =
            owner.get(&format!("/admin/newsletters?article={slug}&newsletter=newsletter")).await;
        assert_eq!(compose.attrs("iframe", "src").len(), 4, "desktop and phone, both versions");
        let preview = owner.get(&compose.attrs("iframe", "src")[0]).await;
        assert_eq!(preview.status, 200);
        assert!(preview.body.contains("style="), "the CSS is inlined");
        assert!(preview.body.contains("prefers-color-scheme: dark"), "dark mode kept");
        assert!(preview.body.contains("Caspian Observer"), "the original source");
        assert!(preview.body.contains("http://test.example/"), "absolute links");
        assert!(!preview.body.contains("<script"));
        // No SMTP here: the test send says so.
        let test = owner
            .post(
                "/admin/newsletters/test",
                &[("article", slug), ("newsletter", "newsletter"), ("email", "me@example.org")],
            )
            .await;
        assert_eq!(test.status, 303);
        let after = owner.get(test.headers["location"].to_str().unwrap()).await;
        assert!(after.body.contains("no SMTP server"), "{}", after.body);
        let sent = owner
            .post(
                "/admin/newsletters/send",
                &[("article", slug), ("newsletter", "newsletter"), ("segment", "all")],
            )
            .await;
        assert_eq!(sent.status, 303, "{}", sent.body);
        let to = sent.headers["location"].to_str().unwrap().to_owned();
        let progress = owner.get(&to).await;
        assert!(progress.body.contains("http-equiv=\"refresh\""), "it refreshes while sending");
        assert!(progress.body.contains("sending"));
        let bad = owner
            .post("/admin/newsletters/send", &[("article", slug), ("segment", "everyone")])
            .await;
        let shown = owner.get(bad.headers["location"].to_str().unwrap()).await;
        assert!(shown.body.contains("segment"), "{}", shown.body);
        assert_eq!(s.sends(10, false).await.unwrap().len(), 1, "the bad send wrote nothing");
    }
}

#[tokio::test]
async fn the_admin_edits_and_archives_a_newsletter_whose_history_stays() {
    for db in databases().await {
        let (app, state, outbox) = site(&db).await;
        let s = &db.store;
        let mut reader = signed_in_member(&app, &state, &outbox, "kept@example.org").await;
        let kept = s.member_by_email("kept@example.org").await.unwrap();
        let (mut author, _) = signed_in(&app, s, "Writer", Role::Author).await;
        assert_eq!(author.get("/admin/newsletters/lists/newsletter").await.status, 403);
        let (mut owner, _) = signed_in(&app, s, "Olga Owner", Role::Owner).await;
        let list = owner.get("/admin/newsletters").await;
        assert!(list.attrs("a", "href").contains(&"/admin/newsletters/lists/newsletter".into()));
        let edit = owner.get("/admin/newsletters/lists/newsletter").await;
        assert_eq!(edit.status, 200, "{}", edit.body);
        assert_eq!(edit.attrs("#ne-name", "value"), ["Newsletter"]);

        // A bad address: nothing saved, the form as typed, the reason named.
        let fields = [
            ("name", "Daily dispatch"),
            ("slug", "newsletter"),
            ("description", "Every morning's reporting"),
            ("sender_name", "The Desk"),
            ("sender_email", "not an address"),
            ("reply_to", "letters@example.org"),
            ("paid", "1"),
        ];
        let bad = owner.post("/admin/newsletters/lists/newsletter", &fields).await;
        assert_eq!(bad.status, 422, "{}", bad.body);
        assert!(bad.body.contains("sender_email"), "{}", bad.body);
        assert_eq!(bad.attrs("#ne-name", "value"), ["Daily dispatch"]);
        assert_eq!(s.newsletter("newsletter").await.unwrap().name, "Newsletter");

        let mut good = fields.to_vec();
        good[4] = ("sender_email", "desk@example.org");
        let saved = owner.post("/admin/newsletters/lists/newsletter", &good).await;
        assert_eq!(saved.status, 303, "{}", saved.body);
        let n = s.newsletter("newsletter").await.unwrap();
        assert_eq!(
            (n.name.as_str(), n.sender_email.as_deref(), n.reply_to.as_deref()),
            ("Daily dispatch", Some("desk@example.org"), Some("letters@example.org"))
        );
        assert_eq!(n.description.as_deref(), Some("Every morning's reporting"));
        assert_eq!(n.audience, byline_core::newsletters::Audience::Paid);
        assert!(!n.subscribe_by_default, "the default flag unticked");

        // Back to everyone and the default, then one issue before archiving.
        good.retain(|(k, _)| *k != "paid");
        good.push(("default", "1"));
        assert_eq!(owner.post("/admin/newsletters/lists/newsletter", &good).await.status, 303);
        let full = s.published_article("full").await.unwrap();
        let new = NewSend {
            newsletter: "newsletter".into(),
            article_ids: vec![full.id],
            subject: "Before the archive".into(),
            segment: Segment::All,
        };
        let before = s.create_send(&new, &Actor::command_line()).await.unwrap();

        let archived =
            owner.post("/admin/newsletters/lists/newsletter/archive", &[("archived", "1")]).await;
        assert_eq!(archived.status, 303, "{}", archived.body);
        assert!(s.newsletter("newsletter").await.unwrap().archived);
        // Not offered: the join page, the account page, the editor's email choice.
        let mut anon = common::client::Client::new(&app);
        assert!(!anon.get("/members/join/").await.body.contains("newsletter-newsletter"));
        assert!(!reader.get("/members/account/").await.body.contains("newsletter-newsletter"));
        let editor = owner.get("/admin/articles/new").await;
        assert!(!editor.body.contains("name=\"email_newsletters\""), "{}", editor.body);
        // No new subscribers, no new issue.
        signed_in_member(&app, &state, &outbox, "late@example.org").await;
        let late = s.member_by_email("late@example.org").await.unwrap();
        assert!(s.member_newsletters(late.id).await.unwrap().is_empty());
        let refused = s
            .email_article("full", Some("newsletter"), &Segment::All, &Actor::command_line())
            .await;
        assert!(refused.unwrap_err().to_string().contains("archived"));
        // Its history stays, and its subscribers keep it through their own choices.
        let history = owner.get("/admin/newsletters").await;
        assert!(history.body.contains("Before the archive"), "{}", history.body);
        assert_eq!(owner.get(&format!("/admin/newsletters/sends/{}", before.id)).await.status, 200);
        assert_eq!(s.set_member_newsletters(kept.id, &[]).await.unwrap(), vec!["newsletter"]);

        // Opened again: offered again.
        let reopened =
            owner.post("/admin/newsletters/lists/newsletter/archive", &[("archived", "0")]).await;
        assert_eq!(reopened.status, 303);
        assert!(anon.get("/members/join/").await.body.contains("newsletter-newsletter"));
        let odd = owner
            .post("/admin/newsletters/lists/newsletter/archive", &[("archived", "maybe")])
            .await;
        assert_eq!(odd.status, 400);
    }
}
