//! The XSS corpus written into comments, for the suites that check what pages make of it:
//! comment bodies, members' names and guests' names (confirmed through their links), all
//! approved, on one article. Written through the store's own use cases, each member from an
//! address of its own so the rate limits leave them be.

use super::corpus::{Payload, packed};
use byline_core::audit::Actor;
use byline_core::comments::{CommentMode, CommentSettings, CommentStatus};
use byline_core::members::MemberInput;
use byline_store::{ConfirmRefused, Joined, ModerationAction, NewComment, NewGuestComment, Store};

/// What was written: the names as they should show, and how many comments there are.
pub struct Seeded {
    pub names: Vec<String>,
    pub comments: usize,
}

/// Opens comments to everyone (nothing held for being first, 100 a page) and writes the
/// corpus into comments on `article_id`.
pub async fn seed(store: &Store, article_id: i64, corpus: &[Payload]) -> Seeded {
    let open = CommentSettings {
        mode: CommentMode::Everyone,
        hold_first: false,
        max_links: 100,
        per_page: 100,
        ..Default::default()
    };
    store.save_comment_settings(open, &Actor::command_line()).await.unwrap();
    let bodies = packed(corpus, 2400, "\n\n");
    // Typed names lose their control characters (as a form field would).
    let plain = |s: &String| s.replace(char::is_control, " ");
    let names: Vec<String> = packed(corpus, 180, " ").iter().map(plain).collect();
    let guests: Vec<String> =
        packed(corpus, 80, " ").iter().map(plain).filter(|n| n.chars().count() <= 80).collect();
    let members = names.len().max(bodies.len());
    for k in 0..members {
        let input = MemberInput {
            email: format!("m{k}@example.org"),
            name: Some(names[k % names.len()].clone()),
            ..Default::default()
        };
        let fields = input.validate().unwrap_or_else(|e| panic!("name {k} refused: {e:?}"));
        let m = store.add_member(fields, Joined::SignUp, None).await.unwrap();
        let new = NewComment {
            article_id,
            member_id: m.id,
            parent_id: None,
            body: bodies[k % bodies.len()].clone(),
            client: format!("10.1.{}.{}", k / 250, k % 250),
        };
        let posted = store.post_comment(&new).await.unwrap();
        assert!(posted.is_ok(), "comment {k}: {posted:?}");
    }
    for (k, name) in guests.iter().enumerate() {
        let new = NewGuestComment {
            article_id,
            parent_id: None,
            name: name.clone(),
            email: format!("g{k}@example.org"),
            body: bodies[k % bodies.len()].clone(),
            client: format!("10.2.{}.{}", k / 250, k % 250),
        };
        store.post_guest_comment(&new).await.unwrap().unwrap();
    }
    let mut confirmed = 0;
    for id in 1..=(guests.len() as i64 * 2) {
        // The running server's queue mails the same links, and each mailing mints a new
        // token that replaces the last: a token minted here may be replaced before it is
        // used, so mint again until one is spent.
        for attempt in 0..20 {
            let Some(m) = store.mint_comment_confirmation(id).await.unwrap() else { break };
            match store.confirm_guest_comment(&m.token).await.unwrap() {
                Ok(_) => {
                    confirmed += 1;
                    break;
                }
                Err(ConfirmRefused::Unknown) if attempt < 19 => continue,
                Err(e) => panic!("confirmation {id}: {e:?}"),
            }
        }
    }
    assert_eq!(confirmed, guests.len(), "every guest confirmed");
    // Whatever the hold rules held (many links) is approved, so every payload shows.
    let held = store.comment_queue(CommentStatus::Pending, 1, 10_000).await.unwrap();
    let ids: Vec<i64> = held.page.items.iter().map(|q| q.comment.id).collect();
    if !ids.is_empty() {
        store
            .moderate_comments(&ids, ModerationAction::Approve, &Actor::command_line())
            .await
            .unwrap();
    }
    let shown = |n: &String| n.split_whitespace().collect::<Vec<_>>().join(" ");
    Seeded {
        names: names.iter().chain(&guests).map(shown).collect(),
        comments: members + guests.len(),
    }
}
