//! Comments in the store, on SQLite and (when configured) PostgreSQL: posting and the hold
//! rules, refusals (blocked words, duplicates, rate limits, bans, closed articles), threads
//! and their depth, members' edits and deletions, moderation with its audit lines and cache
//! tags (the article alone), reports, hiding all of a member's comments, and settings.

use byline_core::audit::Actor;
use byline_core::comments::{CommentMode, CommentSettings, CommentStatus, PER_MEMBER, Refusal};
use byline_core::jobs::{Job, SendCommentDigest, SendCommentReply, SendCommentReport};
use byline_core::members::MemberInput;
use byline_core::{ArticleInput, ArticleStatus};
use byline_store::testing::databases;
use byline_store::{CommentRefused, Joined, ModerationAction, NewComment, StaffReply, Store};
use chrono::{Duration, Utc};

async fn article(s: &Store, title: &str, comments: Option<bool>) -> i64 {
    let a = ArticleInput {
        title: title.into(),
        body: format!("Body of {title}."),
        status: ArticleStatus::Published,
        published_at: Some(Utc::now() - Duration::days(2)),
        comments,
        ..Default::default()
    };
    s.save_article(&a.validate().unwrap(), None).await.unwrap().value.id
}

async fn member(s: &Store, email: &str, name: &str) -> i64 {
    let input = MemberInput { email: email.into(), name: Some(name.into()), ..Default::default() };
    s.add_member(input.validate().unwrap(), Joined::SignUp, None).await.unwrap().id
}

fn new(article_id: i64, member_id: i64, body: &str) -> NewComment {
    NewComment {
        article_id,
        member_id,
        parent_id: None,
        body: body.into(),
        client: format!("10.0.0.{member_id}"),
    }
}

async fn queued(s: &Store, kind: &str) -> usize {
    s.jobs(None, 200)
        .await
        .unwrap()
        .iter()
        .filter(|j| j.kind == kind && j.state == byline_core::jobs::JobState::Queued)
        .count()
}

#[tokio::test]
async fn a_first_comment_is_held_then_approved_and_later_ones_go_straight_up() {
    for db in databases().await {
        let s = &db.store;
        let a = article(s, "Grids", None).await;
        let ann = member(s, "ann@example.org", "Ann").await;
        let first = s.post_comment(&new(a, ann, "First *thoughts*")).await.unwrap().unwrap();
        assert_eq!(first.status, CommentStatus::Pending, "{:?}", db.backend());
        assert_eq!(first.held_because, "first comment of a new commenter");
        assert_eq!(first.body_html, "<p>First <em>thoughts</em></p>\n");
        assert!(s.article_comments(a).await.unwrap().is_empty());
        assert_eq!(queued(s, SendCommentDigest::KIND).await, 1);
        // A second held comment does not queue a second digest.
        let ben = member(s, "ben@example.org", "Ben").await;
        s.post_comment(&new(a, ben, "Me too")).await.unwrap().unwrap();
        assert_eq!(queued(s, SendCommentDigest::KIND).await, 1);

        let cursor = s.change_cursor().await.unwrap();
        let editor = Actor::command_line();
        let done =
            s.moderate_comments(&[first.id], ModerationAction::Approve, &editor).await.unwrap();
        assert_eq!(done[0].status, CommentStatus::Approved);
        // Only this article's pages change.
        let changes = s.changes_since(cursor).await.unwrap();
        assert_eq!(changes.tags, [format!("article:{a}")]);
        let log = s.audit_log(1, 5).await.unwrap();
        assert_eq!(log.items[0].action, "comment.approve");
        assert_eq!(log.items[0].subject, format!("comment {} on article {a}", first.id));

        let second = s.post_comment(&new(a, ann, "Second thoughts")).await.unwrap().unwrap();
        assert_eq!(second.status, CommentStatus::Approved);
        assert_eq!(s.article_comments(a).await.unwrap().len(), 2);
        assert_eq!(s.comment_counts(&[a, a + 1000]).await.unwrap().get(&a), Some(&2));
        let queue = s.comment_queue(CommentStatus::Pending, 1, 10).await.unwrap();
        assert_eq!(queue.page.total, 1);
        assert_eq!(queue.page.items[0].member_email.as_deref(), Some("ben@example.org"));
    }
}

