//! The change log as caches read it: a change committed after a later one was read is still
//! seen. On PostgreSQL ids are handed out before commit, so an open transaction leaves a gap
//! that a reader must not step over.

use byline_store::testing::{postgres, postgres_url};
use sea_orm::{ConnectionTrait, Database, TransactionTrait};

const LOG: &str = "INSERT INTO change_log (tags, at) VALUES";

#[tokio::test]
async fn a_change_committed_late_is_not_skipped() {
    let Some(server) = postgres_url() else {
        eprintln!("note: BYLINE_TEST_POSTGRES_URL is not set; PostgreSQL not tested");
        return;
    };
    let db = postgres(&server).await;
    let start = db.store.change_cursor().await.unwrap();

    // A writer takes the next id and has not committed yet; another commits after it.
    let slow = Database::connect(&db.url).await.unwrap();
    let open = slow.begin().await.unwrap();
    open.execute_unprepared(&format!("{LOG} ('article:901', now())")).await.unwrap();
    let quick = Database::connect(&db.url).await.unwrap();
    quick.execute_unprepared(&format!("{LOG} ('article:902', now())")).await.unwrap();

    let seen = db.store.changes_since(start).await.unwrap();
    assert_eq!(seen.tags, ["article:902"]);
    assert_eq!(seen.cursor, start, "the cursor waits before the open transaction's id");

    open.commit().await.unwrap();
    let late = db.store.changes_since(seen.cursor).await.unwrap();
    assert!(late.tags.contains(&"article:901".to_owned()), "{late:?}");
    assert_eq!(late.cursor, start + 2, "both settled: the cursor moves past them");

    // A rolled-back write leaves a gap for good; once it is old, readers pass it.
    let gone = slow.begin().await.unwrap();
    gone.execute_unprepared(&format!("{LOG} ('article:903', now())")).await.unwrap();
    gone.rollback().await.unwrap();
    quick
        .execute_unprepared(&format!("{LOG} ('article:904', now() - interval '1 hour')"))
        .await
        .unwrap();
    let after = db.store.changes_since(late.cursor).await.unwrap();
    assert_eq!(after.tags, ["article:904"]);
    assert_eq!(after.cursor, start + 4, "an old gap is a rolled-back write");
}
