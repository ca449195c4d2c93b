//! Staff sessions for tower-sessions, kept in the publication's database: they survive a
//! restart and every node behind a load balancer sees the same ones.

use byline_store::Store;
use chrono::{DateTime, Utc};
use tower_sessions::cookie::time::OffsetDateTime;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, SessionStore};

/// How long a session lasts without use.
pub const IDLE_DAYS: i64 = 14;

#[derive(Debug, Clone)]
pub struct DbSessions(pub Store);

fn backend(e: impl std::fmt::Display) -> session_store::Error {
    session_store::Error::Backend(e.to_string())
}

fn expiry(record: &Record) -> DateTime<Utc> {
    DateTime::from_timestamp(record.expiry_date.unix_timestamp(), 0).unwrap_or_else(Utc::now)
}

fn encode(record: &Record) -> session_store::Result<String> {
    serde_json::to_string(&record.data).map_err(|e| session_store::Error::Encode(e.to_string()))
}

#[async_trait::async_trait]
impl SessionStore for DbSessions {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        let data = encode(record)?;
        // A fresh id until one is free: ids are 128 random bits, so this loops once.
        while !self
            .0
            .create_session(&record.id.to_string(), &data, expiry(record))
            .await
            .map_err(backend)?
        {
            record.id = Id::default();
        }
        Ok(())
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        self.0
            .save_session(&record.id.to_string(), &encode(record)?, expiry(record))
            .await
            .map_err(backend)
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let Some(text) = self.0.session(&id.to_string()).await.map_err(backend)? else {
            return Ok(None);
        };
        let data =
            serde_json::from_str(&text).map_err(|e| session_store::Error::Decode(e.to_string()))?;
        // The stored expiry was checked by the query; the manager sets the next one.
        let expiry_date =
            OffsetDateTime::now_utc() + tower_sessions::cookie::time::Duration::days(IDLE_DAYS);
        Ok(Some(Record { id: *id, data, expiry_date }))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        self.0.delete_session(&id.to_string()).await.map_err(backend)
    }
}
