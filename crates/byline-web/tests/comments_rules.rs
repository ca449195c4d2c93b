//! The rest of issue 13's comment rules through the router, on both databases: editing for
//! 15 minutes and deleting any time; bans with their expiry, answered with the typed text;
//! pinned comments first; reports and the digest mailed to moderators (and nobody else);
//! counts on the article and in lists; long threads paged and sorted; and a comment dropping
//! its own article's cached page and no other.

mod common;

use byline_core::audit::Actor;
use byline_core::comment_form;
use byline_core::comments::CommentSettings;
use byline_core::jobs::{Job, SendCommentDigest, SendCommentReport};
use byline_core::staff::Role;
use byline_store::testing::databases;
use byline_web::AppState;
use common::client::{Client, signed_in, staff};
use common::members::{signed_in_member, site};
use common::{add_articles, get};

const TALK: &str =
    "---\ntitle: Talk of the town\ndate: 2026-11-26T10:00:00Z\n---\nSay something.\n";
const OTHER: &str = "---\ntitle: Another story\ndate: 2026-11-25T10:00:00Z\n---\nElsewhere.\n";

async fn relaxed(state: &AppState, s: CommentSettings) {
    state.store.save_comment_settings(s, &Actor::command_line()).await.unwrap();
}

async fn post(c: &mut Client, state: &AppState, email: &str, body: &str) -> common::Page {
    let id = state.store.member_by_email(email).await.unwrap().id;
    let key = state.member_key().await.unwrap();
    let stamp = comment_form::stamp(&key, id, chrono::Utc::now() - chrono::Duration::seconds(10));
    c.post("/articles/talk/comments/", &[("stamp", &stamp), ("body", body)]).await
}

fn id_in(location: &common::Page) -> i64 {
    let to = location.headers["location"].to_str().unwrap();
    to[to.rfind("#comment-").expect("an anchor") + 9..].parse().unwrap()
}

/// Claims and completes the queued jobs of kind `J` (due within the hour); returns them.
async fn run_jobs<J: Job + serde::de::DeserializeOwned>(state: &AppState) -> Vec<J> {
    let mut out = Vec::new();
    while let Some(job) = state
        .store
        .claim_job(
            &[J::KIND],
            chrono::Utc::now() + chrono::Duration::hours(1),
            chrono::Duration::minutes(1),
        )
        .await
        .unwrap()
    {
        out.push(serde_json::from_str(&job.payload).unwrap());
        assert!(state.store.complete_job(&job).await.unwrap());
    }
    out
}

#[tokio::test]
async fn a_member_edits_for_fifteen_minutes_and_deletes_any_time() {
    for db in databases().await {
        let (app, state, outbox) = site(&db).await;
        add_articles(&db, &[("articles/talk.md", TALK)]).await;
        relaxed(&state, CommentSettings { hold_first: false, ..Default::default() }).await;
        let mut ann = signed_in_member(&app, &state, &outbox, "ann@example.org").await;
        let id = id_in(&post(&mut ann, &state, "ann@example.org", "A tyop").await);

        let edit = format!("/articles/talk/comments/{id}/edit/");
        let desk = ann.get("/articles/talk/comments/desk/").await;
        assert_eq!(desk.attrs(&format!("form[action='{edit}'] textarea"), "name"), ["body"]);
        let saved = ann.post(&edit, &[("body", "A typo")]).await;
        assert_eq!(saved.status, 200, "{:?}: {}", db.backend(), saved.body);
        let page = get(&app, "/articles/talk/").await;
        assert_eq!(page.texts(&format!("#comment-{id} .comment-body")), ["A typo"]);
        assert_eq!(page.texts(&format!("#comment-{id} .comment-edited")), ["(edited)"]);

        // Sixteen minutes later: no edit form, and an edit is refused with the text back.
        state.store.age_comments(chrono::Duration::minutes(16)).await.unwrap();
        let desk = ann.get("/articles/talk/comments/desk/").await;
        assert!(desk.attrs(&format!("form[action='{edit}']"), "action").is_empty());
        let late = ann.post(&edit, &[("body", "Second thoughts")]).await;
        assert_eq!(late.status, 422);
        assert!(late.texts(".member-error")[0].contains("15 minutes"), "{}", late.body);
        assert_eq!(late.raw_text("#comment-body"), "Second thoughts");
        assert_eq!(
            get(&app, "/articles/talk/").await.texts(&format!("#comment-{id} .comment-body")),
            ["A typo"]
        );

        // Deleting still works, and someone else's comment is not theirs to delete.
        let mut ben = signed_in_member(&app, &state, &outbox, "ben@example.org").await;
        let theirs = ben.post(&format!("/articles/talk/comments/{id}/delete/"), &[]).await;
        assert_eq!(theirs.status, 404);
        let gone = ann.post(&format!("/articles/talk/comments/{id}/delete/"), &[]).await;
        assert_eq!(gone.status, 200);
        assert_eq!(get(&app, "/articles/talk/").await.texts("#comments-title"), ["0 comments"]);
    }
}

