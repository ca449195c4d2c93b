//! `byline newsletter …`: newsletters, sending an article, the history of sends, retrying
//! failures and the suppression list; and the delivery settings every node that sends
//! newsletters builds from the configuration. The command line acts as the owner would
//! (audited as "command line") and calls the same store use cases as the admin and the API.

use crate::cli::PublicationArgs;
use crate::config::Settings;
use anyhow::Context;
use byline_core::audit::Actor;
use byline_core::newsletters::{Audience, NewsletterInput, Segment, SuppressionReason};
use byline_mail::deliver::{Dkim, Tls};
use byline_mail::{Delivery, DeliverySettings, Site};
use clap::{Args, Subcommand};
use std::process::ExitCode;

#[derive(Debug, Subcommand)]
pub enum Newsletter {
    /// List newsletters with their subscribers.
    List(Plain),
    /// Add a newsletter.
    Create(CreateArgs),
    /// Email a published article to a newsletter's subscribers (a job on the queue: a node
    /// running `byline serve` or `byline work` with an SMTP server delivers it).
    Send(SendArgs),
    /// The latest sends with their counts.
    Sends(Plain),
    /// One send: its counts and the recipients that failed, with the server's answers.
    Show(IdArgs),
    /// Try a send's failed recipients again.
    Retry(IdArgs),
    /// The suppression list (addresses that bounced, complained or unsubscribed from all).
    Suppressions(Plain),
    /// Add an address to the suppression list (reason: bounced, complained, unsubscribed).
    Suppress(SuppressArgs),
    /// Take an address off the suppression list.
    Unsuppress(EmailArgs),
}

#[derive(Debug, Args)]
pub struct Plain {
    #[command(flatten)]
    pub publication: PublicationArgs,
}

#[derive(Debug, Args)]
pub struct CreateArgs {
    /// Its name, e.g. "Weekly digest"
    pub name: String,
    #[arg(long)]
    pub slug: Option<String>,
    #[arg(long)]
    pub description: Option<String>,
    #[arg(long)]
    pub sender_name: Option<String>,
    #[arg(long)]
    pub sender_email: Option<String>,
    #[arg(long)]
    pub reply_to: Option<String>,
    /// Only for members with a paid tier
    #[arg(long)]
    pub paid: bool,
    /// Subscribe new members to it
    #[arg(long)]
    pub default: bool,
    /// A digest on a schedule: daily@HH or weekly:DAY@HH (UTC)
    #[arg(long)]
    pub digest: Option<String>,
    #[command(flatten)]
    pub publication: PublicationArgs,
}

#[derive(Debug, Args)]
pub struct SendArgs {
    /// The published article's slug
    #[arg(long, value_name = "SLUG")]
    pub article: String,
    /// The newsletter's slug [default: the first newsletter that is not a digest]
    #[arg(long, value_name = "SLUG")]
    pub newsletter: Option<String>,
    /// all, free, paid, tier:SLUG or label:SLUG
    #[arg(long, value_name = "S", default_value = "all")]
    pub segment: String,
    #[command(flatten)]
    pub publication: PublicationArgs,
}

#[derive(Debug, Args)]
pub struct IdArgs {
    /// The send's number, as `byline newsletter sends` shows it
    pub id: i64,
    #[command(flatten)]
    pub publication: PublicationArgs,
}

#[derive(Debug, Args)]
pub struct SuppressArgs {
    pub email: String,
    #[arg(long, default_value = "complained")]
    pub reason: String,
    #[command(flatten)]
    pub publication: PublicationArgs,
}

#[derive(Debug, Args)]
pub struct EmailArgs {
    pub email: String,
    #[command(flatten)]
    pub publication: PublicationArgs,
}

fn pubargs(c: &Newsletter) -> &PublicationArgs {
    match c {
        Newsletter::List(a) | Newsletter::Sends(a) | Newsletter::Suppressions(a) => &a.publication,
        Newsletter::Create(a) => &a.publication,
        Newsletter::Send(a) => &a.publication,
        Newsletter::Show(a) | Newsletter::Retry(a) => &a.publication,
        Newsletter::Suppress(a) => &a.publication,
        Newsletter::Unsuppress(a) => &a.publication,
    }
}

