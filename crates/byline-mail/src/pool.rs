//! SMTP connections kept open between messages, at most one per message on the wire.
//!
//! lettre's own pool connects with Nagle's algorithm on, and lettre writes a message's
//! closing `.` as a write of its own after the body: the small write waits for the
//! server's delayed acknowledgement of the body, about 40 ms a message. On loopback that
//! held a send to 83 messages/s over four connections, against 10,000 for Postfix's
//! `smtp-source` (bench/README.md, "Newsletter"). The connections made here set
//! `TCP_NODELAY`, so a message costs its round trips and nothing more.
//!
//! Implicit TLS (`smtp_tls = "tls"`) still connects through lettre, which owns that
//! handshake; the plain and STARTTLS connections (the usual port 587) are made here.

use crate::deliver::{DeliverySettings, Tls};
use lettre::address::Envelope;
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{AsyncSmtpConnection, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use std::sync::Mutex;
use std::time::Duration;
use tokio::time::Instant;

/// A connection idle for longer than this is asked `NOOP` before it carries a message.
const CHECK_AFTER_IDLE: Duration = Duration::from_secs(5);
/// A connection idle for longer than this is closed rather than used.
const MAX_IDLE: Duration = Duration::from_secs(30);

/// Why a message did not go.
pub(crate) enum Failure {
    /// The server could not be reached, or stopped answering: nothing is known to have
    /// been delivered.
    Unreachable(String),
    /// What lettre reported, with the server's answer when there was one.
    Smtp(lettre::transport::smtp::Error),
}

pub(crate) struct Pool {
    host: String,
    port: u16,
    tls: Tls,
    credentials: Option<Credentials>,
    timeout: Duration,
    hello: ClientId,
    idle: Mutex<Vec<(AsyncSmtpConnection, Instant)>>,
}

impl Pool {
    pub(crate) fn new(s: &DeliverySettings, timeout: Duration) -> Pool {
        Pool {
            host: s.host.clone(),
            port: s.port,
            tls: s.tls,
            credentials: s
                .username
                .as_ref()
                .map(|u| Credentials::new(u.clone(), s.password.clone().unwrap_or_default())),
            timeout,
            hello: ClientId::default(),
            idle: Mutex::new(Vec::new()),
        }
    }

    fn unreachable(&self, why: impl std::fmt::Display) -> Failure {
        Failure::Unreachable(format!(
            "the SMTP server {}:{} cannot be reached: {why}",
            self.host, self.port
        ))
    }

    async fn connect(&self) -> Result<AsyncSmtpConnection, Failure> {
        let tls = || TlsParameters::new(self.host.clone()).map_err(Failure::Smtp);
        let mut conn = if self.tls == Tls::Tls {
            let at = (self.host.as_str(), self.port);
            AsyncSmtpConnection::connect_tokio1(
                at,
                Some(self.timeout),
                &self.hello,
                Some(tls()?),
                None,
            )
            .await
            .map_err(Failure::Smtp)?
        } else {
            let connecting = tokio::net::TcpStream::connect((self.host.as_str(), self.port));
            let tcp = tokio::time::timeout(self.timeout, connecting)
                .await
                .map_err(|_| self.unreachable(format!("no answer within {:?}", self.timeout)))?
                .map_err(|e| self.unreachable(e))?;
            tcp.set_nodelay(true).map_err(|e| self.unreachable(e))?;
            let mut conn = AsyncSmtpConnection::connect_with_transport(Box::new(tcp), &self.hello)
                .await
                .map_err(Failure::Smtp)?;
            if self.tls == Tls::Starttls {
                conn.starttls(tls()?, &self.hello).await.map_err(Failure::Smtp)?;
            }
            conn
        };
        if let Some(c) = &self.credentials {
            conn.auth(&[Mechanism::Plain, Mechanism::Login], c).await.map_err(Failure::Smtp)?;
        }
        Ok(conn)
    }

    /// An open connection that still answers, if one is idle.
    async fn take_idle(&self) -> Option<AsyncSmtpConnection> {
        loop {
            let (mut conn, since) = self.idle.lock().expect("the pool's lock").pop()?;
            let idle = since.elapsed();
            if idle > MAX_IDLE {
                conn.abort().await;
                continue;
            }
            if idle < CHECK_AFTER_IDLE || conn.test_connected().await {
                return Some(conn);
            }
            conn.abort().await;
        }
    }

    fn give_back(&self, conn: AsyncSmtpConnection) {
        if !conn.has_broken() {
            self.idle.lock().expect("the pool's lock").push((conn, Instant::now()));
        }
    }

    /// Sends one message on an idle connection or a new one; the connection goes back to
    /// the pool unless it broke.
    pub(crate) async fn send(&self, envelope: &Envelope, message: &[u8]) -> Result<(), Failure> {
        let mut conn = match self.take_idle().await {
            Some(conn) => conn,
            None => tokio::time::timeout(self.timeout, self.connect())
                .await
                .map_err(|_| self.unreachable(format!("no answer within {:?}", self.timeout)))??,
        };
        match tokio::time::timeout(self.timeout, conn.send(envelope, message)).await {
            Ok(Ok(_)) => {
                self.give_back(conn);
                Ok(())
            }
            Ok(Err(e)) => {
                self.give_back(conn);
                Err(Failure::Smtp(e))
            }
            Err(_) => Err(self.unreachable(format!("no answer within {:?}", self.timeout))),
        }
    }
}
