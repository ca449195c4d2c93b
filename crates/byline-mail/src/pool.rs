//! SMTP connections kept open between messages, at most one per message on the wire.
//!
//! lettre's own pool connects with Nagle's algorithm on, and lettre writes a message's
//! closing `.` as a write of its own after the body: the small write waits for the
//! server's delayed acknowledgement of the body, about 40 ms a message. On loopback that
//! held a send to 83 messages/s over four connections, against 10,000 for Postfix's
//! `smtp-source` (bench/README.md, "Newsletter"). The connections made here set
//! `TCP_NODELAY`, so a message costs its round trips and nothing more.
//!
//! When the server advertises `PIPELINING` (RFC 2920), a message's `MAIL FROM`, `RCPT TO`
//! and `DATA` go in one write and their answers are read after, each checked in order:
//! two round trips a message (envelope, content) instead of four, as `smtp-source` does.
//! A connection whose answer was not a success is closed, so no answer is ever left unread.
//!
//! Implicit TLS (`smtp_tls = "tls"`) still connects through lettre, which owns that
//! handshake; the plain and STARTTLS connections (the usual port 587) are made here.

use crate::deliver::{DeliverySettings, Tls};
use lettre::address::Envelope;
use lettre::transport::smtp::Error as SmtpError;
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{AsyncSmtpConnection, TlsParameters};
use lettre::transport::smtp::commands::{Data, Ehlo, Mail, Rcpt};
use lettre::transport::smtp::extension::{ClientId, Extension, MailBodyParameter, MailParameter};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
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
    Smtp(SmtpError),
}

pub(crate) struct Pool {
    host: String,
    port: u16,
    tls: Tls,
    credentials: Option<Credentials>,
    timeout: Duration,
    hello: ClientId,
    idle: Mutex<Vec<(Connection, Instant)>>,
}

/// What a message waits for before its content goes (after which the server may accept it):
/// a place among the accepted messages whose answers are not yet recorded. The place taken
/// stays in `held` until whoever records the answer drops it.
#[derive(Default)]
pub(crate) struct Gate {
    pub(crate) places: Option<Arc<Semaphore>>,
    pub(crate) held: Option<OwnedSemaphorePermit>,
}

impl Gate {
    async fn pass(&mut self) {
        if let (Some(places), None) = (&self.places, &self.held) {
            self.held = places.clone().acquire_owned().await.ok();
        }
    }
}

/// An open connection, and whether its server takes pipelined commands.
struct Connection {
    smtp: AsyncSmtpConnection,
    pipelining: bool,
}

/// A message's envelope as one write: `MAIL FROM`, each `RCPT TO`, `DATA`.
struct EnvelopeCommands<'a>(&'a Mail, &'a [Rcpt]);

impl std::fmt::Display for EnvelopeCommands<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)?;
        for rcpt in self.1 {
            write!(f, "{rcpt}")?;
        }
        write!(f, "{Data}")
    }
}

/// The envelope in one write, then its answers in order (MAIL's, each RCPT's, DATA's 354),
/// then the content and its answer; the first refusal ends it.
async fn pipelined(
    smtp: &mut AsyncSmtpConnection,
    mail: &Mail,
    rcpts: &[Rcpt],
    message: &[u8],
    gate: &mut Gate,
) -> Result<(), SmtpError> {
    smtp.command(EnvelopeCommands(mail, rcpts)).await?;
    for _ in rcpts {
        smtp.read_response().await?;
    }
    smtp.read_response().await?;
    gate.pass().await;
    smtp.message(message).await?;
    Ok(())
}

impl Connection {
    /// Sends one message; on any answer but a success the connection is closed (as lettre
    /// does), so a later message never reads an answer meant for this one.
    async fn send(
        &mut self,
        envelope: &Envelope,
        message: &[u8],
        gate: &mut Gate,
    ) -> Result<(), SmtpError> {
        let smtp = &mut self.smtp;
        let eight_bit = !message.is_ascii();
        let plain = !self.pipelining
            || envelope
                .from()
                .into_iter()
                .chain(envelope.to())
                .any(|a| !AsRef::<str>::as_ref(a).is_ascii())
            || (eight_bit && !smtp.server_info().supports_feature(Extension::EightBitMime));
        if plain {
            // lettre's own exchange, one command at a time (and its refusals of what the
            // server cannot take).
            gate.pass().await;
            return smtp.send(envelope, message).await.map(|_| ());
        }
        let mut params = Vec::new();
        if eight_bit {
            params.push(MailParameter::Body(MailBodyParameter::EightBitMime));
        }
        let mail = Mail::new(envelope.from().cloned(), params);
        let rcpts: Vec<Rcpt> = envelope.to().iter().map(|a| Rcpt::new(a.clone(), vec![])).collect();
        match pipelined(smtp, &mail, &rcpts, message, gate).await {
            Ok(()) => Ok(()),
            Err(e) => {
                smtp.abort().await;
                Err(e)
            }
        }
    }
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

    async fn connect(&self) -> Result<Connection, Failure> {
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
        // lettre keeps no word of PIPELINING from its greeting: ask again (EHLO may be
        // repeated; it resets no more than RSET), before signing in.
        let hello = conn.command(Ehlo::new(self.hello.clone())).await.map_err(Failure::Smtp)?;
        let pipelining =
            hello.message().any(|line| line.split_whitespace().next() == Some("PIPELINING"));
        if let Some(c) = &self.credentials {
            conn.auth(&[Mechanism::Plain, Mechanism::Login], c).await.map_err(Failure::Smtp)?;
        }
        Ok(Connection { smtp: conn, pipelining })
    }

    /// An open connection that still answers, if one is idle.
    async fn take_idle(&self) -> Option<Connection> {
        loop {
            let (mut conn, since) = self.idle.lock().expect("the pool's lock").pop()?;
            let idle = since.elapsed();
            if idle > MAX_IDLE {
                conn.smtp.abort().await;
                continue;
            }
            if idle < CHECK_AFTER_IDLE || conn.smtp.test_connected().await {
                return Some(conn);
            }
            conn.smtp.abort().await;
        }
    }

    fn give_back(&self, conn: Connection) {
        if !conn.smtp.has_broken() {
            self.idle.lock().expect("the pool's lock").push((conn, Instant::now()));
        }
    }

    /// Sends one message on an idle connection or a new one, its content only once it
    /// passed `gate`; the connection goes back to the pool unless it broke.
    pub(crate) async fn send(
        &self,
        envelope: &Envelope,
        message: &[u8],
        gate: &mut Gate,
    ) -> Result<(), Failure> {
        let mut conn = match self.take_idle().await {
            Some(conn) => conn,
            None => tokio::time::timeout(self.timeout, self.connect())
                .await
                .map_err(|_| self.unreachable(format!("no answer within {:?}", self.timeout)))??,
        };
        match tokio::time::timeout(self.timeout, conn.send(envelope, message, gate)).await {
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
