//! A contact message's email ([`SendContactMessage`]): to the publication's media address
//! for media inquiries, its contact address otherwise (each standing in for the other). With
//! neither set the message stays in the admin's inbox only. A failed send fails the job, which
//! the queue retries with backoff; the message was kept before the job was queued.

use crate::mail::{Mail, Mailer};
use byline_core::contact::ContactMessage;
use byline_core::jobs::SendContactMessage;
use byline_store::Store;

/// Runs one [`SendContactMessage`] job.
pub async fn send_message(
    store: &Store,
    mailer: &Mailer,
    base_url: &str,
    job: SendContactMessage,
) -> anyhow::Result<()> {
    let m = match store.contact_message(job.message_id).await {
        Ok(m) => m,
        // Deleted from the inbox before it was sent: nothing to send.
        Err(e) if e.is_not_found() => return Ok(()),
        Err(e) => return Err(e.into()),
    };
    if m.sent_at.is_some() {
        return Ok(());
    }
    let publication = store.publication().await?;
    let Some(to) = m.subject.recipient(&publication) else {
        tracing::warn!(
            message = m.id,
            "a contact message was kept in the admin's inbox only: the publication has no \
             contact_email or media_email"
        );
        return Ok(());
    };
    let base = publication.base_url.as_deref().unwrap_or(base_url).trim_end_matches('/');
    mailer
        .send(compose(&publication.title, base, &to, &m))
        .await
        .map_err(|e| anyhow::anyhow!("contact message {}'s email: {e}", m.id))?;
    store.contact_message_sent(m.id, &to).await?;
    Ok(())
}

/// The email for `m`, to `to`, from the publication `title` at `base`.
pub fn compose(title: &str, base: &str, to: &str, m: &ContactMessage) -> Mail {
    let subject = format!("[{title}] {}: from {}", m.subject.label(), one_line(&m.name));
    let inbox = format!("{base}/admin/inbox/{}", m.id);
    let body = format!(
        "{} <{}> wrote through the contact form ({}), on {} UTC:\n\n{}\n\n-- \nReply to: {}\nIn the \
         inbox: {inbox}\n",
        one_line(&m.name),
        m.email,
        m.subject.label(),
        m.created_at.format("%-d %B %Y at %H:%M"),
        m.message,
        m.email,
    );
    Mail { to: to.to_owned(), subject, body, html: None }
}

/// A name as one line: no header can be split by it.
fn one_line(s: &str) -> String {
    s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}
