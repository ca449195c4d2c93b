//! Members from CSV files in Ghost's columns, on SQLite and (when configured) PostgreSQL:
//! every bad row named by its line and reason, the rest imported, nothing saved lost, and a
//! second import updating instead of duplicating.

use byline_core::members::MemberStatus;
use byline_import::members_csv::{import, read};
use byline_store::testing::databases;

const GOOD: &str = "\
email,name,note,subscribed_to_emails,complimentary_plan,stripe_customer_id,labels,created_at,tiers
ann@example.org,Ann Reader,\"met at the fair, 2020\",true,true,cus_A1b2,\"Press, VIP\",2020-05-06T07:08:09.000Z,Gold
bo@example.org,Bo,,false,false,,,2021-01-02,
";

#[tokio::test]
async fn bad_rows_are_named_by_line_and_the_rest_imported() {
    let csv = "\
email,name,note,subscribed_to_emails,complimentary_plan,stripe_customer_id,labels,created_at
ann@example.org,Ann,,true,false,,,2020-05-06T07:08:09Z
not-an-address,Nobody,,,,,,
cy@example.org,Cy,,maybe,false,,,
dee@example.org,Dee,,,,,,last tuesday
\"eve@example.org\",\"Eve
on two lines\",,,,,,
ANN@example.org,Ann again,,,,,,
fay@example.org,Fay,,,,cus 1,,
gus@example.org,Gus
";
    for db in databases().await {
        let s = &db.store;
        // Someone already saved stays as they were where the file has nothing to say.
        import(s, "first.csv", GOOD.as_bytes(), false, None).await.unwrap();
        let r = import(s, "members.csv", csv.as_bytes(), false, None).await.unwrap();
        let lines: Vec<(Option<usize>, &str)> =
            r.errors.iter().map(|p| (p.line, p.message.as_str())).collect();
        assert_eq!(lines.len(), 6, "{r}");
        assert_eq!(lines[0].0, Some(3));
        assert!(lines[0].1.contains("email: \"not-an-address\" is not an email address"), "{r}");
        assert_eq!(lines[1].0, Some(4));
        assert!(lines[1].1.contains("subscribed_to_emails: must be true or false"), "{r}");
        assert_eq!(lines[2].0, Some(5));
        assert!(lines[2].1.contains("created_at: \"last tuesday\" is not a date"), "{r}");
        assert_eq!(lines[3].0, Some(8), "the line after a value on two lines");
        assert!(lines[3].1.contains("on line 2 already"), "{r}");
        assert_eq!(lines[4].0, Some(9));
        assert!(lines[4].1.contains("stripe_customer_id"), "{r}");
        assert_eq!(lines[5].0, Some(10));
        assert!(lines[5].1.contains("has 2 values but the header names 8"), "{r}");
        assert!(r.to_string().contains("members.csv:3: email:"), "{r}");
        assert_eq!((r.added, r.updated), (1, 1), "{r}");
        assert_eq!(s.member_counts().await.unwrap().total, 3);
        let eve = s.member_by_email("eve@example.org").await.unwrap();
        assert_eq!(eve.name.as_deref(), Some("Eve\non two lines"));
        let ann = s.member_by_email("ann@example.org").await.unwrap();
        assert_eq!(ann.note.as_deref(), Some("met at the fair, 2020"), "kept: {:?}", db.backend());
        assert_eq!(ann.status, MemberStatus::Comped);
        assert!(s.member_by_email("cy@example.org").await.unwrap_err().is_not_found());
    }
}

#[tokio::test]
async fn ghost_columns_are_read_and_a_second_import_updates() {
    for db in databases().await {
        let s = &db.store;
        let r = import(s, "ghost.csv", GOOD.as_bytes(), false, None).await.unwrap();
        assert!(r.errors.is_empty(), "{r}");
        assert_eq!((r.added, r.updated), (2, 0));
        assert_eq!(r.notes.len(), 1);
        assert!(r.notes[0].message.contains("column `tiers`"), "{r}");
        let ann = s.member_by_email("ann@example.org").await.unwrap();
        assert_eq!(ann.labels, ["Press", "VIP"]);
        assert_eq!(ann.stripe_customer_id.as_deref(), Some("cus_A1b2"));
        assert_eq!(ann.created_at.to_rfc3339(), "2020-05-06T07:08:09+00:00");
        assert_eq!((ann.status, ann.grants[0].tier_slug.as_str()), (MemberStatus::Comped, "paid"));
        let bo = s.member_by_email("bo@example.org").await.unwrap();
        assert_eq!(
            (bo.status, bo.created_at.to_rfc3339().as_str()),
            (MemberStatus::Free, "2021-01-02T00:00:00+00:00")
        );

        let again = import(s, "ghost.csv", GOOD.as_bytes(), false, None).await.unwrap();
        assert_eq!((again.added, again.updated), (0, 2));
        assert_eq!(s.member_counts().await.unwrap().total, 2);
        assert_eq!(s.member_by_email("ann@example.org").await.unwrap().grants.len(), 1);
    }
}

#[tokio::test]
async fn a_dry_run_saves_nothing_and_a_file_without_emails_is_refused() {
    for db in databases().await {
        let s = &db.store;
        let r = import(s, "ghost.csv", GOOD.as_bytes(), true, None).await.unwrap();
        assert_eq!((r.valid, r.added), (2, 0));
        assert!(r.to_string().contains("dry run: 2 row(s) would be imported"), "{r}");
        assert_eq!(s.member_counts().await.unwrap().total, 0);
    }
    let (rows, r) = read("names.csv", b"name,note\nAnn,\n");
    assert!(rows.is_empty());
    assert_eq!(r.errors[0].line, Some(1));
    assert!(r.errors[0].message.contains("no `email` column"), "{r}");
    // A byte-order mark (as spreadsheets write) is not part of the first column's name.
    let (rows, r) = read("bom.csv", "\u{feff}email\nann@example.org\n".as_bytes());
    assert_eq!((rows.len(), r.errors.len()), (1, 0), "{r}");
}
