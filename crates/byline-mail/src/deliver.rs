//! Delivery over SMTP: a pool of connections (as many as the concurrency), a rate limit
//! across them, the list headers (RFC 2369 `List-Unsubscribe` with an https URL and a
//! mailto, RFC 8058 `List-Unsubscribe-Post`, RFC 2919 `List-Id`), a unique `Message-ID`, and
//! DKIM signing when a key is set. Each outcome says what the store should do with the
//! recipient: sent, retry later, bounced (suppress), failed, or the server is unreachable.

use crate::pool::{Failure, Pool};
use lettre::Message;
use lettre::message::dkim::{DkimConfig, DkimSigningAlgorithm, DkimSigningKey};
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::client::TlsParameters;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Mutex, Semaphore};
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

/// One message to one recipient.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub from: Mailbox,
    pub reply_to: Option<Mailbox>,
    pub to: String,
    pub subject: String,
    pub html: String,
    pub text: String,
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
    pub fn build(&self, m: &Outgoing) -> Result<Message, String> {
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
    pub async fn send(&self, m: &Outgoing) -> Outcome {
        let message = match self.build(m) {
            Ok(message) => message,
            Err(e) => return Outcome::Failed(e),
        };
        let Ok(_turn) = self.on_the_wire.acquire().await else {
            return Outcome::Unreachable("the delivery is shutting down".into());
        };
        self.pace().await;
        match self.pool.send(message.envelope(), &message.formatted()).await {
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
}
