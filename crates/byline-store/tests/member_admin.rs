//! What staff do with members and tiers, on SQLite and (when configured) PostgreSQL: the
//! list's search and filters, editing, taking back a grant, import upserts, tiers, labels
//! and the dashboard's figures.

use byline_core::audit::Actor;
use byline_core::member_list::MemberQuery;
use byline_core::members::{MemberInput, MemberStatus, TierInput};
use byline_store::testing::databases;
use byline_store::{ImportOutcome, ImportedMember, Joined, Store};
use chrono::{Duration, TimeZone, Utc};

async fn add(s: &Store, email: &str, name: &str, labels: &[&str]) -> i64 {
    let input = MemberInput {
        email: email.into(),
        name: Some(name.into()),
        labels: labels.iter().map(|l| l.to_string()).collect(),
        ..Default::default()
    };
    s.add_member(input.validate().unwrap(), Joined::Staff, None).await.unwrap().id
}

fn emails(p: &byline_store::Paged<byline_core::members::Member>) -> Vec<String> {
    let mut e: Vec<String> = p.items.iter().map(|m| m.email.clone()).collect();
    e.sort();
    e
}

#[tokio::test]
async fn the_list_searches_filters_and_pages() {
    for db in databases().await {
        let s = &db.store;
        let actor = Actor::command_line();
        let ann = add(s, "ann@example.org", "Ann Łódź", &["Press"]).await;
        let bo = add(s, "bo@example.org", "Bo", &["VIP"]).await;
        let _cy = add(s, "cy_100%@example.org", "Cy", &[]).await;
        s.grant_complimentary(bo, "paid", None, &actor).await.unwrap();
        // An expired grant holds nothing.
        s.grant_complimentary(ann, "paid", Some(Utc::now() - Duration::days(1)), &actor)
            .await
            .unwrap();
        let q = |f: fn(&mut MemberQuery)| {
            let mut q = MemberQuery::default();
            f(&mut q);
            q
        };
        let all = s.members_page(&MemberQuery::default(), 1, 50).await.unwrap();
        assert_eq!(all.total, 3, "{:?}", db.backend());
        let by_name = s.members_page(&q(|q| q.search = Some("ANN Łódź".into())), 1, 50).await;
        assert_eq!(emails(&by_name.unwrap()), ["ann@example.org"], "{:?}", db.backend());
        let literal = s.members_page(&q(|q| q.search = Some("100%".into())), 1, 50).await;
        assert_eq!(emails(&literal.unwrap()), ["cy_100%@example.org"]);
        let comped = s.members_page(&q(|q| q.status = Some(MemberStatus::Comped)), 1, 50).await;
        assert_eq!(emails(&comped.unwrap()), ["bo@example.org"]);
        let tier = s.members_page(&q(|q| q.tier = Some("paid".into())), 1, 50).await.unwrap();
        assert_eq!(emails(&tier), ["bo@example.org"]);
        let free = s.members_page(&q(|q| q.tier = Some("free".into())), 1, 50).await.unwrap();
        assert_eq!(free.total, 2);
        let vip = s.members_page(&q(|q| q.label = Some("vip".into())), 1, 50).await.unwrap();
        assert_eq!(emails(&vip), ["bo@example.org"]);
        let future = q(|q| q.joined_from = Some(Utc::now() + Duration::days(1)));
        assert_eq!(s.members_page(&future, 1, 50).await.unwrap().total, 0);
        let past = q(|q| q.joined_until = Some(Utc::now() + Duration::days(1)));
        assert_eq!(s.members_page(&past, 1, 50).await.unwrap().total, 3);
        // Pages of two: two, then one, and the total on each.
        let p1 = s.members_page(&MemberQuery::default(), 1, 2).await.unwrap();
        let p2 = s.members_page(&MemberQuery::default(), 2, 2).await.unwrap();
        assert_eq!((p1.items.len(), p2.items.len(), p2.total, p2.pages()), (2, 1, 3, 2));
        let counts = s.member_counts().await.unwrap();
        assert_eq!((counts.total, counts.free, counts.comped, counts.paid), (3, 2, 1, 0));
    }
}

