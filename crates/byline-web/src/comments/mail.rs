//! The comment emails, each sent by a queued job: a guest's confirmation link, a reply to a
//! member's or a confirmed guest's comment (with its text, a link, and how to stop these
//! emails), the moderators'
//! digest of pending comments, and a reader's report. Moderators are the active staff who may moderate (editors and up).
//! Plain text: readers' words are never put into HTML here.

use crate::mail::{Mail, Mailer};
use byline_core::comments::reply_stop_token;
use byline_core::jobs::{
    SendCommentConfirmation, SendCommentDigest, SendCommentReply, SendCommentReport,
};
use byline_core::staff::Action;
use byline_render::view::desk_url;
use byline_store::{QueuedComment, Store};

async fn base(store: &Store, base_url: &str) -> anyhow::Result<(String, String)> {
    let p = store.publication().await?;
    let base = p.base_url.as_deref().unwrap_or(base_url).trim_end_matches('/').to_owned();
    Ok((p.title, base))
}

async fn moderators(store: &Store) -> anyhow::Result<Vec<String>> {
    Ok(store
        .staff()
        .await?
        .into_iter()
        .filter(|s| !s.disabled && s.role.may(Action::ModerateComments))
        .map(|s| s.email)
        .collect())
}

/// Runs a [`SendCommentConfirmation`] job: the link that confirms a guest's address. A link
/// spent or expired meanwhile is not mailed; a retried job mints a new token (the older one
/// stops working).
pub async fn send_confirmation(
    store: &Store,
    mailer: &Mailer,
    base_url: &str,
    job: SendCommentConfirmation,
) -> anyhow::Result<()> {
    let Some(m) = store.mint_comment_confirmation(job.confirmation_id).await? else {
        return Ok(());
    };
    let (title, base) = base(store, base_url).await?;
    let link = format!("{base}{}?token={}", super::CONFIRM_PATH, m.token);
    let hours = byline_core::comments::CONFIRM_VALID_FOR.num_hours();
    let body = format!(
        "Hello {},\n\nYou commented on “{}” at {title}. Your comment waits until you confirm \
         this email address, which you do by opening this link (it works once, for {hours} \
         hours):\n\n{link}\n\nIf you did not write a comment, ignore this email: nothing \
         is published.\n\n{title}\n",
        m.name, m.article_title
    );
    let mail =
        Mail { to: m.email, subject: format!("Confirm your comment on {title}"), body, html: None };
    mailer.send(mail).await.map_err(|e| anyhow::anyhow!("the confirmation email: {e}"))
}

/// Runs a [`SendCommentReply`] job. A reply hidden or removed since, or a writer who opted
/// out, is not mailed. A member is sent to their desk to stop these emails; a guest (only
/// ever at an address they confirmed) gets a signed link that stops them.
pub async fn send_reply(
    store: &Store,
    mailer: &Mailer,
    base_url: &str,
    job: SendCommentReply,
) -> anyhow::Result<()> {
    let Some(n) = store.reply_notice(job.comment_id).await? else { return Ok(()) };
    let (title, base) = base(store, base_url).await?;
    let link = format!("{base}/articles/{}/#comment-{}", n.article_slug, n.reply.id);
    let stop = if n.guest {
        // A guest has no account: the link itself stops the emails to this address.
        let token = reply_stop_token(&store.member_pass_key().await?, &n.to_email);
        let token: String = url::form_urlencoded::byte_serialize(token.as_bytes()).collect();
        format!("To stop these emails, open\n{base}{}?token={token}", super::STOP_PATH)
    } else {
        let desk = format!("{base}{}", desk_url(&n.article_slug));
        format!("To stop these emails, sign in and turn reply emails off at\n{desk}")
    };
    let greeting = n.to_name.as_deref().map_or("Hello,".to_owned(), |n| format!("Hello {n},"));
    let body = format!(
        "{greeting}\n\n{} replied to your comment on “{}”:\n\n{}\n\nRead it and reply:\n{link}\n\n\
         {stop}\n\n{title}\n",
        n.reply.author_name,
        n.article_title,
        quote(&n.reply.body),
    );
    let mail = Mail {
        to: n.to_email,
        subject: format!("{} replied to your comment on {title}", n.reply.author_name),
        body,
        html: None,
    };
    mailer.send(mail).await.map_err(|e| anyhow::anyhow!("the reply email: {e}"))
}

/// Runs a [`SendCommentDigest`] job: the comments waiting, to every moderator. Nothing is
/// sent when none wait (moderated meanwhile).
pub async fn send_digest(
    store: &Store,
    mailer: &Mailer,
    base_url: &str,
    _job: SendCommentDigest,
) -> anyhow::Result<()> {
    let (total, items) = store.pending_digest(20).await?;
    if total == 0 {
        return Ok(());
    }
    let (title, base) = base(store, base_url).await?;
    let mut body = format!(
        "{total} comment{} on {title} {} waiting for moderation:\n\n",
        if total == 1 { "" } else { "s" },
        if total == 1 { "is" } else { "are" }
    );
    for q in &items {
        body.push_str(&entry(q));
    }
    if total > items.len() as u64 {
        body.push_str(&format!("… and {} more.\n\n", total - items.len() as u64));
    }
    body.push_str(&format!("Moderate them at {base}/admin/comments?status=pending\n"));
    for to in moderators(store).await? {
        let mail = Mail {
            to,
            subject: format!(
                "{total} comment{} to moderate on {title}",
                if total == 1 { "" } else { "s" }
            ),
            body: body.clone(),
            html: None,
        };
        mailer.send(mail).await.map_err(|e| anyhow::anyhow!("the moderators' digest: {e}"))?;
    }
    Ok(())
}

/// Runs a [`SendCommentReport`] job.
pub async fn send_report(
    store: &Store,
    mailer: &Mailer,
    base_url: &str,
    job: SendCommentReport,
) -> anyhow::Result<()> {
    let (reason, q) = match store.comment_report(job.report_id).await {
        Ok(r) => r,
        Err(e) if e.is_not_found() => return Ok(()),
        Err(e) => return Err(e.into()),
    };
    let (title, base) = base(store, base_url).await?;
    let reason = if reason.is_empty() { "(no reason given)".to_owned() } else { reason };
    let body = format!(
        "A reader reported a comment on {title}.\n\nTheir reason: {reason}\n\n{}\
         Review it at {base}/admin/comments?status=approved\n",
        entry(&q)
    );
    for to in moderators(store).await? {
        let mail = Mail {
            to,
            subject: format!("A comment was reported on {title}"),
            body: body.clone(),
            html: None,
        };
        mailer.send(mail).await.map_err(|e| anyhow::anyhow!("the report email: {e}"))?;
    }
    Ok(())
}

fn entry(q: &QueuedComment) -> String {
    let held = if q.comment.held_because.is_empty() {
        String::new()
    } else {
        format!("Held: {}\n", q.comment.held_because)
    };
    format!(
        "{} on “{}” (comment {}):\n{held}{}\n\n",
        q.comment.author_name,
        q.article_title,
        q.comment.id,
        quote(&q.comment.body)
    )
}

/// Text quoted email-style, cut to a reasonable length.
fn quote(text: &str) -> String {
    let cut: String = text.chars().take(1500).collect();
    let more = if cut.len() < text.len() { "\n> …" } else { "" };
    cut.lines().map(|l| format!("> {l}")).collect::<Vec<_>>().join("\n") + more
}
