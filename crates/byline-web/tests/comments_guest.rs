//! Comments by guests in the `everyone` mode, through the router on both databases: a reader
//! who is not signed in comments with a name and an email address; the comment waits until
//! the address is confirmed by a link mailed through the queue (to a real SMTP server in the
//! last test); the link works once and expires; then the usual rules apply (the first
//! comment held, hold words, blocked words); the same anti-spam as members' comments.

mod common;

use byline_core::audit::Actor;
use byline_core::comment_form;
use byline_core::comments::{CommentMode, CommentSettings, PER_GUEST_EMAIL};
use byline_core::jobs::{Job, SendCommentConfirmation};
use byline_core::staff::Role;
use byline_store::testing::databases;
use byline_web::AppState;
use common::client::{Client, signed_in};
use common::members::{last_mail, site};
use common::{add_articles, get};

const TALK: &str =
    "---\ntitle: Talk of the town\ndate: 2026-11-26T10:00:00Z\n---\nSay something.\n";

async fn open_to_everyone(state: &AppState, s: CommentSettings) {
    let s = CommentSettings { mode: CommentMode::Everyone, ..s };
    state.store.save_comment_settings(s, &Actor::command_line()).await.unwrap();
}

/// A guest's form stamp as if shown ten seconds ago.
async fn guest_stamp(state: &AppState) -> String {
    let key = state.member_key().await.unwrap();
    comment_form::stamp(&key, 0, chrono::Utc::now() - chrono::Duration::seconds(10))
}

async fn post_as_guest(
    c: &mut Client,
    state: &AppState,
    name: &str,
    email: &str,
    body: &str,
) -> common::Page {
    let stamp = guest_stamp(state).await;
    let fields = [("stamp", stamp.as_str()), ("name", name), ("email", email), ("body", body)];
    c.post("/articles/talk/comments/", &fields).await
}

/// Runs the queued confirmation emails through the job handler the workers run.
async fn deliver(state: &AppState) -> usize {
    let mut n = 0;
    while let Some(job) = state
        .store
        .claim_job(
            &[SendCommentConfirmation::KIND],
            chrono::Utc::now(),
            chrono::Duration::minutes(1),
        )
        .await
        .unwrap()
    {
        let j: SendCommentConfirmation = serde_json::from_str(&job.payload).unwrap();
        byline_web::comments::mail::send_confirmation(
            &state.store,
            &state.mailer,
            &state.base_url,
            j,
        )
        .await
        .unwrap();
        assert!(state.store.complete_job(&job).await.unwrap());
        assert!(!job.payload.contains("token"), "the job holds no link: {}", job.payload);
        n += 1;
    }
    n
}

