//! Moving out and back, on SQLite and (when configured) PostgreSQL: a Byline JSON export
//! (format version 2: content, members, old addresses, newsletters, comments) restores into
//! an empty publication and exports again byte for byte; version 1 files still import; bad
//! files are named with their line and reason; `--with-media` writes a tar.

mod common;

use byline_import::no_progress;
use byline_store::Store;
use byline_store::testing::databases;
use chrono::Utc;
use common::{get, moved};

/// A new, empty database of the same kind as `db`.
async fn fresh(db: &byline_store::testing::TestDb) -> byline_store::testing::TestDb {
    match db.backend() {
        byline_store::Backend::Sqlite => byline_store::testing::sqlite().await,
        byline_store::Backend::Postgres => {
            byline_store::testing::postgres(&byline_store::testing::postgres_url().unwrap()).await
        }
    }
}

const MEMBERS: &str = "\
email,name,note,subscribed_to_emails,complimentary_plan,stripe_customer_id,labels,created_at
ann@example.org,Ann Reader,\"met at the fair, 2020\",true,true,cus_A1b2,\"Press, VIP\",2020-05-06T07:08:09.000Z
bo@example.org,Bo,,false,false,,,2021-01-02
";

/// Rows in every table format version 2 adds: old addresses, a second newsletter, a send
/// with its recipients, a suppressed address, comments (a reply, a report, a ban).
async fn version_2_rows(s: &Store) {
    use byline_core::newsletters::{NewsletterInput, Segment, SuppressionReason};
    use byline_core::old_address::{AddressTarget, OldAddress};
    use byline_store::{ModerationAction, NewComment, NewSend};
    let actor = byline_core::audit::Actor::command_line();
    let article = s.published_article("armenia-municipal-elections").await.unwrap();
    let kept = [
        OldAddress::new("/?p=7", AddressTarget::Article(article.id)).unwrap(),
        OldAddress::new("/feed/", AddressTarget::SiteFeed).unwrap(),
    ];
    s.record_old_addresses("wordpress", &kept).await.unwrap();
    let weekly = NewsletterInput { name: "Weekly".into(), ..Default::default() };
    s.create_newsletter(&weekly, &actor).await.unwrap();
    let send = NewSend {
        newsletter: "newsletter".into(),
        article_ids: vec![article.id],
        subject: "Elections".into(),
        segment: Segment::All,
    };
    s.create_send(&send, &actor).await.unwrap();
    s.suppress("gone@example.org", SuppressionReason::Bounced, &actor).await.unwrap();
    let members = s.table_rows("member").await.unwrap();
    let id_of = |email: &str| {
        members.iter().find(|m| m["email"] == email).and_then(|m| m["id"].as_i64()).unwrap()
    };
    let (ann, bo) = (id_of("ann@example.org"), id_of("bo@example.org"));
    let comment = |member_id, parent_id, body: &str| NewComment {
        article_id: article.id,
        member_id,
        parent_id,
        body: body.into(),
        client: "192.0.2.1".into(),
    };
    let first = s.post_comment(&comment(ann, None, "Turnout was higher.")).await.unwrap().unwrap();
    s.moderate_comments(&[first.id], ModerationAction::Approve, &actor).await.unwrap();
    let reply = s.post_comment(&comment(bo, Some(first.id), "Source?")).await.unwrap().unwrap();
    s.moderate_comments(&[reply.id], ModerationAction::Approve, &actor).await.unwrap();
    s.report_comment(bo, first.id, "off topic").await.unwrap();
    s.ban_commenter(bo, "spam", None, &actor).await.unwrap();
}

