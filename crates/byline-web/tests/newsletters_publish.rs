//! "Publish and email" in the article editor, through the real router and a real SMTP
//! server (aiosmtpd; see `common::smtp`), on SQLite and (when configured) PostgreSQL:
//! publishing and emailing to one segment of a chosen newsletter, a refused choice that
//! saves nothing, "email only" of a published article, a scheduled article emailed at its
//! time, and "publish only" emailing no one. The sends run through the delivery job the
//! workers run.

mod common;

use byline_core::audit::Actor;
use byline_core::jobs::Job;
use byline_core::members::MemberInput;
use byline_core::newsletters::DeliverSend;
use byline_core::staff::Role;
use byline_mail::deliver::Tls;
use byline_mail::{Delivery, DeliverySettings, Site};
use byline_store::testing::databases;
use byline_store::{Joined, Store};
use common::client::{Client, signed_in};
use common::smtp::SmtpServer;

/// Runs every queued newsletter delivery job to its end, as a worker would; how many
/// sends they delivered.
async fn deliver(store: &Store, delivery: &Delivery) -> usize {
    let site = Site {
        base_url: common::BASE.into(),
        postal_address: None,
        hold: chrono::Duration::seconds(30),
    };
    let mut sends = std::collections::HashSet::new();
    while let Some(job) = store
        .claim_job(&[DeliverSend::KIND], chrono::Utc::now(), chrono::Duration::minutes(1))
        .await
        .unwrap()
    {
        let j: DeliverSend = serde_json::from_str(&job.payload).unwrap();
        sends.insert(j.send_id);
        byline_mail::deliver_send(store, delivery, &site, j).await.unwrap();
        assert!(store.complete_job(&job).await.unwrap());
    }
    sends.len()
}

async fn flash_after(c: &mut Client, page: &common::Page) -> String {
    let to = page.headers["location"].to_str().unwrap().to_owned();
    c.get(&to).await.body
}

