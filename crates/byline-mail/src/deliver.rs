//! Delivery over SMTP: a pool of connections (as many as the concurrency), a rate limit
//! across them, the list headers (RFC 2369 `List-Unsubscribe` with an https URL and a
//! mailto, RFC 8058 `List-Unsubscribe-Post`, RFC 2919 `List-Id`), a unique `Message-ID`, and
//! DKIM signing when a key is set. Each outcome says what the store should do with the
//! recipient: sent, retry later, bounced (suppress), failed, or the server is unreachable.

use crate::pool::{Failure, Gate, Pool};
use lettre::Message;
use lettre::message::dkim::{DkimConfig, DkimSigningAlgorithm, DkimSigningKey};
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{IntoBody, Mailbox, MultiPart};
use lettre::transport::smtp::client::TlsParameters;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Mutex, OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

/// How the SMTP connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tls {
    None,
    #[default]
    Starttls,
    Tls,
}

/// A DKIM key: the selector, the domain it signs for, and the private key (PEM, RSA or
/// Ed25519 as lettre reads them).
#[derive(Clone)]
pub struct Dkim {
    pub selector: String,
    pub domain: String,
    pub private_key: String,
}

impl std::fmt::Debug for Dkim {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Dkim({}._domainkey.{}, key hidden)", self.selector, self.domain)
    }
}

/// Where and how newsletters are sent.
#[derive(Clone, Debug)]
pub struct DeliverySettings {
    pub host: String,
    pub port: u16,
    pub tls: Tls,
    pub username: Option<String>,
    pub password: Option<String>,
    /// The default sender, e.g. `The Review <news@example.org>`.
    pub from: String,
    /// Messages on the wire at once (and SMTP connections kept).
    pub concurrency: usize,
    /// Messages a second at most; 0: as fast as the server takes them.
    pub rate: u32,
    pub dkim: Option<Dkim>,
}

/// One message to one recipient. Its bodies are text to encode (`String`) or bodies
/// encoded already (lettre's `Body`, as a send's messages are: `encode::EncodedIssue`).
#[derive(Debug, Clone)]
pub struct Outgoing<B = String> {
    pub from: Mailbox,
    pub reply_to: Option<Mailbox>,
    pub to: String,
    pub subject: String,
    pub html: B,
    pub text: B,
    /// The https one-click address and the mailto, for `List-Unsubscribe`.
    pub unsubscribe_url: String,
    pub unsubscribe_mailto: String,
    /// `Name <slug.domain>` for `List-Id`.
    pub list_id: String,
    /// The domain of the `Message-ID`.
    pub domain: String,
}

/// What became of one message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The server accepted it.
    Sent,
    /// A temporary refusal (4xx) or a connection lost mid-message: try again later.
    Retry(String),
    /// The server refused the address for good (5xx on the recipient).
    Bounced(String),
    /// The message cannot be sent as it is (a bad address, a message the server refuses).
    Failed(String),
    /// The server could not be reached at all: nothing was sent; wait and try again.
    Unreachable(String),
}

/// Sends newsletters. Cheap to clone; clones share the pool, the rate limit and the
/// concurrency, so several sends (or several delivery jobs of one send) on one node never
/// put more than `concurrency` messages on the wire at once.
#[derive(Clone)]
pub struct Delivery {
    pool: Arc<Pool>,
    pub settings: Arc<DeliverySettings>,
    dkim: Option<Arc<DkimConfig>>,
    next_slot: Arc<Mutex<Instant>>,
    on_the_wire: Arc<Semaphore>,
    /// Places for messages of a send that the server may have accepted but whose answers
    /// are not yet recorded: what a crash can send twice.
    unrecorded: Arc<Semaphore>,
}

impl std::fmt::Debug for Delivery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Delivery({}:{})", self.settings.host, self.settings.port)
    }
}

