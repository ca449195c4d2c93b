//! Comments through the router, on SQLite and (when configured) PostgreSQL: a member posts
//! from their desk, the comment is held, an editor approves it in the admin and the cached
//! article page shows it; replies are mailed through the job; bad input answers clearly with
//! the text back; nothing written by readers runs; `comments: false` closes an article; the
//! Admin API lists and moderates.

mod common;

use byline_core::audit::Actor;
use byline_core::comment_form;
use byline_core::comments::CommentSettings;
use byline_core::jobs::{Job, SendCommentReply};
use byline_core::staff::Role;
use byline_store::testing::databases;
use common::client::{Client, signed_in};
use common::members::{signed_in_member, site};
use common::{add_articles, api, api_token, get};

const TALK: &str =
    "---\ntitle: Talk of the town\ndate: 2026-11-26T10:00:00Z\n---\nSay something.\n";
const QUIET: &str =
    "---\ntitle: A quiet piece\ndate: 2026-11-20T08:00:00Z\ncomments: false\n---\nNo talking.\n";

/// A stamp as if the member's form had been shown ten seconds ago.
async fn aged_stamp(state: &byline_web::AppState, email: &str) -> String {
    let id = state.store.member_by_email(email).await.unwrap().id;
    let key = state.member_key().await.unwrap();
    comment_form::stamp(&key, id, chrono::Utc::now() - chrono::Duration::seconds(10))
}

async fn post_comment(
    c: &mut Client,
    state: &byline_web::AppState,
    email: &str,
    slug: &str,
    fields: &[(&str, &str)],
) -> common::Page {
    let stamp = aged_stamp(state, email).await;
    let mut all = vec![("stamp", stamp.as_str())];
    all.extend_from_slice(fields);
    c.post(&format!("/articles/{slug}/comments/"), &all).await
}

fn comment_id(location: &str) -> i64 {
    let at = location.rfind("#comment-").expect("a comment anchor");
    location[at + 9..].parse().unwrap()
}

#[tokio::test]
async fn a_held_comment_is_approved_by_an_editor_and_the_cached_page_shows_it() {
    for db in databases().await {
        let (app, state, outbox) = site(&db).await;
        add_articles(&db, &[("articles/talk.md", TALK)]).await;
        let anon = get(&app, "/articles/talk/").await;
        assert_eq!(anon.status, 200, "{:?}", db.backend());
        assert_eq!(anon.texts("#comments-title"), ["0 comments"]);
        assert_eq!(anon.attrs(".comments-why-not a", "href")[0], "/members/signin/");

        let mut ann = signed_in_member(&app, &state, &outbox, "ann@example.org").await;
        let page = ann.get("/articles/talk/").await;
        let desk = page.attrs("a.comment-write", "href");
        assert_eq!(desk, ["/articles/talk/comments/desk/"]);
        let form = ann.get(&desk[0]).await;
        assert_eq!(form.status, 200);
        assert_eq!(form.headers["cache-control"], "no-store");
        assert_eq!(form.attrs("input[name=stamp]", "value").len(), 1);

        let posted = post_comment(
            &mut ann,
            &state,
            "ann@example.org",
            "talk",
            &[("body", "A *first* word"), ("website", "")],
        )
        .await;
        assert_eq!(posted.status, 303, "{}", posted.body);
        let to = posted.headers["location"].to_str().unwrap().to_owned();
        let desk_path = to.split('#').next().unwrap().to_owned();
        assert!(to.starts_with("/articles/talk/comments/desk/?posted="), "{to}");
        let id = comment_id(&to);
        let mine = ann.get(&desk_path).await;
        assert!(mine.body.contains("waiting for a moderator"), "{}", mine.body);
        assert_eq!(get(&app, "/articles/talk/").await.texts("#comments-title"), ["0 comments"]);

        let (mut editor, _) = signed_in(&app, &state.store, "Eda Editor", Role::Editor).await;
        let queue = editor.get("/admin/comments").await;
        assert_eq!(queue.status, 200);
        assert_eq!(queue.texts(".held-because"), ["Held: first comment of a new commenter"]);
        let approved = editor
            .post("/admin/comments", &[("status", "pending"), ("one", &format!("approve:{id}"))])
            .await;
        assert_eq!(approved.status, 303, "{}", approved.body);

        let shown = get(&app, "/articles/talk/").await;
        assert_eq!(shown.texts("#comments-title"), ["1 comment"]);
        assert_eq!(shown.texts(&format!("#comment-{id} .comment-body")), ["A first word"]);
        assert!(shown.body.contains("<em>first</em>"));
        let home = get(&app, "/").await;
        assert!(
            home.texts(".card-comments").contains(&"1 comment".to_owned()),
            "{:?}",
            db.backend()
        );

        // A contributor may not moderate.
        let (mut contributor, _) =
            signed_in(&app, &state.store, "Cody Contributor", Role::Contributor).await;
        assert_eq!(contributor.get("/admin/comments").await.status, 403);
    }
}

