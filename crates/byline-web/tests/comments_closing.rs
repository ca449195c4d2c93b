//! An article's own comment settings, on both databases: `comments: false` and
//! `comments_close_after_days` in front matter, in the editor and in the Admin API; the
//! article's closing age overrides the publication's (0: never); a closed article still shows
//! its comments and says that comments are closed; bad values are named; a cached page says
//! comments are closed from the moment they close, with nothing else refreshing it.

mod common;

use byline_core::audit::Actor;
use byline_core::comment_form;
use byline_core::comments::CommentSettings;
use byline_core::staff::Role;
use byline_import::SourceFile;
use byline_store::testing::databases;
use common::client::signed_in;
use common::forms::{form_fields, post_fields, with};
use common::members::{signed_in_member, site};
use common::{add_articles, api, api_token, get};

/// Published long ago: older than any closing age below except "never".
fn old_piece(extra: &str) -> String {
    format!("---\ntitle: An old piece\ndate: 2020-01-06T08:00:00Z\n{extra}---\nStill read.\n")
}

async fn post(
    c: &mut common::client::Client,
    state: &byline_web::AppState,
    email: &str,
    slug: &str,
    body: &str,
) -> common::Page {
    let id = state.store.member_by_email(email).await.unwrap().id;
    let key = state.member_key().await.unwrap();
    let stamp = comment_form::stamp(&key, id, chrono::Utc::now() - chrono::Duration::seconds(10));
    c.post(&format!("/articles/{slug}/comments/"), &[("stamp", &stamp), ("body", body)]).await
}

#[tokio::test]
async fn an_articles_own_closing_age_overrides_the_publications_and_closed_pages_keep_comments() {
    for db in databases().await {
        let (app, state, outbox) = site(&db).await;
        let weekly =
            CommentSettings { hold_first: false, close_after_days: Some(7), ..Default::default() };
        state.store.save_comment_settings(weekly, &Actor::command_line()).await.unwrap();
        add_articles(
            &db,
            &[
                ("articles/old.md", &old_piece("comments_close_after_days: 0\n")),
                ("articles/aged.md", &old_piece("slug: aged\n")),
            ],
        )
        .await;
        // The publication closes at seven days; this article never closes by age.
        let mut ann = signed_in_member(&app, &state, &outbox, "ann@example.org").await;
        let ok = post(&mut ann, &state, "ann@example.org", "old", "Worth reading again.").await;
        assert_eq!(ok.status, 303, "{:?}: {}", db.backend(), ok.body);
        let page = get(&app, "/articles/old/").await;
        assert_eq!(page.texts("#comments-title"), ["1 comment"]);
        assert!(page.texts(".comments-closed").is_empty());

        // The same age closes an article that follows the publication.
        let aged = get(&app, "/articles/aged/").await;
        assert_eq!(
            aged.texts(".comments-closed"),
            ["Comments on this article are closed: it is too old."]
        );
        let refused = post(&mut ann, &state, "ann@example.org", "aged", "Late word").await;
        assert_eq!(refused.status, 403);
        assert_eq!(refused.raw_text("#comment-body"), "Late word", "the typed text comes back");

        // Its own 30 days close it now: the comment stays, and the page says comments are
        // closed (the cached page follows the change).
        add_articles(&db, &[("articles/old.md", &old_piece("comments_close_after_days: 30\n"))])
            .await;
        state.catch_up().await.unwrap();
        let closed = get(&app, "/articles/old/").await;
        assert_eq!(closed.texts("#comments-title"), ["1 comment"], "{:?}", db.backend());
        assert_eq!(closed.texts(".comment-body"), ["Worth reading again."]);
        assert_eq!(
            closed.texts(".comments-closed"),
            ["Comments on this article are closed: it is too old."]
        );
        assert!(closed.attrs("a.comment-write", "href").is_empty());
        let late = post(&mut ann, &state, "ann@example.org", "old", "One more").await;
        assert_eq!(late.status, 403);
        assert!(late.texts(".member-error")[0].contains("too old"), "{}", late.body);

        // `comments: false` closes it whatever the age, and still shows the comment.
        add_articles(&db, &[("articles/old.md", &old_piece("comments: false\n"))]).await;
        state.catch_up().await.unwrap();
        let off = get(&app, "/articles/old/").await;
        assert_eq!(off.texts(".comments-closed"), ["Comments are closed on this article."]);
        assert_eq!(off.texts(".comment-body"), ["Worth reading again."]);
    }
}

