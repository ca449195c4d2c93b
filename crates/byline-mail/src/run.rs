//! The delivery job: works through one send's recipients until none is left. Recipients are
//! claimed from the store a small batch at a time and recorded as the server answers (the
//! answers that came in together, in one statement), so a crash (kill -9 included) loses
//! nothing: the claims run out and this job, run again by the queue (on this node or
//! another), takes them up. Only the messages accepted and not yet recorded at the crash can
//! go twice, and a message's content goes only while fewer than the concurrency are. An unreachable server puts the claims back untouched and the
//! send waits, saying why, with growing pauses. Each send has several of these jobs
//! (`byline_store::SEND_JOBS`), so workers on several nodes work it at once, each on its own
//! batches; a job with nothing left to claim waits (looking every few seconds) until the
//! others' claims are marked or their hold runs out, and then takes those up.

use crate::deliver::{Delivery, Outcome, Outgoing};
use crate::encode::EncodedIssue;
use crate::render::{Issue, IssueContext, Personal};
use anyhow::Context;
use byline_core::members::Reader;
use byline_core::newsletters::{DeliverSend, unsubscribe_token};
use byline_store::{ClaimedRecipient, Store};
use chrono::Utc;
use lettre::message::{Body, Mailbox};
use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::OwnedSemaphorePermit;
use tokio::task::JoinSet;

/// What the job needs besides the store and the delivery.
#[derive(Debug, Clone)]
pub struct Site {
    /// The public address when the publication sets none (no trailing slash).
    pub base_url: String,
    pub postal_address: Option<String>,
    /// How long a claim holds a recipient (after a crash, how long until another sender
    /// takes them up).
    pub hold: chrono::Duration,
}

/// Everything a message to one recipient is made from.
struct Prepared {
    full: EncodedIssue,
    preview: EncodedIssue,
    from: Mailbox,
    reply_to: Option<Mailbox>,
    base: String,
    slug: String,
    list_id: String,
    domain: String,
    key: Vec<u8>,
    send_id: i64,
}

impl Prepared {
    fn outgoing(&self, r: &ClaimedRecipient, uuid: &str) -> Outgoing<Body> {
        let token = unsubscribe_token(&self.key, uuid);
        let unsubscribe_url = format!(
            "{}/newsletters/unsubscribe/?m={uuid}&t={token}&n={}&s={}",
            self.base, self.slug, self.send_id
        );
        let personal = Personal {
            unsubscribe_url: unsubscribe_url.clone(),
            manage_url: format!("{}/members/account/", self.base),
        };
        let issue = if r.full { &self.full } else { &self.preview };
        let (html, text) = issue.personal(&personal);
        Outgoing {
            from: self.from.clone(),
            reply_to: self.reply_to.clone(),
            to: r.email.clone(),
            subject: issue.subject.clone(),
            html,
            text,
            unsubscribe_url,
            unsubscribe_mailto: format!("mailto:{}?subject=unsubscribe%20{uuid}", self.from.email),
            list_id: self.list_id.clone(),
            domain: self.domain.clone(),
        }
    }
}

