//! Newsletters in the store, on SQLite and (when configured) PostgreSQL: subscriptions at
//! joining and by choice, who a send reaches (segments, audience, suppressions) and in which
//! version, and the recipient ledger: concurrent claims never overlap, claims of a sender that
//! died are taken up, bounces suppress, unsubscribing counts.

use byline_core::audit::Actor;
use byline_core::members::MemberFields;
use byline_core::newsletters::{Audience, NewsletterInput, Segment, SuppressionReason};
use byline_core::{ArticleInput, ArticleStatus};
use byline_store::testing::databases;
use byline_store::{ImportOutcome, ImportedMember, Joined, NewSend, Store};
use chrono::{Duration, Utc};
use std::collections::HashSet;

fn me() -> Actor {
    Actor::command_line()
}

async fn member(s: &Store, email: &str, labels: &[&str]) -> i64 {
    let f = MemberFields {
        email: email.into(),
        name: None,
        note: None,
        labels: labels.iter().map(|l| l.to_string()).collect(),
    };
    s.add_member(f, Joined::Staff, None).await.unwrap().id
}

async fn article(s: &Store, title: &str, access: &str) -> i64 {
    let input = ArticleInput {
        title: title.into(),
        body: format!("The free part of {title}.\n\n<!--members-only-->\n\nThe rest of {title}."),
        status: ArticleStatus::Published,
        published_at: Some(Utc::now() - Duration::hours(1)),
        access: Some(access.into()),
        ..Default::default()
    };
    s.save_article(&input.validate().unwrap(), None).await.unwrap().value.id
}

#[tokio::test]
async fn members_get_the_default_newsletters_and_choose_their_own() {
    for db in databases().await {
        let s = &db.store;
        let all = s.newsletters().await.unwrap();
        assert_eq!(all.len(), 1, "a new publication has one newsletter");
        assert!(all[0].subscribe_by_default);
        let weekly = NewsletterInput {
            name: "Weekly digest".into(),
            digest: Some("weekly:fri@07".into()),
            ..Default::default()
        };
        s.create_newsletter(&weekly, &me()).await.unwrap();
        let again = s.create_newsletter(&weekly, &me()).await.unwrap_err().to_string();
        assert!(again.contains("slug"), "{again}");
        let ann = member(s, "ann@example.org", &[]).await;
        assert_eq!(s.member_newsletters(ann).await.unwrap(), vec!["newsletter"]);
        let chosen = s
            .set_member_newsletters(ann, &["weekly-digest".into(), "newsletter".into()])
            .await
            .unwrap();
        assert_eq!(chosen, vec!["newsletter", "weekly-digest"]);
        // A slug that names nothing changes nothing.
        let err = s.set_member_newsletters(ann, &["nope".into()]).await.unwrap_err();
        assert!(err.is_not_found());
        assert_eq!(s.member_newsletters(ann).await.unwrap().len(), 2);
        // An import with subscribed_to_emails false gets none; true (or empty) the defaults.
        let row = |email: &str, subscribed| ImportedMember {
            fields: byline_core::members::MemberInput { email: email.into(), ..Default::default() }
                .validate()
                .unwrap(),
            complimentary: false,
            stripe_customer_id: None,
            created_at: None,
            subscribed,
            newsletters: None,
        };
        s.import_member(&row("no@example.org", Some(false)), None).await.unwrap();
        s.import_member(&row("yes@example.org", Some(true)), None).await.unwrap();
        let no = s.member_by_email("no@example.org").await.unwrap().id;
        let yes = s.member_by_email("yes@example.org").await.unwrap().id;
        assert!(s.member_newsletters(no).await.unwrap().is_empty());
        assert_eq!(s.member_newsletters(yes).await.unwrap(), vec!["newsletter"]);
        let out = s.import_member(&row("no@example.org", Some(true)), None).await.unwrap();
        assert_eq!(out, ImportOutcome::Updated);
        assert_eq!(s.member_newsletters(no).await.unwrap(), vec!["newsletter"]);
        // An import that names the newsletters gives exactly those, over `subscribed`.
        let exactly = |slugs: &[&str]| ImportedMember {
            newsletters: Some(slugs.iter().map(|s| (*s).to_owned()).collect()),
            ..row("no@example.org", Some(true))
        };
        s.import_member(&exactly(&["weekly-digest"]), None).await.unwrap();
        assert_eq!(s.member_newsletters(no).await.unwrap(), vec!["weekly-digest"]);
        let err = s.import_member(&exactly(&["weekly-digest", "nope"]), None).await.unwrap_err();
        assert!(err.is_not_found(), "{err}");
        assert_eq!(s.member_newsletters(no).await.unwrap(), vec!["weekly-digest"]);
        s.import_member(&exactly(&[]), None).await.unwrap();
        assert!(s.member_newsletters(no).await.unwrap().is_empty());
        let fresh = ImportedMember {
            newsletters: Some(vec!["weekly-digest".into()]),
            ..row("fresh@example.org", None)
        };
        assert_eq!(s.import_member(&fresh, None).await.unwrap(), ImportOutcome::Added);
        let fresh = s.member_by_email("fresh@example.org").await.unwrap().id;
        assert_eq!(s.member_newsletters(fresh).await.unwrap(), vec!["weekly-digest"]);
    }
}

