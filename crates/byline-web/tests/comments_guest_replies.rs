//! Reply emails to guests in the `everyone` mode, through the router and the job handlers on
//! both databases: a guest who confirmed their address is mailed each approved reply to
//! their comment, as a member is; the signed link in that email stops them without an
//! account (looking at it stops nothing; a forged one is refused), for that address's
//! comments now and later; an address nobody confirmed is never written to.

mod common;

use byline_core::audit::Actor;
use byline_core::comment_form;
use byline_core::comments::{CommentMode, CommentSettings};
use byline_core::jobs::{Job, SendCommentConfirmation, SendCommentReply};
use byline_core::staff::Role;
use byline_store::NewGuestComment;
use byline_store::testing::{TestDb, databases};
use byline_web::AppState;
use byline_web::mail::Outbox;
use common::client::Client;
use common::members::{last_mail, signed_in_member, site};
use common::{add_articles, api, api_token, get};

const TALK: &str =
    "---\ntitle: Talk of the town\ndate: 2026-11-26T10:00:00Z\n---\nSay something.\n";

/// Runs the queued confirmation and reply emails through the handlers the workers run.
async fn deliver(state: &AppState) {
    let kinds = [SendCommentConfirmation::KIND, SendCommentReply::KIND];
    let lease = chrono::Duration::minutes(1);
    while let Some(job) = state.store.claim_job(&kinds, chrono::Utc::now(), lease).await.unwrap() {
        use byline_web::comments::mail::{send_confirmation, send_reply};
        let (store, mailer, base) = (&state.store, &state.mailer, &state.base_url);
        if job.kind == SendCommentReply::KIND {
            let j = serde_json::from_str(&job.payload).unwrap();
            send_reply(store, mailer, base, j).await.unwrap();
        } else {
            let j = serde_json::from_str(&job.payload).unwrap();
            send_confirmation(store, mailer, base, j).await.unwrap();
        }
        assert!(state.store.complete_job(&job).await.unwrap());
    }
}

fn mails_to(outbox: &Outbox, to: &str) -> usize {
    outbox.lock().unwrap().iter().filter(|m| m.to == to).count()
}

/// The site path of the link in `text` that starts with `path`.
fn link_in(text: &str, path: &str) -> String {
    let start = text.find(path).unwrap_or_else(|| panic!("no {path} link in {text}"));
    text[start..].chars().take_while(|c| !c.is_whitespace()).collect()
}

/// Posts as a guest, confirms by the mailed link, and returns the published comment's id.
async fn confirmed_guest_comment(
    app: &axum::Router,
    state: &AppState,
    outbox: &Outbox,
    email: &str,
    body: &str,
    reply_to: Option<i64>,
) -> i64 {
    let mut guest = Client::new(app);
    let key = state.member_key().await.unwrap();
    let stamp = comment_form::stamp(&key, 0, chrono::Utc::now() - chrono::Duration::seconds(10));
    let to = reply_to.map(|id| id.to_string()).unwrap_or_default();
    let mut fields = vec![("stamp", stamp.as_str()), ("name", "Gus"), ("email", email)];
    fields.extend([("body", body)]);
    if reply_to.is_some() {
        fields.push(("reply_to", to.as_str()));
    }
    let posted = guest.post("/articles/talk/comments/", &fields).await;
    assert_eq!(posted.status, 200, "{}", posted.body);
    deliver(state).await;
    let link = link_in(&last_mail(outbox, email).body, "/comments/confirm/?token=");
    let token = link.split("token=").nth(1).unwrap().to_owned();
    let done = guest.post("/comments/confirm/", &[("token", &token)]).await;
    assert_eq!(done.status, 303, "{}", done.body);
    let to = done.headers["location"].to_str().unwrap();
    to.rsplit("#comment-").next().unwrap().parse().unwrap()
}

/// A member's reply to comment `parent`, published at once.
async fn member_reply(ann: &mut Client, state: &AppState, parent: i64, body: &str) {
    let id = state.store.member_by_email("ann@example.org").await.unwrap().id;
    let key = state.member_key().await.unwrap();
    let stamp = comment_form::stamp(&key, id, chrono::Utc::now() - chrono::Duration::seconds(10));
    let parent = parent.to_string();
    let fields = [("stamp", stamp.as_str()), ("body", body), ("reply_to", parent.as_str())];
    let r = ann.post("/articles/talk/comments/", &fields).await;
    assert_eq!(r.status, 303, "{}", r.body);
}

/// The site with an article, open to everyone's comments, no first comment held.
async fn open_to_everyone(db: &TestDb) -> (axum::Router, AppState, Outbox) {
    let (app, state, outbox) = site(db).await;
    add_articles(db, &[("articles/talk.md", TALK)]).await;
    let s =
        CommentSettings { mode: CommentMode::Everyone, hold_first: false, ..Default::default() };
    state.store.save_comment_settings(s, &Actor::command_line()).await.unwrap();
    (app, state, outbox)
}