impl Delivery {
    /// A delivery; errors name the setting that is wrong. Call it inside a Tokio runtime: the
    /// connection pool starts its cleanup task when it is built.
    pub fn new(s: DeliverySettings) -> Result<Self, String> {
        if s.tls != Tls::None {
            TlsParameters::new(s.host.clone())
                .map_err(|e| format!("smtp_host {:?}: {e}", s.host))?;
        }
        let concurrency = s.concurrency.clamp(1, 256);
        s.from
            .parse::<Mailbox>()
            .map_err(|e| format!("smtp_from {:?} is not an address: {e}", s.from))?;
        let dkim = match &s.dkim {
            None => None,
            Some(d) => {
                let algorithm = if d.private_key.contains("RSA") || d.private_key.len() > 200 {
                    DkimSigningAlgorithm::Rsa
                } else {
                    DkimSigningAlgorithm::Ed25519
                };
                let key = DkimSigningKey::new(&d.private_key, algorithm)
                    .map_err(|e| format!("dkim_private_key cannot be read as a PEM key: {e}"))?;
                Some(Arc::new(DkimConfig::default_config(
                    d.selector.clone(),
                    d.domain.clone(),
                    key,
                )))
            }
        };
        Ok(Delivery {
            pool: Arc::new(Pool::new(&s, Duration::from_secs(30))),
            settings: Arc::new(DeliverySettings { concurrency, ..s }),
            dkim,
            next_slot: Arc::new(Mutex::new(Instant::now())),
            on_the_wire: Arc::new(Semaphore::new(concurrency)),
            unrecorded: Arc::new(Semaphore::new(concurrency)),
        })
    }

    /// The default sender.
    pub fn from(&self) -> Mailbox {
        self.settings
            .from
            .parse()
            .unwrap_or_else(|_| "byline@localhost".parse().expect("an address"))
    }

    /// Waits for this message's turn under the rate limit.
    async fn pace(&self) {
        if self.settings.rate == 0 {
            return;
        }
        let gap = Duration::from_secs_f64(1.0 / self.settings.rate as f64);
        let at = {
            let mut next = self.next_slot.lock().await;
            let now = Instant::now();
            let at = (*next).max(now);
            *next = at + gap;
            at
        };
        tokio::time::sleep_until(at).await;
    }

    /// Builds the message (signed when DKIM is set); `Err` for a message that cannot be.
    pub fn build<B: IntoBody + Clone>(&self, m: &Outgoing<B>) -> Result<Message, String> {
        let to: Mailbox = m.to.parse().map_err(|e| format!("{:?} is not an address: {e}", m.to))?;
        let id = format!("<{}@{}>", uuid::Uuid::new_v4().simple(), m.domain);
        let mut b =
            Message::builder().from(m.from.clone()).to(to).subject(&m.subject).message_id(Some(id));
        if let Some(r) = &m.reply_to {
            b = b.reply_to(r.clone());
        }
        let header = |name: &'static str, value: String| {
            HeaderValue::new(HeaderName::new_from_ascii_str(name), value)
        };
        b = b
            .raw_header(header(
                "List-Unsubscribe",
                format!("<{}>, <{}>", m.unsubscribe_url, m.unsubscribe_mailto),
            ))
            .raw_header(header("List-Unsubscribe-Post", "List-Unsubscribe=One-Click".into()))
            .raw_header(header("List-Id", m.list_id.clone()));
        let mut message = b
            .multipart(MultiPart::alternative_plain_html(m.text.clone(), m.html.clone()))
            .map_err(|e| format!("the message cannot be built: {e}"))?;
        if let Some(dkim) = &self.dkim {
            message.sign(dkim);
        }
        Ok(message)
    }

    /// Sends one message and says what became of it.
    pub async fn send<B: IntoBody + Clone>(&self, m: &Outgoing<B>) -> Outcome {
        self.send_through(m, &mut Gate::default()).await
    }

    /// Sends one message of a send, whose answer the send's job records. Its content goes
    /// only once it has a place among this node's accepted messages not yet recorded (as
    /// many as the concurrency); the place is returned with the outcome and must be kept
    /// until the answer is recorded. So the job can make and start the next messages while
    /// it records the last ones, and a crash still sends no more than the concurrency twice.
    pub(crate) async fn send_recorded<B: IntoBody + Clone>(
        &self,
        m: &Outgoing<B>,
    ) -> (Outcome, Option<OwnedSemaphorePermit>) {
        let mut gate = Gate { places: Some(self.unrecorded.clone()), held: None };
        let outcome = self.send_through(m, &mut gate).await;
        (outcome, gate.held)
    }

    async fn send_through<B: IntoBody + Clone>(&self, m: &Outgoing<B>, gate: &mut Gate) -> Outcome {
        let message = match self.build(m) {
            Ok(message) => message,
            Err(e) => return Outcome::Failed(e),
        };
        let Ok(_turn) = self.on_the_wire.acquire().await else {
            return Outcome::Unreachable("the delivery is shutting down".into());
        };
        self.pace().await;
        match self.pool.send(message.envelope(), &message.formatted(), gate).await {
            Ok(()) => Outcome::Sent,
            Err(Failure::Smtp(e)) => classify(&e, &self.settings),
            Err(Failure::Unreachable(why)) => Outcome::Unreachable(why),
        }
    }
}

