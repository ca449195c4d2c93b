//! Members and tiers in the store, on SQLite and (when configured) PostgreSQL: the tiers a
//! publication starts with, adding and deleting members, complimentary grants, the pass key.

use byline_core::audit::Actor;
use byline_core::members::{Access, MemberInput, MemberStatus, Reader, TierKind};
use byline_store::Joined;
use byline_store::testing::databases;
use chrono::{Duration, Utc};

fn input(email: &str) -> MemberInput {
    MemberInput {
        email: email.into(),
        name: Some("Ann Reader".into()),
        labels: vec!["Press".into(), "VIP".into()],
        ..Default::default()
    }
}

#[tokio::test]
async fn a_publication_starts_with_a_free_and_a_paid_tier() {
    for db in databases().await {
        let tiers = db.store.tiers().await.unwrap();
        let slugs: Vec<(&str, TierKind)> =
            tiers.iter().map(|t| (t.slug.as_str(), t.kind)).collect();
        assert_eq!(
            slugs,
            [("free", TierKind::Free), ("paid", TierKind::Paid)],
            "{:?}",
            db.backend()
        );
        assert_eq!(db.store.paid_tier_slugs().await.unwrap(), ["paid"]);
        assert!(db.store.tier("gold").await.unwrap_err().is_not_found());
        // The pass key is made once, long and the same on every read.
        let key = db.store.member_pass_key().await.unwrap();
        assert!(key.len() >= 32);
        assert_eq!(db.store.member_pass_key().await.unwrap(), key);
    }
}

#[tokio::test]
async fn members_are_added_once_per_address_with_their_labels() {
    for db in databases().await {
        let s = &db.store;
        let m = s
            .add_member(input(" Ann@Example.org ").validate().unwrap(), Joined::SignUp, None)
            .await
            .unwrap();
        assert_eq!((m.email.as_str(), m.status), ("ann@example.org", MemberStatus::Free));
        assert_eq!(m.labels, ["Press", "VIP"]);
        assert_eq!(m.uuid.len(), 36);
        assert_eq!(s.member_by_email("ANN@example.org").await.unwrap().id, m.id);
        let again = s
            .add_member(input("ann@example.org").validate().unwrap(), Joined::Staff, None)
            .await
            .unwrap_err();
        assert!(again.to_string().contains("already a member"), "{again}");
        let events = s.member_events(m.id).await.unwrap();
        assert_eq!(events.len(), 1);
        assert_eq!(
            (events[0].kind.as_str(), events[0].detail.as_str()),
            ("signup", "joined through the site")
        );
    }
}

#[tokio::test]
async fn a_complimentary_tier_makes_a_paid_reader_until_it_ends() {
    for db in databases().await {
        let s = &db.store;
        let m = s
            .add_member(input("bo@example.org").validate().unwrap(), Joined::Staff, None)
            .await
            .unwrap();
        let actor = Actor::command_line();
        let paid = s.paid_tier_slugs().await.unwrap();
        let now = Utc::now();
        assert!(!m.reader(now, &paid).may_read(&Access::Paid));

        let m = s.grant_complimentary(m.id, "paid", None, &actor).await.unwrap();
        assert_eq!(m.status, MemberStatus::Comped);
        assert!(m.reader(now, &paid).may_read(&Access::Paid));
        assert_eq!(
            m.reader(now, &paid),
            Reader::Member { paid: true, tiers: vec!["free".into(), "paid".into()] }
        );
        // Ending it in the past takes the access away at once.
        let m = s
            .grant_complimentary(m.id, "paid", Some(now - Duration::minutes(1)), &actor)
            .await
            .unwrap();
        assert_eq!(m.status, MemberStatus::Free);
        assert!(!m.reader(now, &paid).may_read(&Access::Paid));
        // The free tier cannot be granted; unknown tiers and members are named.
        let e = s.grant_complimentary(m.id, "free", None, &actor).await.unwrap_err();
        assert!(e.to_string().contains("free tier"), "{e}");
        assert!(
            s.grant_complimentary(m.id, "gold", None, &actor).await.unwrap_err().is_not_found()
        );
        assert!(
            s.grant_complimentary(9999, "paid", None, &actor).await.unwrap_err().is_not_found()
        );
    }
}

#[tokio::test]
async fn deleting_a_member_removes_them_and_keeps_anonymous_history() {
    for db in databases().await {
        let s = &db.store;
        let m = s
            .add_member(input("cy@example.org").validate().unwrap(), Joined::Import, None)
            .await
            .unwrap();
        s.grant_complimentary(m.id, "paid", None, &Actor::command_line()).await.unwrap();
        s.delete_member(m.id, None).await.unwrap();
        assert!(s.member(m.id).await.unwrap_err().is_not_found());
        assert!(s.member_by_email("cy@example.org").await.unwrap_err().is_not_found());
        // Their history is no longer theirs, and the address can join again.
        assert!(s.member_events(m.id).await.unwrap().is_empty());
        s.add_member(input("cy@example.org").validate().unwrap(), Joined::SignUp, None)
            .await
            .unwrap();
        assert!(s.delete_member(m.id, None).await.unwrap_err().is_not_found());
    }
}