#[tokio::test]
async fn a_reply_is_mailed_to_the_parent_writer_through_the_queue() {
    for db in databases().await {
        let (app, state, outbox) = site(&db).await;
        add_articles(&db, &[("articles/talk.md", TALK)]).await;
        let relaxed = CommentSettings { hold_first: false, ..Default::default() };
        state.store.save_comment_settings(relaxed, &Actor::command_line()).await.unwrap();
        let mut ann = signed_in_member(&app, &state, &outbox, "ann@example.org").await;
        let mut ben = signed_in_member(&app, &state, &outbox, "ben@example.org").await;
        let slug = "talk";
        let first =
            post_comment(&mut ann, &state, "ann@example.org", slug, &[("body", "Top")]).await;
        let top = comment_id(first.headers["location"].to_str().unwrap());
        let page = ben.get(&format!("/articles/{slug}/comments/desk/?reply_to={top}")).await;
        assert_eq!(page.texts(".comment-replying .comment-body"), ["Top"]);
        let top_s = top.to_string();
        let reply = post_comment(
            &mut ben,
            &state,
            "ben@example.org",
            slug,
            &[("body", "I disagree, kindly."), ("reply_to", &top_s)],
        )
        .await;
        assert_eq!(reply.status, 303, "{}", reply.body);
        let job = state
            .store
            .claim_job(&[SendCommentReply::KIND], chrono::Utc::now(), chrono::Duration::minutes(1))
            .await
            .unwrap()
            .expect("a reply email job");
        let j: SendCommentReply = serde_json::from_str(&job.payload).unwrap();
        byline_web::comments::mail::send_reply(&state.store, &state.mailer, &state.base_url, j)
            .await
            .unwrap();
        let mail = common::members::last_mail(&outbox, "ann@example.org");
        assert!(mail.body.contains("> I disagree, kindly."), "{}", mail.body);
        assert!(mail.body.contains(&format!("/articles/{slug}/#comment-")), "{}", mail.body);
        let shown = get(&app, &format!("/articles/{slug}/")).await;
        assert_eq!(
            shown.texts(&format!("#comment-{top} .comment-replies .comment-body")),
            ["I disagree, kindly."]
        );
    }
}

#[tokio::test]
async fn bad_input_gets_a_clear_answer_and_the_text_back() {
    for db in databases().await {
        let (app, state, outbox) = site(&db).await;
        add_articles(&db, &[("articles/talk.md", TALK), ("articles/quiet.md", QUIET)]).await;
        let mut ann = signed_in_member(&app, &state, &outbox, "ann@example.org").await;
        let slug = "talk";
        let email = "ann@example.org";

        let empty = post_comment(&mut ann, &state, email, slug, &[("body", "  ")]).await;
        assert_eq!(empty.status, 422, "{:?}", db.backend());
        assert_eq!(empty.texts(".member-error"), ["Your comment is empty."]);

        let long = "word ".repeat(1100);
        let too_long = post_comment(&mut ann, &state, email, slug, &[("body", &long)]).await;
        assert_eq!(too_long.status, 422);
        assert!(too_long.texts(".member-error")[0].contains("the most is 5000"));
        assert_eq!(too_long.raw_text("#comment-body"), long);

        let robot =
            post_comment(&mut ann, &state, email, slug, &[("body", "Buy now"), ("website", "x")])
                .await;
        assert_eq!(robot.status, 422);
        assert_eq!(robot.raw_text("#comment-body"), "Buy now");

        // Posted the moment the form was shown: refused, text kept.
        let desk = ann.get(&format!("/articles/{slug}/comments/desk/")).await;
        let fresh = desk.attrs("input[name=stamp]", "value")[0].clone();
        let quick = ann
            .post(&format!("/articles/{slug}/comments/"), &[("stamp", &fresh), ("body", "Quick")])
            .await;
        assert_eq!(quick.status, 422);
        assert!(quick.texts(".member-error")[0].contains("very quick"));
        assert_eq!(quick.raw_text("#comment-body"), "Quick");
        let forged = ann
            .post(&format!("/articles/{slug}/comments/"), &[("stamp", "1.abc"), ("body", "Forged")])
            .await;
        assert_eq!(forged.status, 422);

        let closed = post_comment(&mut ann, &state, email, "quiet", &[("body", "Hi")]).await;
        assert_eq!(closed.status, 403);
        assert_eq!(closed.texts(".member-error"), ["Comments are closed on this article."]);
        let quiet = get(&app, "/articles/quiet/").await;
        assert_eq!(quiet.texts(".comments-closed"), ["Comments are closed on this article."]);

        // No pass: sent to sign in. Another site's form: refused.
        let mut anon = Client::new(&app);
        let out = anon.post(&format!("/articles/{slug}/comments/"), &[("body", "Hi")]).await;
        assert_eq!(out.status, 303);
        assert_eq!(out.headers["location"], "/members/signin/");
        let req = axum::http::Request::post(format!("/articles/{slug}/comments/"))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("cookie", ann.cookie.clone().unwrap())
            .header("sec-fetch-site", "cross-site")
            .body(axum::body::Body::from("body=hi"))
            .unwrap();
        assert_eq!(ann.send(req).await.status, 403);
    }
}