/// What an SMTP error means for the recipient.
fn classify(e: &lettre::transport::smtp::Error, s: &DeliverySettings) -> Outcome {
    let text = e.to_string();
    if e.is_permanent() {
        // 5xx: the server will never take this message for this address; the rule
        // is to suppress the address.
        Outcome::Bounced(text)
    } else if e.is_transient() || e.is_response() {
        // 4xx, or an answer that is neither: try again later.
        Outcome::Retry(text)
    } else if e.is_client() {
        Outcome::Failed(text)
    } else {
        // Connecting, TLS, timeouts: the server, not the recipient.
        Outcome::Unreachable(format!(
            "the SMTP server {}:{} cannot be reached: {}",
            s.host,
            s.port,
            source_chain(e)
        ))
    }
}

fn source_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut cur = e.source();
    while let Some(s) = cur {
        out.push_str(": ");
        out.push_str(&s.to_string());
        cur = s.source();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(dkim: Option<Dkim>) -> DeliverySettings {
        DeliverySettings {
            host: "127.0.0.1".into(),
            port: 2525,
            tls: Tls::None,
            username: None,
            password: None,
            from: "The Review <desk@example.org>".into(),
            concurrency: 2,
            rate: 0,
            dkim,
        }
    }

    fn outgoing(d: &Delivery) -> Outgoing {
        Outgoing {
            from: d.from(),
            reply_to: Some("letters@example.org".parse().unwrap()),
            to: "reader@example.org".into(),
            subject: "The dispatch".into(),
            html: "<p>Hello</p>".into(),
            text: "Hello".into(),
            unsubscribe_url: "https://example.org/newsletters/unsubscribe/?m=u&t=t".into(),
            unsubscribe_mailto: "mailto:desk@example.org?subject=unsubscribe".into(),
            list_id: "Newsletter <newsletter.example.org>".into(),
            domain: "example.org".into(),
        }
    }

    /// The message as sent, its folded header lines unfolded (RFC 5322 2.2.3).
    fn text(m: &Message) -> String {
        String::from_utf8(m.formatted()).unwrap().replace("\r\n ", " ").replace("\r\n\t", " ")
    }

    // lettre's connection pool starts its cleanup task when it is built, so a delivery is made
    // inside a Tokio runtime, as it is in the server and the CLI.
    #[tokio::test]
    async fn messages_carry_the_list_headers_and_a_unique_id() {
        let d = Delivery::new(settings(None)).unwrap();
        let a = text(&d.build(&outgoing(&d)).unwrap());
        let b = text(&d.build(&outgoing(&d)).unwrap());
        assert!(a.contains("List-Unsubscribe: <https://example.org/newsletters/unsubscribe/?m=u&t=t>, <mailto:desk@example.org?subject=unsubscribe>"), "{a}");
        assert!(a.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"));
        assert!(a.contains("List-Id: Newsletter <newsletter.example.org>"));
        assert!(a.contains("Reply-To: letters@example.org"));
        assert!(a.contains("multipart/alternative"));
        let id = |t: &str| t.lines().find(|l| l.starts_with("Message-ID:")).unwrap().to_owned();
        assert!(id(&a).ends_with("@example.org>"));
        assert_ne!(id(&a), id(&b));
        assert!(!a.contains("DKIM-Signature"));
        let bad = Outgoing { to: "not an address".into(), ..outgoing(&d) };
        assert!(d.build(&bad).unwrap_err().contains("not an address"));
    }

    #[tokio::test]
    async fn with_a_key_messages_are_signed_and_a_bad_key_is_named() {
        let pem = match std::process::Command::new("openssl")
            .args(["genrsa", "-traditional", "1024"])
            .output()
        {
            Ok(o) if o.status.success() => String::from_utf8(o.stdout).unwrap(),
            _ => {
                assert!(std::env::var("CI").is_err(), "openssl is needed to make a test key");
                eprintln!("note: openssl not found; DKIM signing not tested");
                return;
            }
        };
        let dkim = Dkim { selector: "mail".into(), domain: "example.org".into(), private_key: pem };
        let d = Delivery::new(settings(Some(dkim))).unwrap();
        let m = text(&d.build(&outgoing(&d)).unwrap());
        let sig = m.lines().find(|l| l.starts_with("DKIM-Signature:")).expect("signed");
        assert!(sig.contains("d=example.org") && sig.contains("s=mail"), "{sig}");
        let bad = Dkim {
            selector: "mail".into(),
            domain: "example.org".into(),
            private_key: "-----BEGIN RSA PRIVATE KEY-----\nnope\n-----END RSA PRIVATE KEY-----"
                .into(),
        };
        let e = Delivery::new(settings(Some(bad))).unwrap_err();
        assert!(e.contains("dkim_private_key"), "{e}");
    }

    /// A small SMTP server on loopback that offers PIPELINING and refuses recipients whose
    /// address starts with `bounce` (550). It keeps the recipient of every message it took
    /// and notes whether each envelope came in one write (its `RCPT` already waiting when
    /// `MAIL` was read).
    async fn pipelining_server() -> (u16, Arc<std::sync::Mutex<Vec<(String, bool)>>>) {
        use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let taken = Arc::new(std::sync::Mutex::new(Vec::new()));
        let kept = taken.clone();
        tokio::spawn(async move {
            loop {
                let (tcp, _) = listener.accept().await.unwrap();
                let kept = kept.clone();
                tokio::spawn(async move {
                    let (read, mut write) = tcp.into_split();
                    let mut read = BufReader::new(read);
                    write.write_all(b"220 fake ESMTP\r\n").await.unwrap();
                    let (mut rcpt, mut in_one) = (None, false);
                    let mut line = String::new();
                    loop {
                        line.clear();
                        if read.read_line(&mut line).await.unwrap_or(0) == 0 {
                            return;
                        }
                        let answer: &[u8] = match &line[..4] {
                            "EHLO" => b"250-fake\r\n250-PIPELINING\r\n250 8BITMIME\r\n",
                            "MAIL" => {
                                in_one = read.buffer().starts_with(b"RCPT");
                                b"250 2.1.0 Ok\r\n"
                            }
                            "RCPT" if line.contains("<bounce") => b"550 5.1.1 no such user\r\n",
                            "RCPT" => {
                                rcpt = Some(line[9..line.len() - 3].to_owned());
                                b"250 2.1.5 Ok\r\n"
                            }
                            "DATA" if rcpt.is_none() => b"554 5.5.1 no valid recipients\r\n",
                            "DATA" => {
                                write.write_all(b"354 go ahead\r\n").await.unwrap();
                                loop {
                                    line.clear();
                                    read.read_line(&mut line).await.unwrap();
                                    if line == ".\r\n" {
                                        break;
                                    }
                                }
                                kept.lock().unwrap().push((rcpt.take().unwrap(), in_one));
                                b"250 2.0.0 queued\r\n"
                            }
                            "QUIT" => {
                                let _ = write.write_all(b"221 bye\r\n").await;
                                return;
                            }
                            _ => b"250 Ok\r\n",
                        };
                        write.write_all(answer).await.unwrap();
                    }
                });
            }
        });
        (port, taken)
    }

    #[tokio::test]
    async fn a_server_that_offers_pipelining_gets_each_envelope_in_one_write() {
        let (port, taken) = pipelining_server().await;
        let d = Delivery::new(DeliverySettings { port, concurrency: 1, ..settings(None) }).unwrap();
        let to = |to: &str| Outgoing { to: to.into(), ..outgoing(&d) };
        assert_eq!(d.send(&to("one@example.org")).await, Outcome::Sent);
        // A refused recipient is bounced, and the message after it still goes.
        let refused = d.send(&to("bounce-me@example.org")).await;
        assert!(
            matches!(&refused, Outcome::Bounced(e) if e.contains("no such user")),
            "{refused:?}"
        );
        assert_eq!(d.send(&to("two@example.org")).await, Outcome::Sent);
        assert_eq!(d.send(&to("three@example.org")).await, Outcome::Sent);
        let taken = taken.lock().unwrap().clone();
        let want = ["one@example.org", "two@example.org", "three@example.org"];
        assert_eq!(taken.iter().map(|(r, _)| r.as_str()).collect::<Vec<_>>(), want);
        assert!(taken.iter().all(|(_, in_one)| *in_one), "envelopes pipelined: {taken:?}");
    }
}