#[tokio::test]
async fn the_editor_and_the_admin_api_set_both_and_name_bad_values() {
    for db in databases().await {
        let (app, state, _outbox) = site(&db).await;
        add_articles(&db, &[("articles/old.md", &old_piece(""))]).await;
        let id = state.store.published_article("old").await.unwrap().id;

        // The Admin API reads and writes the field; a negative number is a field error.
        let token = api_token(&state.store, "Eda", Role::Editor).await;
        let (status, a) =
            api(&app, "GET", &format!("/articles/{id}"), &token, Default::default()).await;
        assert_eq!(status, 200, "{a}");
        assert_eq!(a["comments_close_after_days"], serde_json::Value::Null);
        let mut body = serde_json::json!({
            "version": a["version"], "title": a["title"], "slug": a["slug"], "body": a["body"],
            "authors": a["authors"], "published_at": a["published_at"],
            "comments_close_after_days": 36501,
        });
        let (status, bad) =
            api(&app, "PUT", &format!("/articles/{id}"), &token, body.clone()).await;
        assert_eq!(status, 422, "{bad}");
        assert_eq!(bad["error"]["fields"][0]["field"], "comments_close_after_days", "{bad}");
        body["comments_close_after_days"] = 0.into();
        let (status, saved) = api(&app, "PUT", &format!("/articles/{id}"), &token, body).await;
        assert_eq!(status, 200, "{saved}");
        assert_eq!(saved["comments_close_after_days"], 0);

        // The editor shows both controls with the saved values, and saves them.
        let (mut editor, _) = signed_in(&app, &state.store, "Eda Editor", Role::Editor).await;
        let page = editor.get(&format!("/admin/articles/{id}")).await;
        assert_eq!(page.status, 200);
        assert_eq!(page.attrs("input[name=comments_close_after_days]", "value"), ["0"]);
        assert_eq!(page.attrs("input[type=checkbox][name=comments]", "value"), ["closed"]);
        assert!(page.attrs("input[name=comments][checked]", "value").is_empty());
        let typed = with(
            form_fields(&page),
            &[("intent", "save"), ("comments", "closed"), ("comments_close_after_days", "twelve")],
        );
        let path = format!("/admin/articles/{id}");
        let refused = post_fields(&mut editor, &path, &typed).await;
        assert_eq!(refused.status, 422, "{}", refused.body);
        assert!(refused.body.contains("is not a number of days"), "{}", refused.body);
        assert_eq!(refused.attrs("input[name=comments_close_after_days]", "value"), ["twelve"]);
        assert_eq!(refused.attrs("input[name=comments][checked]", "value"), ["closed"]);
        let page = editor.get(&path).await;
        let fixed = with(
            form_fields(&page),
            &[("intent", "save"), ("comments", "closed"), ("comments_close_after_days", "12")],
        );
        let saved = post_fields(&mut editor, &path, &fixed).await;
        assert_eq!(saved.status, 303, "{}", saved.body);
        let a = state.store.published_article("old").await.unwrap();
        assert_eq!((a.comments, a.comments_close_after_days), (Some(false), Some(12)));

        // Front matter: a negative or too large number names the file and the field.
        for bad in ["-3", "40000"] {
            let text = old_piece(&format!("comments_close_after_days: {bad}\n"));
            let files = [SourceFile { path: "articles/bad.md".into(), text: Ok(text) }];
            let report = byline_import::import(&db.store, &files, chrono::Utc::now()).await;
            let said = report.to_string();
            assert_eq!(report.errors.len(), 1, "{said}");
            assert!(
                said.contains("bad.md") && said.contains("comments_close_after_days"),
                "{said}"
            );
        }
    }
}

#[tokio::test]
async fn a_cached_page_says_comments_are_closed_from_the_moment_they_close() {
    use chrono::{Duration, SecondsFormat, Utc};
    for db in databases().await {
        let (app, state, _outbox) = site(&db).await;
        // Published a day ago less a few seconds, closing after a day: open a little longer.
        let closes = Utc::now() + Duration::seconds(8);
        let date = (closes - Duration::days(1)).to_rfc3339_opts(SecondsFormat::Secs, true);
        let closes = chrono::DateTime::parse_from_rfc3339(&date).unwrap() + Duration::days(1);
        let text = format!(
            "---\ntitle: Closing soon\ndate: {date}\ncomments_close_after_days: 1\n---\nHurry.\n"
        );
        // Imported as of now (the suite's usual import date is earlier than this one's).
        let files = [SourceFile { path: "articles/soon.md".into(), text: Ok(text) }];
        let report = byline_import::import(&db.store, &files, Utc::now()).await;
        assert!(report.errors.is_empty(), "{report}");

        let open = get(&app, "/articles/soon/").await;
        assert_eq!(open.status, 200, "{:?}", db.backend());
        assert!(open.texts(".comments-closed").is_empty(), "{}", open.body);
        // Cached: the same page again costs no query; browsers keep it no longer than it
        // is true.
        let before = state.store.statements_run();
        let again = get(&app, "/articles/soon/").await;
        assert_eq!(state.store.statements_run(), before, "a hit while comments are open");
        assert!(again.texts(".comments-closed").is_empty());
        assert!(Utc::now() < closes, "the machine took too long to show the open page");
        let max_age: u64 = again.headers["cache-control"]
            .to_str()
            .unwrap()
            .rsplit("max-age=")
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert!(max_age <= 8, "{:?}", again.headers["cache-control"]);

        // Nothing is written; the page says comments are closed once they are.
        let waited_from = std::time::Instant::now();
        let closed = loop {
            let page = get(&app, "/articles/soon/").await;
            if !page.texts(".comments-closed").is_empty() {
                break page;
            }
            assert!(
                waited_from.elapsed() < std::time::Duration::from_secs(60),
                "the cached page still says comments are open a minute on"
            );
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        };
        assert!(Utc::now() > closes, "closed before the moment");
        assert_eq!(
            closed.texts(".comments-closed"),
            ["Comments on this article are closed: it is too old."]
        );
        // The closed page is kept as usual (no deadline any more).
        let before = state.store.statements_run();
        let kept = get(&app, "/articles/soon/").await;
        assert_eq!(state.store.statements_run(), before, "the closed page is a hit");
        assert_eq!(kept.headers["cache-control"], "public, max-age=60");
    }
}