pub async fn run(command: Newsletter) -> anyhow::Result<ExitCode> {
    let settings = Settings::load(pubargs(&command), None)?;
    let store = crate::node::open(&settings).await?;
    let me = Actor::command_line();
    match command {
        Newsletter::List(_) => {
            let counts = store.newsletter_subscriber_counts().await?;
            for n in store.newsletters().await? {
                let subs = counts.iter().find(|(id, _)| *id == n.id).map_or(0, |c| c.1);
                outln!(
                    "{:<20} {:<30} {:>7} subscriber(s)  {}{}{}{}",
                    n.slug,
                    n.name,
                    subs,
                    n.audience.as_str(),
                    if n.subscribe_by_default { ", default" } else { "" },
                    n.digest.map(|d| format!(", digest {}", d.as_string())).unwrap_or_default(),
                    if n.archived { ", archived" } else { "" }
                );
            }
        }
        Newsletter::Create(a) => {
            let input = NewsletterInput {
                name: a.name,
                slug: a.slug,
                description: a.description,
                sender_name: a.sender_name,
                sender_email: a.sender_email,
                reply_to: a.reply_to,
                audience: if a.paid { Audience::Paid } else { Audience::Members },
                subscribe_by_default: a.default,
                digest: a.digest,
            };
            let n = store.create_newsletter(&input, &me).await?;
            outln!("newsletter {} created", n.slug);
        }
        Newsletter::Send(a) => {
            let segment =
                Segment::parse(&a.segment).map_err(|e| anyhow::anyhow!("--segment: {e}"))?;
            let s = store.email_article(&a.article, a.newsletter.as_deref(), &segment, &me).await?;
            outln!(
                "send {} queued: {:?} to {} ({}), {} recipient(s)",
                s.id,
                s.subject,
                s.newsletter_slug,
                s.segment.as_string(),
                s.counts.total
            );
            if settings.smtp_host.is_none() {
                eprintln!(
                    "note: no SMTP server is configured here (smtp_host); a node with one delivers it"
                );
            }
        }
        Newsletter::Sends(_) => {
            for s in store.sends(50, false).await? {
                print_send(&s);
            }
        }
        Newsletter::Show(a) => {
            let s = store.send(a.id).await?;
            print_send(&s);
            for f in store.send_failures(s.id, 1000).await? {
                outln!(
                    "  {:<8} {}  after {} tr{}: {}",
                    f.state,
                    f.email,
                    f.attempts,
                    if f.attempts == 1 { "y" } else { "ies" },
                    f.error.as_deref().unwrap_or("-")
                );
            }
        }
        Newsletter::Retry(a) => {
            let s = store.retry_failed(a.id, &me).await?;
            print_send(&s);
        }
        Newsletter::Suppressions(_) => {
            let all = store.suppressions().await?;
            for s in &all {
                outln!(
                    "{:<12} {}  {}  {}",
                    s.reason.as_str(),
                    s.email,
                    s.created_at.format("%Y-%m-%d"),
                    s.detail.as_deref().unwrap_or("")
                );
            }
            outln!("{} suppressed address(es)", all.len());
        }
        Newsletter::Suppress(a) => {
            let reason = SuppressionReason::parse(&a.reason)
                .map_err(|e| anyhow::anyhow!("--reason: {e}"))?;
            store.suppress(&a.email, reason, &me).await?;
            outln!("{} suppressed", a.email.trim());
        }
        Newsletter::Unsuppress(a) => {
            store.unsuppress(&a.email, &me).await?;
            outln!("{} may be sent newsletters again", a.email.trim());
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn print_send(s: &byline_core::newsletters::Send) {
    let c = s.counts;
    outln!(
        "#{:<5} {:<9} {} {:?} to {} ({}): {} sent, {} pending, {} failed, {} bounced, {} skipped, {} unsubscribed of {}{}",
        s.id,
        s.state,
        s.created_at.format("%Y-%m-%d %H:%M"),
        s.subject,
        s.newsletter_slug,
        s.segment.as_string(),
        c.sent,
        c.pending,
        c.failed,
        c.bounced,
        c.skipped,
        c.unsubscribed,
        c.total,
        s.last_error.as_deref().map(|e| format!("\n       {e}")).unwrap_or_default()
    );
}

/// The newsletter delivery this node's settings describe: `None` without `smtp_host` (the
/// node then leaves newsletter jobs to nodes that have one).
pub fn delivery(s: &Settings) -> anyhow::Result<Option<(Delivery, Site)>> {
    let Some(host) = &s.smtp_host else { return Ok(None) };
    let dkim = match (&s.dkim_selector, &s.dkim_private_key) {
        (Some(selector), Some(key)) => {
            let pem = if key.trim_start().starts_with("-----BEGIN") {
                key.clone()
            } else {
                std::fs::read_to_string(key).with_context(|| {
                    format!("invalid configuration: dkim_private_key: cannot read the file {key:?}")
                })?
            };
            let from: lettre::message::Mailbox = s.smtp_from.parse().map_err(|e| {
                anyhow::anyhow!("invalid configuration: smtp_from {:?}: {e}", s.smtp_from)
            })?;
            Some(Dkim {
                selector: selector.clone(),
                domain: from.email.domain().to_owned(),
                private_key: pem,
            })
        }
        (None, None) => None,
        _ => anyhow::bail!(
            "invalid configuration: dkim_selector and dkim_private_key go together; give both or neither"
        ),
    };
    let tls = match s.smtp_tls {
        byline_web::mail::SmtpTls::None => Tls::None,
        byline_web::mail::SmtpTls::Starttls => Tls::Starttls,
        byline_web::mail::SmtpTls::Tls => Tls::Tls,
    };
    let delivery = Delivery::new(DeliverySettings {
        host: host.clone(),
        port: s.smtp_port,
        tls,
        username: s.smtp_username.clone(),
        password: s.smtp_password.clone(),
        from: s.smtp_from.clone(),
        concurrency: s.newsletter_concurrency,
        rate: s.newsletter_rate,
        dkim,
    })
    .map_err(|e| anyhow::anyhow!("invalid configuration: {e}"))?;
    let site = Site {
        base_url: s.base_url(),
        postal_address: s.postal_address.clone(),
        hold: chrono::Duration::seconds(s.job_lease_secs.max(1) as i64),
    };
    Ok(Some((delivery, site)))
}

/// Starts scheduled sends (an article emailed when it is published) and due digests,
/// looking every ten seconds; run by `byline serve` beside the publishing scheduler.
pub async fn start_due_sends(store: byline_store::Store) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(10));
    loop {
        tick.tick().await;
        match store.start_due_sends(chrono::Utc::now()).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(sends = n, "started scheduled newsletter sends"),
            Err(e) => tracing::warn!(error = %e, "could not start scheduled newsletter sends"),
        }
    }
}