#[tokio::test]
async fn nothing_readers_write_runs_in_the_page() {
    for db in databases().await {
        let (app, state, outbox) = site(&db).await;
        add_articles(&db, &[("articles/talk.md", TALK)]).await;
        let relaxed = CommentSettings { hold_first: false, max_links: 10, ..Default::default() };
        state.store.save_comment_settings(relaxed, &Actor::command_line()).await.unwrap();
        let mut eve = signed_in_member(&app, &state, &outbox, "eve@example.org").await;
        let renamed =
            eve.post("/members/account/name/", &[("name", "<script>alert('name')</script>")]).await;
        assert_eq!(renamed.status, 200);
        let payloads = [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(2)>",
            "[click](javascript:alert(3))",
            "<a href=\"javascript:alert(4)\">x</a>",
            "\"><svg onload=alert(5)>",
            "<iframe src=\"//evil.example\"></iframe>",
        ];
        for p in payloads {
            let r = post_comment(&mut eve, &state, "eve@example.org", "talk", &[("body", p)]).await;
            assert_eq!(r.status, 303, "{p}: {}", r.body);
        }
        let page = get(&app, "/articles/talk/").await;
        assert_eq!(page.texts("#comments-title"), [format!("{} comments", payloads.len())]);
        let html = page.html();
        for tag in ["script", "img", "svg", "iframe"] {
            let sel = scraper::Selector::parse(&format!(".comments {tag}")).unwrap();
            assert_eq!(html.select(&sel).count(), 0, "a {tag} in the comments");
        }
        let links = page.attrs(".comment-body a", "href");
        assert!(links.iter().all(|h| !h.to_lowercase().starts_with("javascript")), "{links:?}");
        let sel = scraper::Selector::parse(".comments *").unwrap();
        for e in html.select(&sel) {
            assert!(e.value().attrs().all(|(k, _)| !k.starts_with("on")), "{:?}", e.value());
        }
        assert!(
            page.texts(".comment-author").iter().all(|n| n == "<script>alert('name')</script>")
        );
    }
}

#[tokio::test]
async fn the_admin_api_lists_and_moderates() {
    for db in databases().await {
        let (app, state, outbox) = site(&db).await;
        add_articles(&db, &[("articles/talk.md", TALK)]).await;
        let mut ann = signed_in_member(&app, &state, &outbox, "ann@example.org").await;
        let r = post_comment(&mut ann, &state, "ann@example.org", "talk", &[("body", "Held one")])
            .await;
        let id = comment_id(r.headers["location"].to_str().unwrap());
        let editor = api_token(&state.store, "Eda", Role::Editor).await;
        let (status, list) =
            api(&app, "GET", "/comments?status=pending", &editor, serde_json::Value::Null).await;
        assert_eq!(status, 200, "{list}");
        assert_eq!(list["total"], 1);
        assert_eq!(list["items"][0]["id"], id);
        assert_eq!(list["items"][0]["held_because"], "first comment of a new commenter");
        let (status, one) =
            api(&app, "POST", &format!("/comments/{id}/approve"), &editor, serde_json::Value::Null)
                .await;
        assert_eq!((status, one["status"].as_str()), (200, Some("approved")), "{one}");
        let page = get(&app, "/articles/talk/").await;
        assert_eq!(page.texts("#comments-title"), ["1 comment"]);
        let (status, _) =
            api(&app, "POST", &format!("/comments/{id}/trash"), &editor, serde_json::Value::Null)
                .await;
        assert_eq!(status, 200);
        let (status, trash) =
            api(&app, "GET", "/comments?status=trash", &editor, serde_json::Value::Null).await;
        assert_eq!((status, trash["total"].as_u64()), (200, Some(1)));
        let (status, _) =
            api(&app, "POST", &format!("/comments/{id}/restore"), &editor, serde_json::Value::Null)
                .await;
        assert_eq!(status, 200);
        let (status, bad) =
            api(&app, "GET", "/comments?status=lost", &editor, serde_json::Value::Null).await;
        assert_eq!(status, 422, "{bad}");
        let author = api_token(&state.store, "Otto", Role::Author).await;
        let (status, _) = api(&app, "GET", "/comments", &author, serde_json::Value::Null).await;
        assert_eq!(status, 403);
        let (status, _) =
            api(&app, "DELETE", &format!("/comments/{id}"), &editor, serde_json::Value::Null).await;
        assert_eq!(status, 204);
        let (status, _) =
            api(&app, "GET", &format!("/comments/{id}"), &editor, serde_json::Value::Null).await;
        assert_eq!(status, 404);
    }
}