#[tokio::test]
async fn a_send_reaches_its_segment_in_the_version_each_may_read() {
    for db in databases().await {
        let s = &db.store;
        let free = member(s, "free@example.org", &["press"]).await;
        let paid = member(s, "paid@example.org", &[]).await;
        s.grant_complimentary(paid, "paid", None, &me()).await.unwrap();
        let gone = member(s, "gone@example.org", &[]).await;
        s.set_member_newsletters(gone, &[]).await.unwrap();
        member(s, "bounced@example.org", &["press"]).await;
        s.suppress("Bounced@example.org", SuppressionReason::Bounced, &me()).await.unwrap();

        let gated = article(s, "Gated", "paid").await;
        let new = |segment: Segment| NewSend {
            newsletter: "newsletter".into(),
            article_ids: vec![gated],
            subject: "Gated".into(),
            segment,
        };
        let send = s.create_send(&new(Segment::All), &me()).await.unwrap();
        assert_eq!(send.counts.total, 2, "the unsubscribed and the suppressed are left out");
        assert_eq!(send.state, "sending");
        let claimed =
            s.claim_recipients(send.id, 10, Utc::now(), Duration::seconds(60)).await.unwrap();
        let by: Vec<(String, bool)> = claimed.iter().map(|r| (r.email.clone(), r.full)).collect();
        assert_eq!(
            by,
            vec![("free@example.org".into(), false), ("paid@example.org".into(), true)],
            "the paid article in full only to the paid member"
        );
        assert!(claimed.iter().all(|r| r.member_uuid.is_some()));
        for (segment, want) in [
            (Segment::Free, vec![free]),
            (Segment::Paid, vec![paid]),
            (Segment::Label("press".into()), vec![free]),
            (Segment::Tier("paid".into()), vec![paid]),
        ] {
            let send = s.create_send(&new(segment.clone()), &me()).await.unwrap();
            assert_eq!(send.counts.total, want.len() as u64, "{segment:?}");
        }
        let nobody = s.create_send(&new(Segment::Tier("nope".into())), &me()).await.unwrap_err();
        assert!(nobody.is_not_found(), "{nobody}");
        // A paid-only newsletter reaches paid members whatever the segment.
        let paid_only = NewsletterInput {
            name: "Insiders".into(),
            audience: Audience::Paid,
            subscribe_by_default: true,
            ..Default::default()
        };
        s.create_newsletter(&paid_only, &me()).await.unwrap();
        s.set_member_newsletters(free, &["insiders".into(), "newsletter".into()]).await.unwrap();
        s.set_member_newsletters(paid, &["insiders".into(), "newsletter".into()]).await.unwrap();
        let insiders = NewSend { newsletter: "insiders".into(), ..new(Segment::All) };
        assert_eq!(s.create_send(&insiders, &me()).await.unwrap().counts.total, 1);
        // A draft cannot be sent, and nothing is written.
        let before = s.sends(100, false).await.unwrap().len();
        let draft = ArticleInput {
            title: "Draft".into(),
            body: "x".into(),
            status: ArticleStatus::Draft,
            ..Default::default()
        };
        let draft = s.save_article(&draft.validate().unwrap(), None).await.unwrap().value.id;
        let err = s
            .create_send(&NewSend { article_ids: vec![draft], ..new(Segment::All) }, &me())
            .await
            .unwrap_err()
            .to_string();
        assert!(err.contains("not published"), "{err}");
        assert_eq!(s.sends(100, false).await.unwrap().len(), before);
        let by_slug = s.email_article("gated", None, &Segment::All, &me()).await.unwrap();
        assert_eq!((by_slug.newsletter_slug.as_str(), by_slug.counts.total), ("newsletter", 2));
    }
}