#[tokio::test]
async fn hold_rules_blocked_words_and_duplicates() {
    for db in databases().await {
        let s = &db.store;
        let settings = CommentSettings {
            hold_first: false,
            max_links: 1,
            hold_words: vec!["casino".into()],
            blocked_words: vec!["scum".into()],
            ..Default::default()
        };
        s.save_comment_settings(settings, &Actor::command_line()).await.unwrap();
        let a = article(s, "Markets", None).await;
        let m = member(s, "cat@example.org", "Cat").await;
        let links = "see https://a.example and https://b.example";
        let held = s.post_comment(&new(a, m, links)).await.unwrap().unwrap();
        assert_eq!(held.status, CommentStatus::Pending);
        assert_eq!(held.held_because, "2 links (more than 1)");
        let word = s.post_comment(&new(a, m, "Casino tips")).await.unwrap().unwrap();
        assert!(word.held_because.contains("casino"), "{}", word.held_because);
        let refused = s.post_comment(&new(a, m, "You SCUM.")).await.unwrap().unwrap_err();
        assert!(refused.message().contains("scum"), "{}", refused.message());
        let ok = s.post_comment(&new(a, m, "A fair point")).await.unwrap().unwrap();
        assert_eq!(ok.status, CommentStatus::Approved);
        let again = s.post_comment(&new(a, m, "A fair point")).await.unwrap().unwrap_err();
        assert_eq!(again, CommentRefused::Duplicate);
        let empty = s.post_comment(&new(a, m, "   ")).await.unwrap().unwrap_err();
        assert!(empty.message().contains("empty"));
        let long = "x".repeat(5001);
        let long = s.post_comment(&new(a, m, &long)).await.unwrap().unwrap_err();
        assert!(long.message().contains("5001"), "{}", long.message());
        // Nothing refused was kept.
        let mine = s.member_comments_on(m, a).await.unwrap();
        assert_eq!(mine.len(), 3, "{:?}", db.backend());
    }
}

#[tokio::test]
async fn rate_limits_bans_and_closed_articles() {
    for db in databases().await {
        let s = &db.store;
        let a = article(s, "Closed", Some(false)).await;
        let m = member(s, "dan@example.org", "Dan").await;
        let closed = s.post_comment(&new(a, m, "hello")).await.unwrap().unwrap_err();
        assert_eq!(closed, CommentRefused::Closed(Refusal::ClosedByArticle));

        let open = article(s, "Open", None).await;
        for i in 0..PER_MEMBER {
            s.post_comment(&new(open, m, &format!("comment {i}"))).await.unwrap().unwrap();
        }
        let limited = s.post_comment(&new(open, m, "one more")).await.unwrap().unwrap_err();
        assert!(
            matches!(limited, CommentRefused::TooMany { retry_after } if retry_after > 0),
            "{limited:?}"
        );

        let eve = member(s, "eve@example.org", "Eve").await;
        let until = Utc::now() + Duration::days(7);
        s.ban_commenter(eve, "spam", Some(until), &Actor::command_line()).await.unwrap();
        let banned = s.post_comment(&new(open, eve, "hi")).await.unwrap().unwrap_err();
        assert_eq!(banned, CommentRefused::Closed(Refusal::Banned));
        let who = s.commenter(eve).await.unwrap();
        assert_eq!(who.ban.as_ref().map(|b| b.reason.as_str()), Some("spam"));
        assert!(s.ban_commenter(eve, " ", None, &Actor::command_line()).await.is_err());
        s.lift_comment_ban(eve, &Actor::command_line()).await.unwrap();
        assert!(s.post_comment(&new(open, eve, "hi")).await.unwrap().is_ok());

        let off = CommentSettings { mode: CommentMode::Off, ..Default::default() };
        s.save_comment_settings(off, &Actor::command_line()).await.unwrap();
        let off = s.post_comment(&new(open, eve, "hi again")).await.unwrap().unwrap_err();
        assert_eq!(off, CommentRefused::Closed(Refusal::Off));
    }
}

