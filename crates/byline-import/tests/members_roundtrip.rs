//! Members out to CSV and back in, on SQLite and (when configured) PostgreSQL: the same
//! members, labels, grants, join dates and `subscribed_to_emails` (whether they receive any
//! newsletter).

use byline_core::audit::Actor;
use byline_core::member_list::MemberQuery;
use byline_core::members::MemberInput;
use byline_import::members_csv::{import, write_members};
use byline_store::Joined;
use byline_store::testing::databases;

#[tokio::test]
async fn an_export_imports_back_into_an_empty_publication_unchanged() {
    let mut dbs = databases().await.into_iter();
    let mut targets = databases().await.into_iter();
    while let (Some(from), Some(to)) = (dbs.next(), targets.next()) {
        let s = &from.store;
        let ann = MemberInput {
            email: "ann@example.org".into(),
            name: Some("Ann \"Quotes\", Reader".into()),
            note: Some("two\nlines".into()),
            labels: vec!["Press".into(), "VIP".into()],
        };
        let ann = s.add_member(ann.validate().unwrap(), Joined::Staff, None).await.unwrap();
        s.grant_complimentary(ann.id, "paid", None, &Actor::command_line()).await.unwrap();
        let bo = MemberInput { email: "bo@example.org".into(), ..Default::default() };
        let bo = s.add_member(bo.validate().unwrap(), Joined::SignUp, None).await.unwrap();
        // Bo chose no newsletter: exported as not subscribed.
        s.set_member_newsletters(bo.id, &[]).await.unwrap();
        assert_eq!(s.member_newsletters(ann.id).await.unwrap(), ["newsletter"]);

        let before = s.members_all(&MemberQuery::default()).await.unwrap();
        let mut out = Vec::new();
        let subscribed = s.members_subscribed().await.unwrap();
        write_members(&before, &subscribed, &mut out).unwrap();
        let text = String::from_utf8(out.clone()).unwrap();
        assert!(text.starts_with(
            "email,name,note,subscribed_to_emails,complimentary_plan,stripe_customer_id,labels,created_at\n"
        ));
        let flag = |email: &str| {
            let mut r = csv::Reader::from_reader(text.as_bytes());
            let row = r.records().map(Result::unwrap).find(|r| &r[0] == email).unwrap();
            row[3].to_owned()
        };
        assert_eq!(flag("ann@example.org"), "true");
        assert_eq!(flag("bo@example.org"), "false");
        let r = import(&to.store, "export.csv", &out, false, None).await.unwrap();
        assert!(r.errors.is_empty() && r.notes.is_empty(), "{r}");
        assert_eq!(r.added, 2);
        let after = to.store.members_all(&MemberQuery::default()).await.unwrap();
        let key = |m: &byline_core::members::Member| {
            (
                m.email.clone(),
                m.name.clone(),
                m.note.clone(),
                m.labels.clone(),
                m.status,
                m.grants.iter().map(|g| g.tier_slug.clone()).collect::<Vec<_>>(),
                m.created_at.timestamp_millis(),
            )
        };
        assert_eq!(
            after.iter().map(key).collect::<Vec<_>>(),
            before.iter().map(key).collect::<Vec<_>>(),
            "{:?}",
            to.backend()
        );
        let ann2 = to.store.member_by_email("ann@example.org").await.unwrap();
        let bo2 = to.store.member_by_email("bo@example.org").await.unwrap();
        assert_eq!(to.store.member_newsletters(ann2.id).await.unwrap(), ["newsletter"]);
        assert!(to.store.member_newsletters(bo2.id).await.unwrap().is_empty());
        let again = to.store.members_subscribed().await.unwrap();
        assert_eq!((again.contains(&ann2.id), again.contains(&bo2.id)), (true, false));
        // And again: the same file updates, never duplicates.
        let r = import(&to.store, "export.csv", &out, false, None).await.unwrap();
        assert_eq!((r.added, r.updated), (0, 2));
    }
}