#[tokio::test]
async fn a_confirmed_guest_is_mailed_replies_and_stops_them_by_the_link() {
    for db in databases().await {
        let (app, state, outbox) = open_to_everyone(&db).await;
        let gus = "gus@example.org";
        let top = confirmed_guest_comment(&app, &state, &outbox, gus, "First thought", None).await;
        let mut ann = signed_in_member(&app, &state, &outbox, "ann@example.org").await;

        // A member's reply is mailed to the guest through the queue, with the stop link.
        let before = mails_to(&outbox, gus);
        member_reply(&mut ann, &state, top, "A fair point, Gus.").await;
        deliver(&state).await;
        assert_eq!(mails_to(&outbox, gus), before + 1, "{:?}", db.backend());
        let mail = last_mail(&outbox, gus);
        assert!(mail.subject.contains("replied to your comment"), "{}", mail.subject);
        assert!(mail.body.starts_with("Hello Gus,"), "{}", mail.body);
        assert!(mail.body.contains("> A fair point, Gus."), "{}", mail.body);
        assert!(mail.body.contains("/articles/talk/#comment-"), "{}", mail.body);
        let stop = link_in(&mail.body, "/comments/replies/stop/?token=");
        assert!(mail.body.contains(&format!("{}{stop}", common::BASE)), "{}", mail.body);

        // Another confirmed guest's reply is mailed too; the guest's own is not.
        let hal = "hal@example.org";
        let hals = confirmed_guest_comment(&app, &state, &outbox, hal, "Agreed", Some(top)).await;
        deliver(&state).await;
        assert_eq!(mails_to(&outbox, gus), before + 2);
        assert!(last_mail(&outbox, gus).body.contains("> Agreed"));
        confirmed_guest_comment(&app, &state, &outbox, gus, "Thanks both", Some(top)).await;
        deliver(&state).await;
        assert_eq!(mails_to(&outbox, gus), before + 3, "only the confirmation of the reply");

        // Looking at the link stops nothing; a forged one is refused; its button stops them.
        let mut reader = Client::new(&app);
        let look = reader.get(&stop).await;
        assert_eq!(look.status, 200, "{}", look.body);
        assert_eq!(look.attrs("form.member-form", "action"), ["/comments/replies/stop/"]);
        assert!(state.store.guest_reply_emails(gus).await.unwrap());
        let token = look.attrs("input[name=token]", "value")[0].clone();
        let forged = token.replace("gus@", "hal@");
        let refused = reader.post("/comments/replies/stop/", &[("token", &forged)]).await;
        assert_eq!(refused.status, 400, "{}", refused.body);
        assert!(state.store.guest_reply_emails(hal).await.unwrap());
        assert_eq!(reader.get("/comments/replies/stop/?token=nothing").await.status, 400);
        let stopped = reader.post("/comments/replies/stop/", &[("token", &token)]).await;
        assert_eq!(stopped.status, 200, "{}", stopped.body);
        assert!(stopped.body.contains("no more emails about replies"), "{}", stopped.body);
        assert!(!state.store.guest_reply_emails(gus).await.unwrap());
        let twice = reader.post("/comments/replies/stop/", &[("token", &token)]).await;
        assert_eq!(twice.status, 200);

        // It holds for later replies, to this comment and to the address's later ones.
        member_reply(&mut ann, &state, top, "One more thing.").await;
        let later = confirmed_guest_comment(&app, &state, &outbox, gus, "New topic", None).await;
        member_reply(&mut ann, &state, later, "On your new topic.").await;
        deliver(&state).await;
        let mails = mails_to(&outbox, gus);
        assert_eq!(mails, before + 4, "only the new comment's confirmation");
        assert!(!last_mail(&outbox, gus).body.contains("On your new topic"));
        // Stopping is by address: Hal still hears of replies.
        let hal_mails = mails_to(&outbox, hal);
        member_reply(&mut ann, &state, hals, "And to you, Hal.").await;
        deliver(&state).await;
        assert_eq!(mails_to(&outbox, hal), hal_mails + 1);
        assert!(last_mail(&outbox, hal).body.contains("> And to you, Hal."));
    }
}

#[tokio::test]
async fn an_address_nobody_confirmed_is_never_mailed_a_reply() {
    for db in databases().await {
        let (app, state, outbox) = open_to_everyone(&db).await;
        let article = state.store.published_article("talk").await.unwrap().id;
        let una = "una@example.org";
        let new = NewGuestComment {
            article_id: article,
            parent_id: None,
            name: "Una".into(),
            email: una.into(),
            body: "Never confirmed".into(),
            client: "203.0.113.9".into(),
        };
        let c = state.store.post_guest_comment(&new).await.unwrap().unwrap();
        // An editor may publish it all the same; its address stays unconfirmed.
        let editor = api_token(&state.store, "Eda", Role::Editor).await;
        let path = format!("/comments/{}/approve", c.id);
        let (status, body) = api(&app, "POST", &path, &editor, serde_json::Value::Null).await;
        assert_eq!(status, 200, "{:?}: {body}", db.backend());
        let mut ann = signed_in_member(&app, &state, &outbox, "ann@example.org").await;
        member_reply(&mut ann, &state, c.id, "Welcome, Una.").await;
        assert!(get(&app, "/articles/talk/").await.body.contains("Welcome, Una."));
        deliver(&state).await;
        let to_una: Vec<_> = outbox
            .lock()
            .unwrap()
            .iter()
            .filter(|m| m.to == una)
            .map(|m| m.subject.clone())
            .collect();
        assert!(
            to_una.iter().all(|s| s.starts_with("Confirm your comment")),
            "only the confirmation link goes to an unconfirmed address: {to_una:?}"
        );
    }
}