#[tokio::test]
async fn a_ban_is_answered_with_the_typed_text_and_ends_at_its_expiry() {
    for db in databases().await {
        let (app, state, outbox) = site(&db).await;
        add_articles(&db, &[("articles/talk.md", TALK)]).await;
        relaxed(&state, CommentSettings { hold_first: false, ..Default::default() }).await;
        let mut eve = signed_in_member(&app, &state, &outbox, "eve@example.org").await;
        let eve_id = state.store.member_by_email("eve@example.org").await.unwrap().id;
        let until = chrono::Utc::now() + chrono::Duration::seconds(2);
        state
            .store
            .ban_commenter(eve_id, "spam", Some(until), &Actor::command_line())
            .await
            .unwrap();
        let banned = post(&mut eve, &state, "eve@example.org", "Let me in").await;
        assert_eq!(banned.status, 403, "{:?}: {}", db.backend(), banned.body);
        assert_eq!(banned.texts(".member-error"), ["You may not comment on this publication."]);
        assert_eq!(banned.raw_text("#comment-body"), "Let me in");
        tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
        let after = post(&mut eve, &state, "eve@example.org", "Let me in").await;
        assert_eq!(after.status, 303, "the ban expired: {}", after.body);

        // A ban without an expiry, through the admin, lasts until it is lifted there.
        let (mut editor, _) = signed_in(&app, &state.store, "Eda Editor", Role::Editor).await;
        let path = format!("/admin/comments/members/{eve_id}");
        let r = editor.post(&format!("{path}/ban"), &[("reason", "again")]).await;
        assert_eq!(r.status, 303, "{}", r.body);
        assert_eq!(post(&mut eve, &state, "eve@example.org", "Hello?").await.status, 403);
        assert_eq!(editor.post(&format!("{path}/unban"), &[]).await.status, 303);
        assert_eq!(post(&mut eve, &state, "eve@example.org", "Hello?").await.status, 303);
    }
}

#[tokio::test]
async fn pins_counts_reports_and_the_digest_reach_the_right_people() {
    for db in databases().await {
        let (app, state, outbox) = site(&db).await;
        add_articles(&db, &[("articles/talk.md", TALK)]).await;
        let (mut editor, eda) = signed_in(&app, &state.store, "Eda Editor", Role::Editor).await;
        let cody = staff(&state.store, "Cody Contributor", Role::Contributor).await;
        let mut ann = signed_in_member(&app, &state, &outbox, "ann@example.org").await;
        let mut ben = signed_in_member(&app, &state, &outbox, "ben@example.org").await;

        // Two held comments make one digest, to moderators only, saying why each waits.
        let first = id_in(&post(&mut ann, &state, "ann@example.org", "First!").await);
        let second = id_in(&post(&mut ben, &state, "ben@example.org", "Second, pinned").await);
        let digests: Vec<SendCommentDigest> = run_jobs(&state).await;
        assert_eq!(digests.len(), 1, "{:?}", db.backend());
        byline_web::comments::mail::send_digest(
            &state.store,
            &state.mailer,
            &state.base_url,
            digests[0].clone(),
        )
        .await
        .unwrap();
        let digest = common::members::last_mail(&outbox, &eda.email);
        assert!(digest.subject.starts_with("2 comments to moderate"), "{}", digest.subject);
        assert!(digest.body.contains("> Second, pinned"), "{}", digest.body);
        assert!(digest.body.contains("Held: first comment of a new commenter"), "{}", digest.body);
        assert!(outbox.lock().unwrap().iter().all(|m| m.to != cody.email));

        // Approved, the second pinned: it comes first, marked; counts show on page and card.
        for one in
            [format!("approve:{first}"), format!("approve:{second}"), format!("pin:{second}")]
        {
            let r = editor.post("/admin/comments", &[("status", "pending"), ("one", &one)]).await;
            assert_eq!(r.status, 303, "{one}: {}", r.body);
        }
        let page = get(&app, "/articles/talk/").await;
        assert_eq!(page.texts("#comments-title"), ["2 comments"]);
        assert_eq!(
            page.attrs(".comments > .comment-list > li", "id"),
            [format!("comment-{second}"), format!("comment-{first}")]
        );
        assert_eq!(page.texts(&format!("#comment-{second} .comment-badge--pinned")), ["Pinned"]);
        assert!(get(&app, "/").await.texts(".card-comments").contains(&"2 comments".to_owned()));

        // A reader reports the first: moderators are told, with the reason.
        let report = format!("/articles/talk/comments/{first}/report/");
        assert_eq!(ben.get(&report).await.status, 200);
        let told = ben.post(&report, &[("reason", "rude to me")]).await;
        assert_eq!(told.status, 200, "{}", told.body);
        let reports: Vec<SendCommentReport> = run_jobs(&state).await;
        assert_eq!(reports.len(), 1);
        byline_web::comments::mail::send_report(
            &state.store,
            &state.mailer,
            &state.base_url,
            reports[0].clone(),
        )
        .await
        .unwrap();
        let mail = common::members::last_mail(&outbox, &eda.email);
        assert!(mail.subject.starts_with("A comment was reported"), "{}", mail.subject);
        assert!(mail.body.contains("Their reason: rude to me"), "{}", mail.body);
        assert!(mail.body.contains("> First!"), "{}", mail.body);
        assert!(outbox.lock().unwrap().iter().all(|m| m.to != cody.email));
    }
}

