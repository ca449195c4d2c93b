//! Test support: a fresh, migrated database per test, on SQLite always and on PostgreSQL when
//! `BYLINE_TEST_POSTGRES_URL` names a server. With `CI` set, a missing PostgreSQL URL fails
//! the test instead of skipping that backend, so CI cannot pass on SQLite alone.

use crate::{Backend, Store};

/// One test database. SQLite files live in a temporary folder removed on drop; PostgreSQL
/// databases are created with a unique name (and left for the server's owner to drop).
pub struct TestDb {
    pub store: Store,
    pub url: String,
    _dir: Option<tempfile::TempDir>,
}

impl TestDb {
    pub fn backend(&self) -> Backend {
        self.store.backend()
    }
}

/// The PostgreSQL server tests should use, if any. Panics in CI when none is set.
pub fn postgres_url() -> Option<String> {
    match std::env::var("BYLINE_TEST_POSTGRES_URL") {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ if std::env::var_os("CI").is_some() => {
            panic!(
                "CI is set but BYLINE_TEST_POSTGRES_URL is not: the PostgreSQL suite would be skipped"
            )
        }
        _ => None,
    }
}

/// A fresh migrated SQLite database.
pub async fn sqlite() -> TestDb {
    let db = sqlite_unmigrated().await;
    db.store.migrate().await.expect("migrate SQLite");
    db
}

/// A fresh SQLite database with no schema yet.
pub async fn sqlite_unmigrated() -> TestDb {
    let dir = tempfile::tempdir().expect("temporary folder");
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("byline.db").display());
    let store = Store::connect(&url).await.expect("open SQLite");
    TestDb { store, url, _dir: Some(dir) }
}

/// A fresh migrated PostgreSQL database on the server `BYLINE_TEST_POSTGRES_URL` names.
pub async fn postgres(server_url: &str) -> TestDb {
    let db = postgres_unmigrated(server_url).await;
    db.store.migrate().await.expect("migrate PostgreSQL");
    db
}

/// A fresh PostgreSQL database with no schema yet.
pub async fn postgres_unmigrated(server_url: &str) -> TestDb {
    use sea_orm::{ConnectionTrait, Database};
    let name = format!("byline_test_{}", uuid::Uuid::new_v4().simple());
    let admin = Database::connect(server_url)
        .await
        .unwrap_or_else(|e| panic!("BYLINE_TEST_POSTGRES_URL is set but unreachable: {e}"));
    admin
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await
        .expect("create test database");
    admin.close().await.ok();
    let mut url = url::Url::parse(server_url).expect("BYLINE_TEST_POSTGRES_URL is a URL");
    url.set_path(&name);
    let url = url.to_string();
    let store = Store::connect(&url).await.expect("open PostgreSQL");
    TestDb { store, url, _dir: None }
}

/// Every backend a test should run on: SQLite, then PostgreSQL when configured.
pub async fn databases() -> Vec<TestDb> {
    let mut dbs = vec![sqlite().await];
    match postgres_url() {
        Some(url) => dbs.push(postgres(&url).await),
        None => eprintln!("note: BYLINE_TEST_POSTGRES_URL is not set; PostgreSQL not tested"),
    }
    dbs
}
