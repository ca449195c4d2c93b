//! Several nodes share one send: two workers, each with its own connection to one database
//! (SQLite, and PostgreSQL when configured) and its own SMTP pool, work one send at once
//! through the queue's delivery jobs, each claiming its own batches. A third "node" claimed
//! a batch and died without sending it; after its hold ran out the others took it over.
//! Every recipient arrives at a real SMTP server (aiosmtpd) exactly once, and both workers
//! sent some of them.

mod common;

use byline_core::audit::Actor;
use byline_core::jobs::Job;
use byline_core::members::MemberInput;
use byline_core::newsletters::{DeliverSend, Segment};
use byline_mail::deliver::Tls;
use byline_mail::{Delivery, DeliverySettings, Site};
use byline_store::testing::databases;
use byline_store::{Joined, NewSend, SEND_JOBS, Store};
use common::smtp::SmtpServer;
use std::collections::HashMap;

const MEMBERS: usize = 120;

/// One node's worker: takes delivery jobs from the queue and runs each to its end, until
/// the queue has none left; sends from `from`.
async fn worker(url: String, port: u16, from: &'static str) -> usize {
    let store = Store::connect(&url).await.unwrap();
    let delivery = Delivery::new(DeliverySettings {
        host: "127.0.0.1".into(),
        port,
        tls: Tls::None,
        username: None,
        password: None,
        from: from.into(),
        concurrency: 2,
        rate: 0,
        dkim: None,
    })
    .unwrap();
    let site = Site {
        base_url: common::BASE.into(),
        postal_address: None,
        hold: chrono::Duration::seconds(60),
    };
    let mut jobs = 0;
    while let Some(job) = store
        .claim_job(&[DeliverSend::KIND], chrono::Utc::now(), chrono::Duration::minutes(5))
        .await
        .unwrap()
    {
        let j: DeliverSend = serde_json::from_str(&job.payload).unwrap();
        byline_mail::deliver_send(&store, &delivery, &site, j).await.unwrap();
        assert!(store.complete_job(&job).await.unwrap());
        jobs += 1;
    }
    jobs
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_workers_share_one_send_and_take_over_a_dead_nodes_batch() {
    let Some(server) = SmtpServer::start() else { return };
    let mut before = 0;
    for db in databases().await {
        let _ = common::site(&db).await;
        let s = &db.store;
        let tag = format!("{:?}", db.backend()).to_lowercase();
        for i in 0..MEMBERS {
            let input =
                MemberInput { email: format!("r{i:03}-{tag}@example.org"), ..Default::default() };
            s.add_member(input.validate().unwrap(), Joined::Staff, None).await.unwrap();
        }
        let article = s.published_article("full").await.unwrap();
        let subject = format!("Two nodes {tag}");
        let new = NewSend {
            newsletter: "newsletter".into(),
            article_ids: vec![article.id],
            subject: subject.clone(),
            segment: Segment::All,
        };
        let send = s.create_send(&new, &Actor::command_line()).await.unwrap();
        assert_eq!(send.counts.total, MEMBERS as u64);

        // A node claims ten and dies: its hold runs out in two seconds.
        let now = chrono::Utc::now();
        let dead =
            s.claim_recipients(send.id, 10, now, chrono::Duration::seconds(2)).await.unwrap();
        assert_eq!(dead.len(), 10);

        let a = tokio::spawn(worker(db.url.clone(), server.port, "Node A <a@example.org>"));
        let b = tokio::spawn(worker(db.url.clone(), server.port, "Node B <b@example.org>"));
        let jobs = a.await.unwrap() + b.await.unwrap();
        assert_eq!(jobs, SEND_JOBS, "each delivery job ran once");

        let done = s.send(send.id).await.unwrap();
        assert_eq!(done.state, "done", "{done:?}");
        assert_eq!(done.counts.sent, MEMBERS as u64, "{:?}", done.counts);
        let got = server.wait_for(before + MEMBERS);
        let ours: Vec<_> = got.iter().filter(|m| m.subject == subject).collect();
        let mut each: HashMap<&str, usize> = HashMap::new();
        for m in &ours {
            *each.entry(m.to.as_str()).or_default() += 1;
        }
        assert_eq!(each.len(), MEMBERS, "every recipient reached");
        let twice: Vec<_> = each.iter().filter(|(_, n)| **n > 1).collect();
        assert!(twice.is_empty(), "sent twice: {twice:?}");
        for r in &dead {
            assert_eq!(
                each.get(r.email.as_str()),
                Some(&1),
                "the dead node's {} taken over",
                r.email
            );
        }
        let by_a = ours.iter().filter(|m| m.from.contains("a@example.org")).count();
        let by_b = ours.iter().filter(|m| m.from.contains("b@example.org")).count();
        assert_eq!(by_a + by_b, MEMBERS);
        assert!(by_a > 0 && by_b > 0, "both workers sent: A {by_a}, B {by_b}");
        before += MEMBERS;
    }
}
