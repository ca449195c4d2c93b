//! Email to staff (password resets, invitations): sent over SMTP with lettre when it is
//! configured; otherwise written to the log at WARN, link and all, so an operator can still
//! pass it on. Tests capture messages in memory behind the same type.

use lettre::message::{Mailbox, MultiPart, header::ContentType};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use serde::{Deserialize, Serialize};
use std::sync::{Arc, Mutex};

/// How the SMTP connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum SmtpTls {
    /// Plain text (a relay on the same machine or network only).
    None,
    /// Plain text upgraded with STARTTLS (usually port 587).
    #[default]
    Starttls,
    /// TLS from the first byte (usually port 465).
    Tls,
}

/// Where and how to send mail.
#[derive(Clone)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub username: Option<String>,
    pub password: Option<String>,
    /// The sender, e.g. `Byline <newsroom@example.org>`.
    pub from: String,
    pub tls: SmtpTls,
}

/// One message: plain text, and optionally an HTML alternative of the same text.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub body: String,
    /// Sent as `multipart/alternative` beside `body` when present.
    pub html: Option<String>,
}

/// Messages a capturing mailer kept, oldest first.
pub type Outbox = Arc<Mutex<Vec<Mail>>>;

/// Sends staff email.
#[derive(Clone, Default)]
pub enum Mailer {
    /// No SMTP configured: every message goes to the log at WARN.
    #[default]
    Log,
    Smtp {
        transport: Box<AsyncSmtpTransport<Tokio1Executor>>,
        from: Mailbox,
    },
    /// Keeps messages in memory (tests).
    Capture(Outbox),
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Mailer::Log => f.write_str("Mailer::Log"),
            Mailer::Smtp { from, .. } => write!(f, "Mailer::Smtp(from {from})"),
            Mailer::Capture(o) => {
                write!(f, "Mailer::Capture({} kept)", o.lock().map(|o| o.len()).unwrap_or(0))
            }
        }
    }
}

impl Mailer {
    /// An SMTP mailer; errors name the setting that is wrong.
    pub fn smtp(s: &SmtpSettings) -> Result<Self, String> {
        let from: Mailbox =
            s.from.parse().map_err(|e| format!("smtp_from {:?} is not an address: {e}", s.from))?;
        let builder = match s.tls {
            SmtpTls::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&s.host),
            SmtpTls::Starttls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&s.host)
                .map_err(|e| format!("smtp_host {:?}: {e}", s.host))?,
            SmtpTls::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&s.host)
                .map_err(|e| format!("smtp_host {:?}: {e}", s.host))?,
        };
        let mut builder = builder.port(s.port);
        if let Some(user) = &s.username {
            builder = builder.credentials(Credentials::new(
                user.clone(),
                s.password.clone().unwrap_or_default(),
            ));
        }
        Ok(Mailer::Smtp { transport: Box::new(builder.build()), from })
    }

    /// A mailer that keeps what it sends, and the outbox to read it from.
    pub fn capture() -> (Self, Outbox) {
        let outbox = Outbox::default();
        (Mailer::Capture(outbox.clone()), outbox)
    }

    /// Sends `mail` without making the caller wait for an SMTP server (so a page answers as
    /// fast whether or not it sent mail); failures are logged. Logged and captured messages
    /// are kept before this returns.
    pub async fn send_soon(&self, mail: Mail) {
        if let Mailer::Smtp { .. } = self {
            let me = self.clone();
            tokio::spawn(async move {
                let _ = me.send(mail).await;
            });
        } else if let Err(e) = self.send(mail).await {
            tracing::warn!(error = %e, "an email was not sent");
        }
    }

    /// Sends `mail`. With no SMTP configured it is logged, which counts as sent.
    pub async fn send(&self, mail: Mail) -> Result<(), String> {
        match self {
            Mailer::Log => {
                tracing::warn!(
                    to = %mail.to,
                    subject = %mail.subject,
                    "no SMTP server is configured (smtp_host), so this email is only logged; \
                     pass it on by hand:\n{}",
                    mail.body
                );
                Ok(())
            }
            Mailer::Capture(outbox) => {
                outbox.lock().map_err(|_| "the outbox is poisoned".to_owned())?.push(mail);
                Ok(())
            }
            Mailer::Smtp { transport, from } => {
                let to: Mailbox =
                    mail.to.parse().map_err(|e| format!("{:?} is not an address: {e}", mail.to))?;
                let builder = Message::builder().from(from.clone()).to(to).subject(&mail.subject);
                let message = match mail.html {
                    Some(html) => {
                        builder.multipart(MultiPart::alternative_plain_html(mail.body, html))
                    }
                    None => builder.header(ContentType::TEXT_PLAIN).body(mail.body),
                }
                .map_err(|e| format!("could not build the message: {e}"))?;
                transport.send(message).await.map_err(|e| {
                    tracing::error!(error = %e, to = %mail.to, "could not send email over SMTP");
                    format!("could not send the email: {e}")
                })?;
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// A log writer that keeps what it is given.
    #[derive(Clone, Default)]
    struct Kept(Arc<Mutex<Vec<u8>>>);

    impl Write for Kept {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn mail() -> Mail {
        Mail {
            to: "rita@example.org".into(),
            subject: "Reset your password".into(),
            body: "http://test.example/admin/password/reset?token=abc".into(),
            html: None,
        }
    }

    #[tokio::test]
    async fn without_smtp_the_message_and_its_link_go_to_the_log_at_warn() {
        let kept = Kept::default();
        let writer = kept.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_max_level(tracing::Level::WARN)
            .with_ansi(false)
            .finish();
        let _guard = tracing::subscriber::set_default(subscriber);
        Mailer::Log.send(mail()).await.unwrap();
        let log = String::from_utf8(kept.0.lock().unwrap().clone()).unwrap();
        assert!(log.contains("WARN"), "{log}");
        assert!(log.contains("rita@example.org"), "{log}");
        assert!(log.contains("/admin/password/reset?token=abc"), "{log}");
    }

    #[tokio::test]
    async fn a_capturing_mailer_keeps_messages_in_order() {
        let (mailer, outbox) = Mailer::capture();
        mailer.send_soon(mail()).await;
        mailer.send(Mail { subject: "Second".into(), ..mail() }).await.unwrap();
        let kept = outbox.lock().unwrap();
        assert_eq!(kept.len(), 2);
        assert_eq!(kept[1].subject, "Second");
    }
}
