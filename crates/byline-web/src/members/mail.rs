//! The member link's email, sent by the job queue ([`SendMemberLink`]): the token is minted
//! just before sending (see `byline_store`'s member links), so the job row only ever holds the
//! link's id. Plain text with a simple HTML alternative: the publication's name, the link and
//! when it expires.

use crate::mail::{Mail, Mailer};
use byline_core::jobs::SendMemberLink;
use byline_store::{LinkPurpose, MintedLink, Store};

/// Runs one [`SendMemberLink`] job: mints the link's token and mails it. A link that was
/// spent, expired or deleted meanwhile is not sent. A failed send fails the job (it is retried
/// with a fresh token).
pub async fn send_link(
    store: &Store,
    mailer: &Mailer,
    base_url: &str,
    job: SendMemberLink,
) -> anyhow::Result<()> {
    let Some(link) = store.mint_member_link(job.link_id).await? else {
        return Ok(());
    };
    let publication = store.publication().await?;
    let base = publication.base_url.as_deref().unwrap_or(base_url).trim_end_matches('/');
    let mail = compose(&publication.title, base, &link);
    mailer.send(mail).await.map_err(|e| anyhow::anyhow!("the member link's email: {e}"))
}

/// The message for `link` from the publication `title` at `base`.
pub fn compose(title: &str, base: &str, link: &MintedLink) -> Mail {
    let url = format!("{base}/members/confirm/?token={}", link.token);
    let (subject, lead, button) = match link.purpose {
        LinkPurpose::SignIn => (
            format!("Sign in to {title}"),
            format!("Here is your link to sign in to {title}."),
            "Sign in",
        ),
        LinkPurpose::SignUp => (
            format!("Confirm your membership of {title}"),
            format!("Thank you for joining {title}. Confirm your email address to finish."),
            "Confirm my membership",
        ),
        LinkPurpose::ChangeEmail => (
            format!("Confirm your new email address for {title}"),
            format!("Confirm this address to use it for your membership of {title}."),
            "Use this address",
        ),
    };
    let expiry = format!(
        "The link works once, for one hour (until {} UTC).",
        link.expires_at.format("%H:%M on %-d %B %Y")
    );
    let ignore = "If you did not ask for it, ignore this email; nothing changes.";
    let body = format!("{lead}\n\n{button}:\n{url}\n\n{expiry}\n{ignore}\n\n{title}\n");
    let html = format!(
        "<!doctype html><html><body style=\"font-family:sans-serif\">\
         <p>{}</p><p><a href=\"{}\">{}</a></p><p>{}<br>{}</p><p>{}</p></body></html>",
        escape(&lead),
        escape(&url),
        escape(button),
        escape(&expiry),
        escape(ignore),
        escape(title)
    );
    Mail { to: link.email.clone(), subject, body, html: Some(html) }
}

use byline_core::markdown::escape_html as escape;