#[tokio::test]
async fn long_threads_page_and_sort_oldest_or_newest() {
    for db in databases().await {
        let (app, state, outbox) = site(&db).await;
        add_articles(&db, &[("articles/talk.md", TALK)]).await;
        let s = CommentSettings { hold_first: false, per_page: 2, ..Default::default() };
        relaxed(&state, s).await;
        let mut ann = signed_in_member(&app, &state, &outbox, "ann@example.org").await;
        for body in ["one", "two", "three"] {
            assert_eq!(post(&mut ann, &state, "ann@example.org", body).await.status, 303);
            // Distinct times, so the order is the posting order.
            state.store.age_comments(chrono::Duration::minutes(1)).await.unwrap();
        }
        let first = get(&app, "/articles/talk/").await;
        assert_eq!(first.texts("#comments-title"), ["3 comments"], "{:?}", db.backend());
        assert_eq!(first.texts(".comment-body"), ["one", "two"]);
        let next = first.attrs(".comments-pages a[rel=next]", "href");
        assert_eq!(next, ["/articles/talk/comments/oldest/2/"]);
        assert_eq!(get(&app, &next[0]).await.texts(".comment-body"), ["three"]);
        let newest = get(&app, "/articles/talk/comments/newest/1/").await;
        assert_eq!(newest.texts(".comment-body"), ["three", "two"]);
        assert_eq!(get(&app, "/articles/talk/comments/oldest/3/").await.status, 404);
        assert_eq!(get(&app, "/articles/talk/comments/sideways/1/").await.status, 404);
    }
}

#[tokio::test]
async fn a_comment_drops_its_own_articles_cached_page_and_no_other() {
    for db in databases().await {
        let (app, state, outbox) = site(&db).await;
        add_articles(&db, &[("articles/talk.md", TALK), ("articles/other.md", OTHER)]).await;
        relaxed(&state, CommentSettings { hold_first: false, ..Default::default() }).await;
        let mut ann = signed_in_member(&app, &state, &outbox, "ann@example.org").await;
        state.catch_up().await.unwrap();
        let cost = |path: &'static str| {
            let (app, store) = (app.clone(), state.store.clone());
            async move {
                let before = store.statements_run();
                assert_eq!(get(&app, path).await.status, 200, "{path}");
                store.statements_run() - before
            }
        };
        for p in ["/articles/talk/", "/articles/other/"] {
            cost(p).await;
            assert_eq!(cost(p).await, 0, "{p} is cached");
        }
        assert_eq!(post(&mut ann, &state, "ann@example.org", "Hi there").await.status, 303);
        state.catch_up().await.unwrap();
        assert!(cost("/articles/talk/").await > 0, "{:?}: the commented page", db.backend());
        assert_eq!(cost("/articles/other/").await, 0, "another article stays cached");
        assert_eq!(get(&app, "/articles/talk/").await.texts("#comments-title"), ["1 comment"]);
    }
}