#[tokio::test]
async fn replies_thread_to_the_depth_and_tell_the_parent_once() {
    for db in databases().await {
        let s = &db.store;
        let relaxed = CommentSettings { hold_first: false, depth: 2, ..Default::default() };
        s.save_comment_settings(relaxed, &Actor::command_line()).await.unwrap();
        let a = article(s, "Threads", None).await;
        let (ann, ben) = (member(s, "ann@x.org", "Ann").await, member(s, "ben@x.org", "Ben").await);
        let top = s.post_comment(&new(a, ann, "top")).await.unwrap().unwrap();
        let reply = NewComment { parent_id: Some(top.id), ..new(a, ben, "a reply") };
        let r1 = s.post_comment(&reply).await.unwrap().unwrap();
        assert_eq!(r1.parent_id, Some(top.id));
        assert_eq!(queued(s, SendCommentReply::KIND).await, 1);
        let notice = s.reply_notice(r1.id).await.unwrap().unwrap();
        assert_eq!((notice.to_email.as_str(), notice.reply.id), ("ann@x.org", r1.id));
        // At the deepest level a reply goes beside its parent.
        let deeper = NewComment { parent_id: Some(r1.id), ..new(a, ann, "deeper") };
        let r2 = s.post_comment(&deeper).await.unwrap().unwrap();
        assert_eq!(r2.parent_id, Some(top.id));
        // Replying to yourself tells nobody; opting out stops the mail.
        let own = NewComment { parent_id: Some(top.id), ..new(a, ann, "my own follow-up") };
        let own = s.post_comment(&own).await.unwrap().unwrap();
        assert!(s.reply_notice(own.id).await.unwrap().is_none());
        s.set_reply_emails(ann, false).await.unwrap();
        assert!(s.reply_notice(r1.id).await.unwrap().is_none());
        let gone = NewComment { parent_id: Some(999_999), ..new(a, ben, "to nothing") };
        assert!(matches!(
            s.post_comment(&gone).await.unwrap().unwrap_err(),
            CommentRefused::Invalid(_)
        ));

        // A staff reply is approved, marked, and audited.
        let staff = s
            .reply_as_staff(
                &StaffReply { parent_id: top.id, body: "Thanks!".into() },
                &Actor::command_line(),
            )
            .await
            .unwrap();
        assert!(staff.staff && staff.status == CommentStatus::Approved);
        assert_eq!(s.audit_log(1, 1).await.unwrap().items[0].action, "comment.reply");
    }
}

#[tokio::test]
async fn members_edit_within_the_window_delete_any_time_and_report() {
    for db in databases().await {
        let s = &db.store;
        let relaxed = CommentSettings { hold_first: false, ..Default::default() };
        s.save_comment_settings(relaxed, &Actor::command_line()).await.unwrap();
        let a = article(s, "Edits", None).await;
        let (ann, ben) = (member(s, "ann@y.org", "Ann").await, member(s, "ben@y.org", "Ben").await);
        let c = s.post_comment(&new(a, ann, "tyop")).await.unwrap().unwrap();
        let cursor = s.change_cursor().await.unwrap();
        let edited = s.edit_own_comment(ann, c.id, "typo").await.unwrap().unwrap();
        assert_eq!((edited.body.as_str(), edited.status), ("typo", CommentStatus::Approved));
        assert!(edited.edited_at.is_some());
        assert_eq!(s.changes_since(cursor).await.unwrap().tags, [format!("article:{a}")]);
        // Someone else's comment is not theirs to edit or delete.
        assert!(s.edit_own_comment(ben, c.id, "mine now").await.unwrap_err().is_not_found());
        assert!(s.delete_own_comment(ben, c.id).await.unwrap_err().is_not_found());

        assert!(s.report_comment(ben, c.id, "rude").await.unwrap());
        assert!(!s.report_comment(ben, c.id, "rude").await.unwrap());
        assert_eq!(queued(s, SendCommentReport::KIND).await, 1);
        let q = s.queued_comment(c.id).await.unwrap();
        assert_eq!(q.report_reasons, ["rude"]);

        // A reply keeps a deleted comment's place, without its text.
        let r = NewComment { parent_id: Some(c.id), ..new(a, ben, "reply") };
        s.post_comment(&r).await.unwrap().unwrap();
        s.delete_own_comment(ann, c.id).await.unwrap();
        let shown = s.article_comments(a).await.unwrap();
        let gone = shown.iter().find(|x| x.id == c.id).unwrap();
        assert_eq!((gone.status, gone.body.as_str()), (CommentStatus::Deleted, ""));
        assert_eq!(s.comment_counts(&[a]).await.unwrap().get(&a), Some(&1));
    }
}