#[tokio::test]
async fn a_json_export_restores_into_an_empty_publication_and_exports_byte_for_byte() {
    use byline_import::json::{ExportFile, import_json};
    for db in databases().await {
        let s = &db.store;
        let r = byline_import::import(s, &byline_import::demo(), Utc::now()).await;
        assert!(r.errors.is_empty(), "{r}");
        let m = byline_import::members_csv::import(s, "m.csv", MEMBERS.as_bytes(), false, None)
            .await
            .unwrap();
        assert!(m.errors.is_empty(), "{m:?}");
        version_2_rows(s).await;
        let (first, report) = byline_export::json_document(s, &no_progress).await.unwrap();
        let rows = |t: &str| report.tables.iter().find(|(n, _)| *n == t).unwrap().1;
        assert_eq!(rows("old_address"), 2);
        assert_eq!(rows("newsletter"), 2);
        assert!(rows("member_newsletter") >= 1);
        assert_eq!(rows("newsletter_send"), 1);
        assert!(rows("newsletter_recipient") >= 1);
        assert_eq!(rows("email_suppression"), 1);
        assert_eq!((rows("comment"), rows("comment_report"), rows("commenter")), (2, 1, 1));
        assert_eq!(rows("article"), 30);
        assert!(rows("article_revision") >= 30);
        assert_eq!(rows("member"), 2);
        assert_eq!(rows("member_label"), 2);
        assert!(rows("member_tier") >= 1);
        let text = String::from_utf8(first.clone()).unwrap();
        assert!(text.starts_with("{\n\"format\": \"byline\",\n\"version\": 2,"), "{}", &text[..80]);
        for secret in ["password_hash", "token_hash", "member_pass"] {
            assert!(!text.contains(secret), "{secret} must stay out");
        }

        // Into an empty publication: the same file again, and the same pages.
        let other = fresh(&db).await;
        let file = ExportFile { document: first.clone(), media: Vec::new() };
        let restored = import_json(&other.store, "x.json", &file, None, false).await.unwrap();
        assert_eq!(restored.articles.created, 30, "{restored}");
        let (second, _) = byline_export::json_document(&other.store, &no_progress).await.unwrap();
        assert!(first == second, "export → import → export must give the same bytes");
        for path in ["/", "/articles/armenia-municipal-elections/", "/regions/europe/", "/about/"] {
            assert_eq!(get(s, path).await, get(&other.store, path).await, "{path}");
        }
        // The comments show, and the old address leads on, after the restore too.
        let page = get(&other.store, "/articles/armenia-municipal-elections/").await.1;
        assert!(page.contains("Turnout was higher.") && page.contains("Source?"));
        assert_eq!(moved(&other.store, "/?p=7").await, "/articles/armenia-municipal-elections/");

        // A version 1 file (the tables it had) still imports, and keeps the new
        // publication's own newsletter.
        let v1 = version_1_of(&first);
        let older = fresh(&db).await;
        let file1 = ExportFile { document: v1, media: Vec::new() };
        let r1 = import_json(&older.store, "v1.json", &file1, None, false).await.unwrap();
        assert_eq!(r1.articles.created, 30, "{r1}");
        assert_eq!(older.store.newsletters().await.unwrap().len(), 1);
        // New rows after a restore get new ids (PostgreSQL's sequences moved on).
        let again = byline_import::import(&other.store, &byline_import::demo(), Utc::now()).await;
        assert_eq!(again.total().failed, 0, "{again}");

        // A publication with content is refused, with what it holds.
        let refused = import_json(&other.store, "x.json", &file, None, false).await.unwrap_err();
        assert!(
            refused.message.contains("not empty") && refused.message.contains("article"),
            "{refused}"
        );

        // A dry run checks everything inside a transaction it rolls back.
        let dry_db = fresh(&db).await;
        let dry = import_json(&dry_db.store, "x.json", &file, None, true).await.unwrap();
        assert!(dry.dry_run && dry.articles.created == 30);
        assert!(dry_db.store.holds_content().await.unwrap().is_empty());
    }
}

/// The document with only format version 1's tables, as version 1.
fn version_1_of(doc: &[u8]) -> Vec<u8> {
    let text = std::str::from_utf8(doc).unwrap().replacen("\"version\": 2,", "\"version\": 1,", 1);
    let cut = text.find("\n\"old_address\": [").expect("old_address follows media");
    // Drop the `,` that ends media's list and everything after it, then close the document.
    let head = text[..cut].trim_end_matches(',');
    format!("{head}\n}}\n}}\n").into_bytes()
}