#[tokio::test]
async fn staff_edit_members_and_take_back_grants() {
    for db in databases().await {
        let s = &db.store;
        let actor = Actor::command_line();
        let ann = add(s, "ann@example.org", "Ann", &["Press"]).await;
        add(s, "bo@example.org", "Bo", &[]).await;
        let edit = |email: &str| MemberInput {
            email: email.into(),
            name: Some("Ann R".into()),
            note: Some("met at a fair".into()),
            labels: vec!["Fair".into()],
        };
        let e = s.update_member(ann, &edit("BO@example.org").validate().unwrap(), &actor).await;
        assert!(e.unwrap_err().to_string().contains("email: bo@example.org is already"));
        let fields = edit("ann2@example.org").validate().unwrap();
        let m = s.update_member(ann, &fields, &actor).await.unwrap();
        assert_eq!(m.email, "ann2@example.org");
        assert_eq!((m.name.as_deref(), m.note.as_deref()), (Some("Ann R"), Some("met at a fair")));
        assert_eq!(m.labels, ["Fair"]);
        assert_eq!(s.member_events(ann).await.unwrap()[0].kind, "email");

        s.grant_complimentary(ann, "paid", None, &actor).await.unwrap();
        let m = s.remove_complimentary(ann, "paid", &actor).await.unwrap();
        assert_eq!((m.status, m.grants.len()), (MemberStatus::Free, 0));
        assert!(s.member_events(ann).await.unwrap()[0].detail.contains("removed by staff"));
        let again = s.remove_complimentary(ann, "paid", &actor).await.unwrap_err();
        assert!(again.is_not_found());
        let log = s.audit_log(1, 10).await.unwrap();
        let actions: Vec<&str> = log.items.iter().map(|a| a.action.as_str()).collect();
        assert_eq!(&actions[..3], ["member.ungrant", "member.grant", "member.edit"]);
    }
}

#[tokio::test]
async fn an_import_adds_once_and_updates_after() {
    for db in databases().await {
        let s = &db.store;
        let joined = Utc.with_ymd_and_hms(2021, 3, 4, 5, 6, 7).unwrap();
        let mut row = ImportedMember {
            fields: MemberInput {
                email: "Ann@Example.org".into(),
                name: Some("Ann".into()),
                labels: vec!["Press".into()],
                ..Default::default()
            }
            .validate()
            .unwrap(),
            complimentary: true,
            stripe_customer_id: Some("cus_123".into()),
            subscribed: None,
            created_at: Some(joined),
            newsletters: None,
        };
        assert_eq!(s.import_member(&row, None).await.unwrap(), ImportOutcome::Added);
        row.fields.labels = vec!["VIP".into()];
        row.fields.name = None;
        assert_eq!(s.import_member(&row, None).await.unwrap(), ImportOutcome::Updated);
        let m = s.member_by_email("ann@example.org").await.unwrap();
        assert_eq!(m.created_at, joined);
        assert_eq!(m.name.as_deref(), Some("Ann"), "a missing name keeps the one saved");
        assert_eq!(m.labels, ["Press", "VIP"]);
        assert_eq!(m.stripe_customer_id.as_deref(), Some("cus_123"));
        assert_eq!((m.status, m.grants.len()), (MemberStatus::Comped, 1));
        assert_eq!(s.member_counts().await.unwrap().total, 1);
    }
}