#[tokio::test]
async fn concurrent_claims_never_overlap_and_a_dead_senders_claims_are_taken_up() {
    for db in databases().await {
        let s = &db.store;
        for i in 0..60 {
            member(s, &format!("r{i}@example.org"), &[]).await;
        }
        let id = article(s, "Open", "public").await;
        let new = NewSend {
            newsletter: "newsletter".into(),
            article_ids: vec![id],
            subject: "Open".into(),
            segment: Segment::All,
        };
        let send = s.create_send(&new, &me()).await.unwrap();
        assert_eq!(send.counts.total, 60);
        // Four senders claim at once, batch after batch.
        let mut tasks = Vec::new();
        for _ in 0..4 {
            let s = s.clone();
            tasks.push(tokio::spawn(async move {
                let mut mine = Vec::new();
                loop {
                    let got = s
                        .claim_recipients(send.id, 7, Utc::now(), Duration::seconds(60))
                        .await
                        .unwrap();
                    if got.is_empty() {
                        return mine;
                    }
                    mine.extend(got.into_iter().map(|r| r.id));
                }
            }));
        }
        let mut seen = HashSet::new();
        let mut total = 0;
        for t in tasks {
            for id in t.await.unwrap() {
                total += 1;
                assert!(seen.insert(id), "recipient {id} claimed twice");
            }
        }
        assert_eq!(total, 60);
        // Some are sent; the rest were held by a sender that died. Their claims run out.
        let ids: Vec<i64> = seen.iter().copied().collect();
        for id in &ids[..20] {
            s.mark_recipient_sent(*id).await.unwrap();
        }
        assert!(!s.finish_send_if_done(send.id).await.unwrap());
        let now = Utc::now();
        let early = s.claim_recipients(send.id, 100, now, Duration::seconds(60)).await.unwrap();
        assert!(early.is_empty(), "held claims are not taken before they run out");
        let later = now + Duration::seconds(61);
        let again = s.claim_recipients(send.id, 100, later, Duration::seconds(60)).await.unwrap();
        assert_eq!(again.len(), 40, "every unsent recipient is taken up, none sent is");
        for r in &again[..38] {
            s.mark_recipient_sent(r.id).await.unwrap();
        }
        // A 5xx bounces and suppresses; a 4xx waits its backoff.
        s.mark_recipient_bounced(again[38].id, "550 5.1.1 no such user").await.unwrap();
        s.mark_recipient_retry(again[39].id, "451 4.3.0 try later").await.unwrap();
        assert!(!s.finish_send_if_done(send.id).await.unwrap());
        let due = s.next_recipient_due(send.id).await.unwrap().unwrap();
        assert!(due > Utc::now() + Duration::seconds(30), "{due}");
        let suppressed = s.suppressions().await.unwrap();
        assert_eq!(suppressed.len(), 1);
        assert_eq!(suppressed[0].email, again[38].email);
        let fails = s.send_failures(send.id, 10).await.unwrap();
        assert_eq!(fails.len(), 2);
        assert!(
            fails
                .iter()
                .any(|f| f.state == "bounced" && f.error.as_deref().unwrap().contains("550"))
        );
        let c = s.send(send.id).await.unwrap().counts;
        assert_eq!((c.sent, c.bounced, c.pending), (58, 1, 1));
        // The bounced address is left out of the next send.
        let next = s.create_send(&new, &me()).await.unwrap();
        assert_eq!(next.counts.total, 59);
        // Unsubscribing through a send counts against it, once.
        let m = s.member_by_email(&again[0].email).await.unwrap();
        s.unsubscribe(&m.uuid, Some("newsletter"), Some(send.id)).await.unwrap();
        s.unsubscribe(&m.uuid, Some("newsletter"), Some(send.id)).await.unwrap();
        assert_eq!(s.send(send.id).await.unwrap().counts.unsubscribed, 1);
        assert!(s.member_newsletters(m.id).await.unwrap().is_empty());
    }
}