#[tokio::test]
async fn bad_export_files_are_named_with_their_line_and_reason() {
    use byline_import::json::parse;
    let e = parse("x.json", b"{\n\"format\": \"byline\",\n\"version\": 1,\n\"tables\": {\n\"author\": [\n{\"id\": 1,}\n]}}")
        .unwrap_err();
    assert_eq!(e.line, Some(6), "{e}");
    let e = parse("x.json", b"{\n\"format\": \"byline\",\n\"version\": 3,\n\"tables\": {}}")
        .unwrap_err();
    assert_eq!(e.line, Some(3));
    assert!(e.message.contains("version 3"), "{e}");
    // Version 1 had no comments: a version 1 file that has them is refused.
    let e = parse(
        "x.json",
        b"{\n\"format\": \"byline\",\n\"version\": 1,\n\"tables\": {\n\"comment\": []}}",
    )
    .unwrap_err();
    assert!(e.message.contains("format version 1 does not have"), "{e}");
    let e = parse("x.json", b"{\"format\": \"ghost\"}").unwrap_err();
    assert!(e.message.contains("not a Byline export"), "{e}");
    let e = parse(
        "x.json",
        b"{\n\"format\": \"byline\",\n\"version\": 1,\n\"tables\": {\n\"comments\": []}}",
    )
    .unwrap_err();
    assert_eq!(e.line, Some(5));
    for db in databases().await {
        // A row the database refuses: nothing at all is restored.
        let doc = b"{\"format\": \"byline\", \"version\": 1, \"tables\": {\"author\": [{\"id\": 1, \"slug\": \"a\"}]}}";
        let file = byline_import::json::ExportFile { document: doc.to_vec(), media: Vec::new() };
        let e = byline_import::json::import_json(&db.store, "x.json", &file, None, false)
            .await
            .unwrap_err();
        assert!(e.message.contains("author[0]"), "{e}");
        assert!(db.store.holds_content().await.unwrap().is_empty());
        assert_eq!(
            db.store.taxonomies().await.unwrap().len(),
            byline_core::taxonomy::DEFAULT_TAXONOMIES.len()
        );
    }
}

#[tokio::test]
async fn with_media_the_export_is_a_tar_of_the_document_and_the_files() {
    for db in databases().await {
        let s = &db.store;
        byline_import::import(s, &byline_import::demo(), Utc::now()).await;
        let dir = tempfile::tempdir().unwrap();
        let media = byline_media::MediaStorage::local(&dir.path().join("media")).unwrap();
        media.put("0123456789abcdef/480w.jpg", "small".into()).await.unwrap();
        let file = dir.path().join("out.tar");
        let r = byline_export::export_json(s, &file, Some(&media), &no_progress).await.unwrap();
        assert_eq!(r.media_files, 1);
        let bytes = std::fs::read(&file).unwrap();
        let unpacked = byline_import::json::unpack("out.tar", bytes).unwrap();
        let (doc, _) = byline_export::json_document(s, &no_progress).await.unwrap();
        assert!(unpacked.document == doc);
        assert_eq!(unpacked.media, [("0123456789abcdef/480w.jpg".to_owned(), b"small".to_vec())]);
        let other = fresh(&db).await;
        let into = tempfile::tempdir().unwrap();
        let target = byline_media::MediaStorage::local(into.path()).unwrap();
        byline_import::json::import_json(&other.store, "out.tar", &unpacked, Some(&target), false)
            .await
            .unwrap();
        assert_eq!(target.get("0123456789abcdef/480w.jpg").await.unwrap().unwrap(), "small");
        if std::process::Command::new("tar").arg("--version").output().is_ok() {
            let listed = std::process::Command::new("tar").arg("-tf").arg(&file).output().unwrap();
            let names = String::from_utf8_lossy(&listed.stdout);
            assert!(
                names.contains("byline.json") && names.contains("media/0123456789abcdef/480w.jpg"),
                "{names}"
            );
        }
    }
}