#[tokio::test]
async fn tiers_are_created_changed_and_archived_but_free_stays_free() {
    for db in databases().await {
        let s = &db.store;
        let actor = Actor::command_line();
        let gold = TierInput {
            name: "Gold".into(),
            monthly_price: Some(900),
            yearly_price: Some(9000),
            currency: Some("EUR".into()),
            benefits: vec!["Everything".into(), " ".into()],
            visible: true,
            active: true,
            ..Default::default()
        };
        let t = s.create_tier(&gold, &actor).await.unwrap();
        assert_eq!((t.slug.as_str(), t.currency.as_str(), t.sort_order), ("gold", "eur", 2));
        assert_eq!(t.benefits, ["Everything"]);
        let dup = s.create_tier(&gold, &actor).await.unwrap_err();
        assert!(dup.to_string().contains("slug: gold is already"), "{dup}");
        let renamed = TierInput { name: "Gold plus".into(), ..gold.clone() };
        let t = s.update_tier("gold", &renamed, &actor).await.unwrap();
        assert_eq!((t.slug.as_str(), t.name.as_str()), ("gold", "Gold plus"), "slug kept");
        let taken = TierInput { slug: Some("paid".into()), ..gold.clone() };
        assert!(s.update_tier("gold", &taken, &actor).await.is_err());
        let t = s.archive_tier("gold", &actor).await.unwrap();
        assert!(!t.active);
        assert_eq!(s.paid_tier_slugs().await.unwrap(), ["paid", "gold"]);

        let priced = TierInput { name: "Free".into(), monthly_price: Some(100), ..gold };
        let e = s.update_tier("free", &priced, &actor).await.unwrap_err();
        assert!(e.to_string().contains("free tier has no price"), "{e}");
        let e = s.archive_tier("free", &actor).await.unwrap_err();
        assert!(e.to_string().contains("cannot be archived"), "{e}");
        let free = TierInput { name: "Readers".into(), ..Default::default() };
        let t = s.update_tier("free", &free, &actor).await.unwrap();
        assert_eq!((t.slug.as_str(), t.name.as_str(), t.active), ("free", "Readers", true));
    }
}

#[tokio::test]
async fn labels_are_counted_renamed_and_deleted() {
    for db in databases().await {
        let s = &db.store;
        let actor = Actor::command_line();
        let ann = add(s, "ann@example.org", "Ann", &["Press", "VIP"]).await;
        add(s, "bo@example.org", "Bo", &["VIP"]).await;
        let labels = s.member_labels().await.unwrap();
        let uses: Vec<(&str, u64)> = labels.iter().map(|l| (l.slug.as_str(), l.members)).collect();
        assert_eq!(uses, [("press", 1), ("vip", 2)]);
        let e = s.rename_label("press", "vip", &actor).await.unwrap_err();
        assert!(e.to_string().contains("exists already"), "{e}");
        let l = s.rename_label("vip", "Patrons", &actor).await.unwrap();
        assert_eq!((l.slug.as_str(), l.members), ("patrons", 2));
        s.delete_label("press", &actor).await.unwrap();
        assert_eq!(s.member(ann).await.unwrap().labels, ["Patrons"]);
        assert!(s.delete_label("press", &actor).await.unwrap_err().is_not_found());
    }
}

#[tokio::test]
async fn the_dashboard_counts_members_over_time_including_deleted_ones() {
    for db in databases().await {
        let s = &db.store;
        let actor = Actor::command_line();
        let ann = add(s, "ann@example.org", "Ann", &[]).await;
        let bo = add(s, "bo@example.org", "Bo", &[]).await;
        s.grant_complimentary(bo, "paid", None, &actor).await.unwrap();
        let today = Utc::now().date_naive();
        let f = s.member_figures(today, 7).await.unwrap();
        assert_eq!(f.over_time.len(), 7);
        assert_eq!(f.over_time.last().unwrap(), &(today, 2));
        assert_eq!(f.over_time[0].1, 0);
        assert_eq!((f.counts.total, f.counts.comped), (2, 1));
        assert!(f.mrr.is_empty(), "complimentary tiers bring no revenue");
        s.delete_member(ann, Some(&actor)).await.unwrap();
        let f = s.member_figures(today, 7).await.unwrap();
        assert_eq!(f.over_time.last().unwrap().1, 1);
        assert_eq!(f.over_time[0].1, 0, "a week ago neither had joined");
    }
}