/// The token of the confirmation link in `text`.
fn token_in(text: &str) -> String {
    let start = text.find("/comments/confirm/?token=").expect("a confirmation link") + 25;
    text[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

#[tokio::test]
async fn a_guests_comment_waits_for_its_link_then_goes_through_moderation() {
    for db in databases().await {
        let (app, state, outbox) = site(&db).await;
        add_articles(&db, &[("articles/talk.md", TALK)]).await;
        open_to_everyone(&state, CommentSettings::default()).await;

        // The cached page invites everyone; the desk asks a guest for a name and an address.
        let page = get(&app, "/articles/talk/").await;
        assert_eq!(page.attrs("a.comment-write", "href"), ["/articles/talk/comments/desk/"]);
        let mut gus = Client::new(&app);
        let desk = gus.get("/articles/talk/comments/desk/").await;
        assert_eq!(desk.status, 200, "{:?}: {}", db.backend(), desk.body);
        assert_eq!(desk.headers["cache-control"], "no-store");
        assert_eq!(desk.attrs("input[name=name]", "name").len(), 1);
        assert_eq!(desk.attrs("input[name=email]", "type"), ["email"]);
        assert_eq!(desk.attrs("input[name=stamp]", "value").len(), 1);

        let posted =
            post_as_guest(&mut gus, &state, "Gus Guest", "Gus@Example.org", "Hello from a guest")
                .await;
        assert_eq!(posted.status, 200, "{}", posted.body);
        assert!(posted.body.contains("gus@example.org"), "{}", posted.body);
        // Nobody sees it, moderators neither, until the address is confirmed.
        assert_eq!(get(&app, "/articles/talk/").await.texts("#comments-title"), ["0 comments"]);
        let (mut editor, _) = signed_in(&app, &state.store, "Eda Editor", Role::Editor).await;
        assert!(editor.get("/admin/comments").await.texts(".held-because").is_empty());

        assert_eq!(deliver(&state).await, 1);
        let mail = last_mail(&outbox, "gus@example.org");
        assert!(mail.body.contains("Talk of the town"), "{}", mail.body);
        let token = token_in(&mail.body);
        let link = format!("/comments/confirm/?token={token}");
        assert!(mail.body.contains(&format!("{}{link}", common::BASE)), "{}", mail.body);

        // Looking at the link spends nothing; its button does, once.
        for _ in 0..2 {
            let look = gus.get(&link).await;
            assert_eq!(look.status, 200, "{}", look.body);
            assert_eq!(look.attrs("form.member-form", "action"), ["/comments/confirm/"]);
        }
        let confirmed = gus.post("/comments/confirm/", &[("token", &token)]).await;
        assert_eq!(confirmed.status, 200, "{}", confirmed.body);
        assert!(confirmed.body.contains("waits for a moderator"), "{}", confirmed.body);
        let again = gus.post("/comments/confirm/", &[("token", &token)]).await;
        assert_eq!(again.status, 410);
        assert_eq!(gus.get(&link).await.status, 410);

        // The first comment from this address is held, and says why; moderators see the
        // address, readers never do.
        let queue = editor.get("/admin/comments").await;
        assert_eq!(queue.texts(".held-because"), ["Held: first comment of a new commenter"]);
        assert!(queue.body.contains("gus@example.org"), "{}", queue.body);
        let approve = queue.attrs("button[name=one][value^=approve]", "value");
        assert_eq!(approve.len(), 1, "{}", queue.body);
        let approved =
            editor.post("/admin/comments", &[("status", "pending"), ("one", &approve[0])]).await;
        assert_eq!(approved.status, 303, "{}", approved.body);
        let shown = get(&app, "/articles/talk/").await;
        assert_eq!(shown.texts("#comments-title"), ["1 comment"]);
        assert_eq!(shown.texts(".comment-author"), ["Gus Guest"]);
        assert!(!shown.body.contains("gus@example.org"));
        assert!(shown.texts(".comment-badge").is_empty(), "a guest is not marked as staff");

        // The next comment from a confirmed, approved address is published on confirmation.
        let second =
            post_as_guest(&mut gus, &state, "Gus Guest", "gus@example.org", "Me again").await;
        assert_eq!(second.status, 200, "{}", second.body);
        deliver(&state).await;
        let token = token_in(&last_mail(&outbox, "gus@example.org").body);
        let published = gus.post("/comments/confirm/", &[("token", &token)]).await;
        assert_eq!(published.status, 303, "{}", published.body);
        let to = published.headers["location"].to_str().unwrap();
        assert!(to.starts_with("/articles/talk/#comment-"), "{to}");
        assert_eq!(get(&app, "/articles/talk/").await.texts("#comments-title"), ["2 comments"]);

        // A link expires: its comment stays unseen.
        let late =
            post_as_guest(&mut gus, &state, "Gus Guest", "gus@example.org", "Too late").await;
        assert_eq!(late.status, 200);
        deliver(&state).await;
        let token = token_in(&last_mail(&outbox, "gus@example.org").body);
        state.store.age_comment_confirmations(chrono::Duration::hours(25)).await.unwrap();
        let expired = gus.post("/comments/confirm/", &[("token", &token)]).await;
        assert_eq!(expired.status, 410);
        assert!(expired.body.contains("expired"), "{}", expired.body);
        let unknown = gus.post("/comments/confirm/", &[("token", "not-a-token")]).await;
        assert_eq!(unknown.status, 404);
        assert_eq!(get(&app, "/articles/talk/").await.texts("#comments-title"), ["2 comments"]);
    }
}

#[tokio::test]
async fn guests_meet_the_hold_rules_blocked_words_and_the_anti_spam() {
    for db in databases().await {
        let (app, state, outbox) = site(&db).await;
        add_articles(&db, &[("articles/talk.md", TALK)]).await;
        let rules = CommentSettings {
            hold_first: false,
            hold_words: vec!["casino".into()],
            blocked_words: vec!["slur".into()],
            ..Default::default()
        };
        open_to_everyone(&state, rules).await;
        let mut guest = Client::new(&app);

        // A held word holds it once confirmed, with the reason.
        let r = post_as_guest(&mut guest, &state, "Hal", "hal@example.org", "Casino night?").await;
        assert_eq!(r.status, 200, "{:?}: {}", db.backend(), r.body);
        deliver(&state).await;
        let token = token_in(&last_mail(&outbox, "hal@example.org").body);
        let held = guest.post("/comments/confirm/", &[("token", &token)]).await;
        assert_eq!(held.status, 200, "{}", held.body);
        let (mut editor, _) = signed_in(&app, &state.store, "Eda Editor", Role::Editor).await;
        let queue = editor.get("/admin/comments").await;
        assert_eq!(queue.texts(".held-because"), ["Held: contains the held word “casino”"]);

        // A blocked word is refused at once, the name, address and text kept.
        let blocked =
            post_as_guest(&mut guest, &state, "Hal", "hal@example.org", "What a slur").await;
        assert_eq!(blocked.status, 422);
        assert!(blocked.texts(".member-error")[0].contains("slur"), "{}", blocked.body);
        assert_eq!(blocked.raw_text("#comment-body"), "What a slur");
        assert_eq!(blocked.attrs("#comment-name", "value"), ["Hal"]);
        assert_eq!(blocked.attrs("#comment-email", "value"), ["hal@example.org"]);

        // No name, a bad address, an empty text, the honeypot, too fast: clear answers.
        let no_name = post_as_guest(&mut guest, &state, " ", "hal@example.org", "Hi").await;
        assert_eq!(no_name.status, 422);
        assert!(no_name.texts(".member-error")[0].contains("name"));
        assert_eq!(no_name.raw_text("#comment-body"), "Hi");
        let bad = post_as_guest(&mut guest, &state, "Hal", "hal at example", "Hi").await;
        assert_eq!(bad.status, 422);
        assert!(bad.texts(".member-error")[0].contains("email address"), "{}", bad.body);
        assert_eq!(bad.attrs("#comment-email", "value"), ["hal at example"]);
        let empty = post_as_guest(&mut guest, &state, "Hal", "hal@example.org", " ").await;
        assert_eq!(empty.texts(".member-error"), ["Your comment is empty."]);
        let stamp = guest_stamp(&state).await;
        let robot = guest
            .post(
                "/articles/talk/comments/",
                &[
                    ("stamp", &stamp),
                    ("name", "Bot"),
                    ("email", "bot@example.org"),
                    ("body", "Buy"),
                    ("website", "x"),
                ],
            )
            .await;
        assert_eq!(robot.status, 422);
        assert_eq!(robot.raw_text("#comment-body"), "Buy");
        let desk = guest.get("/articles/talk/comments/desk/").await;
        let fresh = desk.attrs("input[name=stamp]", "value")[0].clone();
        let quick = guest
            .post(
                "/articles/talk/comments/",
                &[("stamp", &fresh), ("name", "Q"), ("email", "q@example.org"), ("body", "Fast")],
            )
            .await;
        assert_eq!(quick.status, 422);
        assert!(quick.texts(".member-error")[0].contains("very quick"));

        // A duplicate, then the per-address limit (each post mails the address).
        let dup =
            post_as_guest(&mut guest, &state, "Hal", "hal@example.org", "Casino night?").await;
        assert_eq!(dup.status, 409);
        for i in 1..PER_GUEST_EMAIL {
            let r =
                post_as_guest(&mut guest, &state, "Lim", "hal@example.org", &format!("n{i}")).await;
            assert_eq!(r.status, 200, "post {i}: {}", r.body);
        }
        let limited =
            post_as_guest(&mut guest, &state, "Lim", "hal@example.org", "one too many").await;
        assert_eq!(limited.status, 429);
        assert!(limited.headers.contains_key("retry-after"));
        assert_eq!(limited.raw_text("#comment-body"), "one too many");
        assert_eq!(deliver(&state).await as u64, PER_GUEST_EMAIL - 1);

        // In the `members` mode a guest is sent to sign in.
        let members = CommentSettings { mode: CommentMode::Members, ..Default::default() };
        state.store.save_comment_settings(members, &Actor::command_line()).await.unwrap();
        let out = post_as_guest(&mut guest, &state, "Hal", "hal@example.org", "Hi").await;
        assert_eq!(out.status, 303);
        assert_eq!(out.headers["location"], "/members/signin/");
        let desk = guest.get("/articles/talk/comments/desk/").await;
        assert_eq!(desk.status, 303);
    }
}

#[tokio::test]
async fn the_confirmation_link_arrives_over_smtp_and_confirms() {
    let Some(server) = common::smtp::SmtpServer::start() else { return };
    let mut expected = 0;
    for db in databases().await {
        let (_, mut state, _) = site(&db).await;
        state.mailer = byline_web::mail::Mailer::smtp(&byline_web::mail::SmtpSettings {
            host: "127.0.0.1".into(),
            port: server.port,
            username: None,
            password: None,
            from: "The Newsroom <newsroom@example.org>".into(),
            tls: byline_web::mail::SmtpTls::None,
        })
        .unwrap();
        let app = byline_web::router(state.clone());
        add_articles(&db, &[("articles/talk.md", TALK)]).await;
        open_to_everyone(&state, CommentSettings { hold_first: false, ..Default::default() }).await;
        let mut gus = Client::new(&app);
        let r = post_as_guest(&mut gus, &state, "Gus", "gus@example.org", "Over the wire").await;
        assert_eq!(r.status, 200, "{:?}: {}", db.backend(), r.body);
        assert_eq!(deliver(&state).await, 1);
        expected += 1;
        let got = server.wait_for(expected);
        assert_eq!(got.len(), expected, "aiosmtpd received {got:?}");
        let mail = got.last().unwrap();
        assert_eq!(mail.to, "gus@example.org");
        assert!(mail.subject.starts_with("Confirm your comment on "), "{}", mail.subject);
        let token = token_in(&mail.text);
        assert_eq!(gus.get(&format!("/comments/confirm/?token={token}")).await.status, 200);
        let done = gus.post("/comments/confirm/", &[("token", &token)]).await;
        assert_eq!(done.status, 303, "{}", done.body);
        let page = get(&app, "/articles/talk/").await;
        assert_eq!(page.texts(".comment-body"), ["Over the wire"]);
        assert_eq!(page.texts(".comment-author"), ["Gus"]);
    }
}
