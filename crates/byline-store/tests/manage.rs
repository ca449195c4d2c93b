//! Management use cases through the store: what they do to the term tree and which public
//! pages they mark as changed.

use byline_core::audit::Actor;
use byline_core::staff::Role;
use byline_core::{ArticleInput, ArticleStatus, AuthorInput, Publication, TermInput};
use byline_store::testing::databases;
use byline_store::{Store, StoreError};

async fn regions(s: &Store) -> i64 {
    s.taxonomies().await.unwrap().into_iter().find(|t| t.slug == "regions").unwrap().id
}

async fn term(s: &Store, tax: i64, name: &str, parent: Option<i64>) -> i64 {
    let input = TermInput { name: name.into(), ..Default::default() };
    s.create_term(&Actor::command_line(), tax, &input, parent).await.unwrap().id
}

#[tokio::test]
async fn merging_a_term_into_one_far_below_it_leaves_no_cycle() {
    for db in databases().await {
        let s = &db.store;
        let tax = regions(s).await;
        let europe = term(s, tax, "Europe", None).await;
        let east = term(s, tax, "Eastern Europe", Some(europe)).await;
        let moldova = term(s, tax, "Moldova", Some(east)).await;
        s.merge_term(&Actor::command_line(), europe, moldova).await.unwrap();
        let terms = s.terms(tax).await.unwrap();
        let parent = |id: i64| terms.iter().find(|t| t.id == id).unwrap().parent_id;
        assert_eq!(parent(moldova), None, "the target takes the source's place");
        assert_eq!(parent(east), Some(moldova), "the source's children follow it");
    }
}

#[tokio::test]
async fn renaming_an_author_marks_the_archives_that_show_their_name() {
    for db in databases().await {
        let s = &db.store;
        let input = ArticleInput {
            title: "Grids".into(),
            body: "Text.".into(),
            status: ArticleStatus::Published,
            published_at: Some(chrono::Utc::now()),
            authors: vec!["anna-k".into(), "ben-b".into()],
            terms: vec![("regions".into(), "Moldova".into())],
            ..Default::default()
        };
        s.save_article(&input.validate().unwrap(), None).await.unwrap();
        let anna = s.author("anna-k").await.unwrap();
        let ben = s.author("ben-b").await.unwrap();
        let tax = regions(s).await;
        let moldova =
            s.terms(tax).await.unwrap().into_iter().find(|t| t.slug == "moldova").unwrap();
        let cursor = s.change_cursor().await.unwrap();
        let renamed = AuthorInput {
            name: "Anna Kowalska".into(),
            slug: Some("anna-k".into()),
            ..Default::default()
        };
        s.update_author(&Actor::command_line(), anna.id, &renamed).await.unwrap();
        let tags = s.changes_since(cursor).await.unwrap().tags;
        for want in [
            format!("author:{}", anna.id),
            format!("author:{}", ben.id),
            format!("term:{}", moldova.id),
        ] {
            assert!(tags.contains(&want), "{want} in {tags:?}");
        }
    }
}

#[tokio::test]
async fn a_new_password_voids_the_links_sent_to_reset_the_old_one() {
    use byline_core::staff::{Role, StaffInput};
    use byline_store::Purpose;
    for db in databases().await {
        let s = &db.store;
        let input = StaffInput {
            email: "ed@example.org".into(),
            name: "Ed".into(),
            role: Some(Role::Editor),
            password: "correct horse battery".into(),
        };
        let ed = s.create_staff(&input).await.unwrap();
        let day = chrono::Duration::days(1);
        let old =
            s.issue_one_time(Purpose::PasswordReset, Some(ed.id), None, None, day).await.unwrap();
        let invite = s
            .issue_one_time(
                Purpose::Invitation,
                None,
                Some("x@example.org"),
                Some(Role::Author),
                day,
            )
            .await
            .unwrap();
        s.set_staff_password(ed.id, "a brand new passphrase").await.unwrap();
        assert!(s.peek_one_time(Purpose::PasswordReset, &old).await.unwrap_err().is_not_found());
        assert!(s.peek_one_time(Purpose::Invitation, &invite).await.is_ok(), "other links stay");
        assert!(
            s.verify_staff_password("ed@example.org", "a brand new passphrase")
                .await
                .unwrap()
                .is_some()
        );
        let short = s.set_staff_password(ed.id, "short").await.unwrap_err();
        assert!(short.to_string().contains("password"), "{short}");
    }
}

#[tokio::test]
async fn setups_at_the_same_moment_make_one_owner() {
    use byline_core::staff::{Role, StaffInput};
    for db in databases().await {
        let tries = (0..4).map(|i| {
            let s = db.store.clone();
            tokio::spawn(async move {
                let input = StaffInput {
                    email: format!("owner{i}@example.org"),
                    name: format!("Owner {i}"),
                    role: Some(Role::Owner),
                    password: "correct horse battery".into(),
                };
                s.create_staff(&input).await.is_ok()
            })
        });
        let mut made = 0;
        for t in tries.collect::<Vec<_>>() {
            made += usize::from(t.await.unwrap());
        }
        assert_eq!(made, 1);
        let owners = db.store.staff().await.unwrap().into_iter().filter(|u| u.role == Role::Owner);
        assert_eq!(owners.count(), 1);
    }
}

#[tokio::test]
async fn tokens_and_settings_changes_keep_their_audit_lines_with_them() {
    for db in databases().await {
        let s = &db.store;
        let cli = Actor::command_line();
        let made = s.issue_api_token(&cli, "CMS sync", Some(Role::Editor)).await.unwrap();
        s.revoke_api_token_as(&cli, made.token.id).await.unwrap();
        let err = s.revoke_api_token_as(&cli, 999).await.unwrap_err();
        assert!(matches!(err, StoreError::NotFound { .. }), "{err:?}");
        let bad = Publication { title: String::new(), ..s.publication().await.unwrap() };
        assert!(s.update_publication(&cli, bad).await.is_err());
        let renamed = Publication { title: "The Review".into(), ..s.publication().await.unwrap() };
        s.update_publication(&cli, renamed).await.unwrap();
        let log = s.audit_log(1, 10).await.unwrap();
        let lines: Vec<(&str, &str)> =
            log.items.iter().map(|e| (e.action.as_str(), e.actor.as_str())).collect();
        assert_eq!(
            lines,
            [
                ("settings.update", "command line"),
                ("token.revoke", "command line"),
                ("token.create", "command line")
            ],
            "{:?}: one line per change, none for what failed",
            db.backend()
        );
        assert_eq!(s.publication().await.unwrap().title, "The Review");
        assert!(s.api_token(made.token.id).await.unwrap().revoked);
    }
}