#[tokio::test]
async fn publishing_offers_publish_and_email_publish_only_and_email_only() {
    let Some(server) = SmtpServer::start() else { return };
    let mut expected = 0;
    for db in databases().await {
        let (app, _state, _outbox) = common::members::site(&db).await;
        let s = &db.store;
        let delivery = Delivery::new(DeliverySettings {
            host: "127.0.0.1".into(),
            port: server.port,
            tls: Tls::None,
            username: None,
            password: None,
            from: "The Review <desk@example.org>".into(),
            concurrency: 2,
            rate: 0,
            dkim: None,
        })
        .unwrap();
        let tag = format!("{:?}", db.backend()).to_lowercase();
        let mut ids = Vec::new();
        for who in ["free", "payer", "other"] {
            let input =
                MemberInput { email: format!("{who}-{tag}@example.org"), ..Default::default() };
            ids.push(
                s.add_member(input.validate().unwrap(), Joined::Staff, None).await.unwrap().id,
            );
        }
        s.grant_complimentary(ids[1], "paid", None, &Actor::command_line()).await.unwrap();
        let (mut owner, _) = signed_in(&app, s, "Olga Owner", Role::Owner).await;

        // The editor offers the three ways, with the newsletters and the segments.
        let new = owner.get("/admin/articles/new").await;
        assert_eq!(new.status, 200);
        assert_eq!(new.texts("button[value=publish]"), ["Publish only"]);
        assert_eq!(new.texts("button[value=publish_email]"), ["Publish and email"]);
        assert!(new.body.contains("name=\"email_newsletters\" value=\"newsletter\""));
        assert!(new.body.contains("<option value=\"paid\""), "{}", new.body);
        assert!(new.texts("button[value=email]").is_empty(), "nothing to email yet");

        // A refused choice (no newsletter ticked) saves nothing and keeps what was typed.
        let refused = owner
            .post(
                "/admin/articles",
                &[("title", "Harbour Lights"), ("body", "Ships."), ("intent", "publish_email")],
            )
            .await;
        assert_eq!(refused.status, 422, "{}", refused.body);
        assert!(refused.body.contains("choose at least one newsletter"), "{}", refused.body);
        assert_eq!(refused.attrs("#title", "value"), ["Harbour Lights"]);
        assert!(s.published_article("harbour-lights").await.is_err(), "nothing was saved");

        // Publish and email, to paying members only.
        let title = format!("Harbour Lights {tag}");
        let done = owner
            .post(
                "/admin/articles",
                &[
                    ("title", &title),
                    ("body", "Ships come in at dusk."),
                    ("email_newsletters", "newsletter"),
                    ("email_segment", "paid"),
                    ("intent", "publish_email"),
                ],
            )
            .await;
        assert_eq!(done.status, 303, "{}", done.body);
        let shown = flash_after(&mut owner, &done).await;
        assert!(
            shown.contains("Published. Newsletter is emailing it to 1 recipient(s) (paid)"),
            "{shown}"
        );
        assert_eq!(deliver(s, &delivery).await, 1);
        expected += 1;
        let got = server.wait_for(expected);
        assert_eq!(got.len(), expected, "{got:?}");
        let last = got.iter().find(|m| m.subject == title).expect("the issue arrived");
        assert_eq!(last.to, format!("payer-{tag}@example.org"));
        assert!(last.text.contains("Ships come in at dusk."), "{}", last.text);

        // Email only: the published article again, to everyone, as saved.
        let id = done.headers["location"].to_str().unwrap().to_owned();
        let page = owner.get(&id).await;
        assert_eq!(page.texts("button[value=email]"), ["Email only"]);
        let again = owner
            .post(
                &id,
                &[
                    ("title", "Typed but not saved"),
                    ("version", &page.attrs("input[name=version]", "value")[0]),
                    ("email_newsletters", "newsletter"),
                    ("email_segment", "all"),
                    ("intent", "email"),
                ],
            )
            .await;
        assert_eq!(again.status, 200, "{}", again.body);
        assert!(again.body.contains("Emailed as saved"), "{}", again.body);
        assert_eq!(again.attrs("#title", "value"), ["Typed but not saved"], "the form kept");
        assert_eq!(
            s.published_article(&title.to_lowercase().replace(' ', "-")).await.unwrap().title,
            title
        );
        assert_eq!(deliver(s, &delivery).await, 1);
        expected += 3;
        let got = server.wait_for(expected);
        assert_eq!(got.len(), expected, "{got:?}");
        assert_eq!(got.iter().filter(|m| m.subject == title).count(), 4);

        // Publish only emails no one.
        let quiet = owner
            .post(
                "/admin/articles",
                &[
                    ("title", &format!("Quiet {tag}")),
                    ("body", "No mail."),
                    ("email_newsletters", "newsletter"),
                    ("intent", "publish"),
                ],
            )
            .await;
        assert_eq!(quiet.status, 303, "{}", quiet.body);
        assert_eq!(deliver(s, &delivery).await, 0);

        // Schedule and email: nothing goes until the article's time, then it does.
        let at = (chrono::Utc::now() + chrono::Duration::seconds(2)).format("%Y-%m-%dT%H:%M:%S");
        let later = format!("Later {tag}");
        let scheduled = owner
            .post(
                "/admin/articles",
                &[
                    ("title", &later),
                    ("body", "At its time."),
                    ("published_at", &at.to_string()),
                    ("email_newsletters", "newsletter"),
                    ("email_segment", "free"),
                    ("intent", "schedule_email"),
                ],
            )
            .await;
        assert_eq!(scheduled.status, 303, "{}", scheduled.body);
        let shown = flash_after(&mut owner, &scheduled).await;
        assert!(shown.contains("will get it (free) when the article is published"), "{shown}");
        assert_eq!(s.start_due_sends(chrono::Utc::now()).await.unwrap(), 0, "not yet");
        assert_eq!(deliver(s, &delivery).await, 0);
        tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
        s.publish_due(chrono::Utc::now()).await.unwrap();
        assert_eq!(s.start_due_sends(chrono::Utc::now()).await.unwrap(), 1);
        assert_eq!(deliver(s, &delivery).await, 1);
        expected += 2;
        let got = server.wait_for(expected);
        assert_eq!(got.len(), expected, "{got:?}");
        let mut to: Vec<_> =
            got.iter().filter(|m| m.subject == later).map(|m| m.to.clone()).collect();
        to.sort();
        assert_eq!(to, [format!("free-{tag}@example.org"), format!("other-{tag}@example.org")]);
    }
}
