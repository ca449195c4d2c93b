//! The job workers' wiring: which handler runs each kind of job (the registry every node
//! shares), and `byline work`, a node that only works the queue.

use crate::config::Settings;
use byline_core::jobs::{
    DeliverWebhook, Job, MakeImageCopies, SendCommentConfirmation, SendCommentDigest,
    SendCommentReply, SendCommentReport, SendContactMessage, SendMemberLink,
};
use byline_core::newsletters::DeliverSend;
use byline_jobs::Registry;
use byline_media::{Limits, MediaStorage};
use byline_store::Store;
use byline_web::mail::Mailer;
use std::process::ExitCode;

/// What the mail-sending jobs need: the mailer and the site's address (used when the
/// publication sets none).
pub struct MailWiring {
    pub mailer: Mailer,
    pub base_url: String,
    /// Newsletter delivery, when this node has an SMTP server.
    pub newsletters: Option<(byline_mail::Delivery, byline_mail::Site)>,
}

/// Every kind of job this binary runs, with what each handler needs.
pub fn registry(
    store: &Store,
    media: &MediaStorage,
    limits: Limits,
    mail: MailWiring,
    webhooks: byline_webhooks::Deliverer,
) -> Registry {
    let mut r = Registry::new();
    let (s, m) = (store.clone(), media.clone());
    r.register(move |job: MakeImageCopies| {
        let (s, m) = (s.clone(), m.clone());
        async move { byline_web::media::make_copies(&s, &m, limits, job).await }
    });
    if let Some((delivery, site)) = mail.newsletters.clone() {
        let s = store.clone();
        r.register(move |job: DeliverSend| {
            let (s, d, site) = (s.clone(), delivery.clone(), site.clone());
            async move { byline_mail::deliver_send(&s, &d, &site, job).await }
        });
    }
    let mail = std::sync::Arc::new(mail);
    let (s, contact_mail) = (store.clone(), mail.clone());
    r.register(move |job: SendContactMessage| {
        let (s, mail) = (s.clone(), contact_mail.clone());
        async move {
            byline_web::contact::mail::send_message(&s, &mail.mailer, &mail.base_url, job).await
        }
    });
    comment_mail(&mut r, store, &mail);
    let s = store.clone();
    r.register(move |job: SendMemberLink| {
        let (s, mail) = (s.clone(), mail.clone());
        async move {
            byline_web::members::mail::send_link(&s, &mail.mailer, &mail.base_url, job).await
        }
    });
    let (s, webhooks) = (store.clone(), std::sync::Arc::new(webhooks));
    r.register(move |job: DeliverWebhook| {
        let (s, w) = (s.clone(), webhooks.clone());
        async move { w.deliver(&s, job).await }
    });
    if std::env::var_os("BYLINE_TEST_JOBS").is_some() {
        r.register(|job: TestMark| job.run());
    }
    r
}

/// The comment emails: guests' confirmation links, replies, the moderators' digest, reports.
fn comment_mail(r: &mut Registry, store: &Store, mail: &std::sync::Arc<MailWiring>) {
    use byline_web::comments::mail as m;
    let (s, w) = (store.clone(), mail.clone());
    r.register(move |job: SendCommentConfirmation| {
        let (s, w) = (s.clone(), w.clone());
        async move { m::send_confirmation(&s, &w.mailer, &w.base_url, job).await }
    });
    let (s, w) = (store.clone(), mail.clone());
    r.register(move |job: SendCommentReply| {
        let (s, w) = (s.clone(), w.clone());
        async move { m::send_reply(&s, &w.mailer, &w.base_url, job).await }
    });
    let (s, w) = (store.clone(), mail.clone());
    r.register(move |job: SendCommentDigest| {
        let (s, w) = (s.clone(), w.clone());
        async move { m::send_digest(&s, &w.mailer, &w.base_url, job).await }
    });
    let (s, w) = (store.clone(), mail.clone());
    r.register(move |job: SendCommentReport| {
        let (s, w) = (s.clone(), w.clone());
        async move { m::send_report(&s, &w.mailer, &w.base_url, job).await }
    });
}

/// `byline work`: runs the workers until stopped (Ctrl-C or SIGTERM), then lets the running
/// jobs finish within a grace period.
pub async fn run(settings: Settings) -> anyhow::Result<ExitCode> {
    crate::node::init_logging(&settings.log);
    if settings.workers == 0 {
        anyhow::bail!("workers is 0, so `byline work` would do nothing; give --workers 1 or more");
    }
    let store = crate::node::open(&settings).await?;
    let (media, limits) = settings.media()?;
    let mail = MailWiring {
        mailer: settings.mailer()?,
        base_url: settings.base_url(),
        newsletters: crate::newsletter::delivery(&settings)?,
    };
    let webhooks =
        byline_webhooks::Deliverer::new(settings.base_url(), settings.webhooks_allow_private);
    let registry = registry(&store, &media, limits, mail, webhooks);
    let pool = byline_jobs::start(store.clone(), registry, settings.jobs());
    eprintln!("working the job queue with {} workers (Ctrl-C stops)", settings.workers);
    crate::node::shutdown().await;
    pool.stop().await;
    Ok(ExitCode::SUCCESS)
}

/// A job for the test suite only, run when `BYLINE_TEST_JOBS` is set: it waits while the file
/// `hold_while` exists, then appends `token` to `file`, so a test can hold a job mid-run, kill
/// the worker, and count completions across worker processes.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct TestMark {
    pub file: std::path::PathBuf,
    pub token: String,
    pub hold_while: Option<std::path::PathBuf>,
}

impl Job for TestMark {
    const KIND: &'static str = "test.mark";
}

impl TestMark {
    async fn run(self) -> anyhow::Result<()> {
        use std::io::Write;
        while self.hold_while.as_ref().is_some_and(|p| p.exists()) {
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        let mut f = std::fs::OpenOptions::new().create(true).append(true).open(&self.file)?;
        writeln!(f, "{}", self.token)?;
        Ok(())
    }
}
