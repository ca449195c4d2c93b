//! Members in tests: a site whose mail is captured, running the queued link emails through
//! the real job handler, reading the link out of a message, and signing a reader in.

use super::client::Client;
use axum::Router;
use byline_core::jobs::{Job, SendMemberLink};
use byline_render::Theme;
use byline_store::Store;
use byline_web::mail::{Mail, Mailer, Outbox};
use byline_web::{AppState, router};

/// The demo site with a capturing mailer: the router, its state and the outbox.
pub async fn site(db: &byline_store::testing::TestDb) -> (Router, AppState, Outbox) {
    let _ = super::site(db).await;
    let (mailer, outbox) = Mailer::capture();
    let mut state = AppState::new(db.store.clone(), Theme::load(None).unwrap(), super::BASE);
    state.mailer = mailer;
    (router(state.clone()), state, outbox)
}

/// Runs every queued link email through the job handler the workers run; returns how many
/// jobs ran. Each job's stored payload is returned too, to check what it keeps.
pub async fn deliver(store: &Store, mailer: &Mailer, base: &str) -> Vec<String> {
    let mut payloads = Vec::new();
    while let Some(job) = store
        .claim_job(&[SendMemberLink::KIND], chrono::Utc::now(), chrono::Duration::minutes(1))
        .await
        .unwrap()
    {
        let j: SendMemberLink = serde_json::from_str(&job.payload).unwrap();
        byline_web::members::mail::send_link(store, mailer, base, j).await.unwrap();
        assert!(store.complete_job(&job).await.unwrap());
        payloads.push(store.job(job.id).await.unwrap().payload);
    }
    payloads
}

/// The newest message to `to`.
pub fn last_mail(outbox: &Outbox, to: &str) -> Mail {
    let mails = outbox.lock().unwrap();
    mails.iter().rev().find(|m| m.to == to).cloned().unwrap_or_else(|| panic!("no mail to {to}"))
}

/// The site path of the confirmation link in `text` (`/members/confirm/?token=…`).
pub fn link_in(text: &str) -> String {
    let start = text.find("/members/confirm/?token=").expect("a confirmation link in the mail");
    text[start..].chars().take_while(|c| !c.is_whitespace() && *c != '"').collect()
}

/// Joins (or signs in) as `email` through the site, and returns a client holding the pass.
pub async fn signed_in_member(
    app: &Router,
    state: &AppState,
    outbox: &Outbox,
    email: &str,
) -> Client {
    let mut c = Client::new(app);
    let page = c.post("/members/join/", &[("email", email), ("name", "")]).await;
    assert_eq!(page.status, 200, "{}", page.body);
    deliver(&state.store, &state.mailer, &state.base_url).await;
    let link = link_in(&last_mail(outbox, email).body);
    let token = link.split("token=").nth(1).unwrap().to_owned();
    let page = c.post("/members/confirm/", &[("token", &token)]).await;
    assert_eq!(page.status, 303, "{}", page.body);
    assert!(c.cookie.as_deref().is_some_and(|k| k.starts_with("byline_member=")));
    c
}