#[tokio::test]
async fn moderation_moves_pins_hides_and_deletes() {
    for db in databases().await {
        let s = &db.store;
        let relaxed = CommentSettings { hold_first: false, ..Default::default() };
        s.save_comment_settings(relaxed, &Actor::command_line()).await.unwrap();
        let (a, b) = (article(s, "One", None).await, article(s, "Two", None).await);
        let m = member(s, "mo@z.org", "Mo").await;
        let c1 = s.post_comment(&new(a, m, "on one")).await.unwrap().unwrap();
        let c2 = s.post_comment(&new(b, m, "on two")).await.unwrap().unwrap();
        let actor = Actor::command_line();
        s.moderate_comments(&[c1.id], ModerationAction::Pin, &actor).await.unwrap();
        assert!(s.comment(c1.id).await.unwrap().pinned);
        let cursor = s.change_cursor().await.unwrap();
        let done =
            s.moderate_comments(&[c1.id, c2.id], ModerationAction::Spam, &actor).await.unwrap();
        assert!(done.iter().all(|c| c.status == CommentStatus::Spam && !c.pinned));
        let mut tags = s.changes_since(cursor).await.unwrap().tags;
        tags.sort();
        assert_eq!(tags, [format!("article:{a}"), format!("article:{b}")]);
        let err = s.moderate_comments(&[c1.id], ModerationAction::Pin, &actor).await.unwrap_err();
        assert!(err.to_string().contains("only an approved comment"), "{err}");
        s.moderate_comments(&[c1.id], ModerationAction::Restore, &actor).await.unwrap();
        assert_eq!(s.comment(c1.id).await.unwrap().status, CommentStatus::Pending);
        // An unknown id changes nothing at all.
        assert!(
            s.moderate_comments(&[c2.id, 424_242], ModerationAction::Trash, &actor).await.is_err()
        );
        assert_eq!(s.comment(c2.id).await.unwrap().status, CommentStatus::Spam);

        s.moderate_comments(&[c1.id, c2.id], ModerationAction::Approve, &actor).await.unwrap();
        s.hide_member_comments(m, true, &actor).await.unwrap();
        assert!(s.article_comments(a).await.unwrap().is_empty());
        let later = s.post_comment(&new(a, m, "still hidden")).await.unwrap().unwrap();
        assert!(later.hidden);
        s.hide_member_comments(m, false, &actor).await.unwrap();
        assert_eq!(s.article_comments(a).await.unwrap().len(), 2);

        s.delete_comment(c1.id, &actor).await.unwrap();
        assert!(s.comment(c1.id).await.unwrap_err().is_not_found());
        assert_eq!(s.audit_log(1, 1).await.unwrap().items[0].action, "comment.delete");
    }
}

#[tokio::test]
async fn settings_round_trip_and_bad_values_name_their_field() {
    for db in databases().await {
        let s = &db.store;
        assert_eq!(s.comment_settings().await.unwrap(), CommentSettings::default());
        let mine = CommentSettings {
            mode: CommentMode::Paid,
            depth: 5,
            close_after_days: Some(30),
            hold_words: vec!["Casino, Lottery".into()],
            ..Default::default()
        };
        let saved = s.save_comment_settings(mine, &Actor::command_line()).await.unwrap();
        assert_eq!(saved.hold_words, ["casino", "lottery"]);
        assert_eq!(s.comment_settings().await.unwrap(), saved);
        let bad = CommentSettings { depth: 11, ..Default::default() };
        let err = s.save_comment_settings(bad, &Actor::command_line()).await.unwrap_err();
        assert!(err.to_string().contains("depth"), "{err}");
    }
}