/// Renders a send's issue in both versions and works out its sender.
async fn prepare(
    store: &Store,
    delivery: &Delivery,
    site: &Site,
    send_id: i64,
) -> anyhow::Result<Option<Prepared>> {
    let send = match store.send(send_id).await {
        Ok(s) => s,
        Err(e) if e.is_not_found() => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    if send.state != "sending" {
        return Ok(None);
    }
    let newsletter = store.send_newsletter(&send).await?;
    let publication = store.publication().await?;
    let base = publication
        .base_url
        .clone()
        .filter(|b| !b.trim().is_empty())
        .unwrap_or_else(|| site.base_url.clone());
    let base = base.trim_end_matches('/').to_owned();
    let articles = store.published_articles_by_id(&send.article_ids).await?;
    if articles.is_empty() {
        anyhow::bail!(
            "send {send_id}: its article is no longer published; publish it again or cancel the job"
        );
    }
    let ctx = IssueContext {
        base_url: base.clone(),
        publication: publication.title.clone(),
        postal_address: site.postal_address.clone(),
        newsletter: newsletter.clone(),
        subject: send.subject.clone(),
        web_url: format!("{base}/newsletters/issues/{send_id}/"),
    };
    let key = store.member_pass_key().await?;
    let (opens, clicks) = (send.counts.opens.is_some(), send.counts.clicks.is_some());
    let track = |issue: Issue| match opens || clicks {
        true => crate::track::tracked(&issue, &base, &key, send_id, opens, clicks),
        false => issue,
    };
    let full = track(ctx.render(&articles));
    let cut: Vec<_> = articles.into_iter().map(|a| a.for_reader(&Reader::Anonymous)).collect();
    let preview = track(ctx.render(&cut));
    let default_from = delivery.from();
    let email = match &newsletter.sender_email {
        Some(e) => e.parse().with_context(|| format!("the newsletter's sender address {e:?}"))?,
        None => default_from.email.clone(),
    };
    let name = newsletter
        .sender_name
        .clone()
        .or_else(|| default_from.name.clone())
        .unwrap_or_else(|| publication.title.clone());
    let from = Mailbox::new(Some(name), email);
    let reply_to = newsletter.reply_to.as_deref().and_then(|r| r.parse().ok());
    let domain = from.email.domain().to_owned();
    Ok(Some(Prepared {
        full: EncodedIssue::new(&full),
        preview: EncodedIssue::new(&preview),
        list_id: format!(
            "{} <{}.{}>",
            newsletter.name.replace(['<', '>', '"'], ""),
            newsletter.slug,
            domain
        ),
        from,
        reply_to,
        base,
        slug: newsletter.slug,
        domain,
        key,
        send_id,
    }))
}

/// Runs one [`DeliverSend`] job to the end of its send.
pub async fn deliver_send(
    store: &Store,
    delivery: &Delivery,
    site: &Site,
    job: DeliverSend,
) -> anyhow::Result<()> {
    let Some(prepared) = prepare(store, delivery, site, job.send_id).await? else {
        return Ok(());
    };
    let prepared = Arc::new(prepared);
    let concurrency = delivery.settings.concurrency.max(1);
    let mut batch = (concurrency * 16) as u64;
    if delivery.settings.rate > 0 {
        // A batch must go out well within its hold.
        let in_hold = delivery.settings.rate as u64 * site.hold.num_seconds().max(2) as u64 / 2;
        batch = batch.min(in_hold.max(1));
    }
    let mut queue: VecDeque<ClaimedRecipient> = VecDeque::new();
    let mut running: JoinSet<Answer> = JoinSet::new();
    let mut pause = Duration::from_secs(1);
    let mut waiting = false;
    let mut sent = 0u64;
    tracing::info!(send = job.send_id, "delivering a newsletter");
    loop {
        // Twice the concurrency: as many messages as connections on the wire, and as many
        // made and waiting their turn, so that the connections never wait for this loop.
        while running.len() < 2 * concurrency {
            if queue.is_empty() {
                queue.extend(
                    store.claim_recipients(job.send_id, batch, Utc::now(), site.hold).await?,
                );
                if queue.is_empty() {
                    break;
                }
            }
            let Some(r) = queue.pop_front() else { break };
            let Some(uuid) = r.member_uuid.clone() else {
                store
                    .mark_recipient_failed(r.id, "the member was deleted before their turn")
                    .await?;
                continue;
            };
            let (d, p) = (delivery.clone(), prepared.clone());
            running.spawn(async move {
                let m = p.outgoing(&r, &uuid);
                let (outcome, place) = d.send_recorded(&m).await;
                (r.id, outcome, place)
            });
        }
        let Some(first) = running.join_next().await else {
            if store.finish_send_if_done(job.send_id).await? {
                tracing::info!(send = job.send_id, sent, "newsletter delivered");
                return Ok(());
            }
            let next = store.next_recipient_due(job.send_id).await?;
            let wait = next
                .map(|t| (t - Utc::now()).to_std().unwrap_or_default())
                .unwrap_or_default()
                .clamp(Duration::from_millis(200), Duration::from_secs(5));
            tokio::time::sleep(wait).await;
            continue;
        };
        // Every answer already in is recorded with this one (those sent in one statement).
        // Each holds its place among the accepted messages not yet recorded until then, so
        // those never exceed the concurrency: what a crash can send twice.
        let mut answers = vec![first.context("a message's task stopped")?];
        while let Some(done) = running.try_join_next() {
            answers.push(done.context("a message's task stopped")?);
        }
        let (answered, down) = record(store, answers).await?;
        sent += answered;
        if answered > 0 && waiting {
            store.set_send_waiting(job.send_id, None).await?;
            waiting = false;
            pause = Duration::from_secs(1);
        }
        if let Some(why) = down {
            while let Some(done) = running.join_next().await {
                record(store, vec![done.context("a message's task stopped")?]).await?;
            }
            let held: Vec<i64> = queue.drain(..).map(|r| r.id).collect();
            store.release_recipients(&held).await?;
            tracing::warn!(send = job.send_id, error = %why, wait_secs = pause.as_secs(), "newsletter waiting for the SMTP server");
            store.set_send_waiting(job.send_id, Some(&format!("waiting: {why}"))).await?;
            waiting = true;
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(Duration::from_secs(60));
        }
    }
}

/// A recipient, what became of their message, and its place among the accepted messages not
/// yet recorded (given up once recorded).
type Answer = (i64, Outcome, Option<OwnedSemaphorePermit>);

/// Records outcomes, the messages sent in one statement, then gives up their places: how many
/// the server answered, and `Some(why)` when it could not be reached (those recipients were
/// put back untouched).
async fn record(store: &Store, answers: Vec<Answer>) -> anyhow::Result<(u64, Option<String>)> {
    let (mut sent, mut unreached, mut down) = (Vec::new(), Vec::new(), None);
    let mut answered = 0;
    let mut places = Vec::with_capacity(answers.len());
    for (id, outcome, place) in answers {
        places.push(place);
        match outcome {
            Outcome::Sent => sent.push(id),
            Outcome::Retry(e) => store.mark_recipient_retry(id, &e).await?,
            Outcome::Bounced(e) => store.mark_recipient_bounced(id, &e).await?,
            Outcome::Failed(e) => store.mark_recipient_failed(id, &e).await?,
            Outcome::Unreachable(e) => {
                unreached.push(id);
                down = Some(e);
                continue;
            }
        }
        answered += 1;
    }
    store.mark_recipients_sent(&sent).await?;
    store.release_recipients(&unreached).await?;
    drop(places);
    Ok((answered, down))
}
