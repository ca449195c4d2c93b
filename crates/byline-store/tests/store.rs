//! The store's behaviour through its public API, on SQLite and (when configured) PostgreSQL.

use byline_core::{
    ArticleInput, ArticleStatus, AuthorInput, License, PageInput, Publication, TermInput,
};
use byline_store::testing::databases;
use byline_store::{ArticleFilter, Outcome, StoreError};
use chrono::{Duration, TimeZone, Utc};

fn article(title: &str, day: u32) -> ArticleInput {
    ArticleInput {
        title: title.into(),
        body: format!("Body of {title}."),
        status: ArticleStatus::Published,
        published_at: Some(Utc.with_ymd_and_hms(2026, 3, day, 9, 0, 0).unwrap()),
        ..Default::default()
    }
}

#[tokio::test]
async fn a_new_database_has_settings_and_default_taxonomies_and_migrates_twice() {
    for db in databases().await {
        let s = &db.store;
        s.migrate().await.expect("second migration is a no-op");
        let slugs: Vec<_> = s.taxonomies().await.unwrap().into_iter().map(|t| t.slug).collect();
        assert_eq!(slugs, ["regions", "themes", "tags"], "{:?}", db.backend());
        assert_eq!(s.publication().await.unwrap().default_license, License::AllRightsReserved);
        assert!(s.is_empty().await.unwrap());
    }
}

#[tokio::test]
async fn publication_settings_round_trip_and_bad_values_name_their_field() {
    for db in databases().await {
        let s = &db.store;
        let p = Publication {
            title: "The Review".into(),
            base_url: Some("https://review.example/".into()),
            republish_policy: Some("Republish *freely*.".into()),
            default_license: License::CcByNd,
            ..Publication::default()
        };
        let saved = s.save_publication(p).await.unwrap();
        assert_eq!(s.publication().await.unwrap(), saved);
        assert_eq!(saved.base_url.as_deref(), Some("https://review.example"));
        let err = s
            .save_publication(Publication { contact_email: Some("x".into()), ..saved.clone() })
            .await
            .unwrap_err();
        assert!(matches!(&err, StoreError::Invalid(i) if i.0[0].field == "contact_email"), "{err}");
        assert_eq!(s.publication().await.unwrap(), saved, "a rejected save changes nothing");
    }
}

#[tokio::test]
async fn saving_an_author_again_updates_or_reports_unchanged() {
    for db in databases().await {
        let s = &db.store;
        let input = AuthorInput { name: "Anna Kowalska".into(), guest: true, ..Default::default() };
        assert_eq!(s.save_author(&input).await.unwrap().outcome, Outcome::Created);
        assert_eq!(s.save_author(&input).await.unwrap().outcome, Outcome::Unchanged);
        let changed = AuthorInput { bio: Some("Writes.".into()), ..input };
        assert_eq!(s.save_author(&changed).await.unwrap().outcome, Outcome::Updated);
        let a = s.author("anna-kowalska").await.unwrap();
        assert!(a.guest && a.bio_html.is_some());
        assert!(s.author("nobody").await.unwrap_err().is_not_found());
    }
}

#[tokio::test]
async fn imported_articles_update_in_place_and_slugs_stay_unique() {
    for db in databases().await {
        let s = &db.store;
        let a = article("Energy", 1).validate().unwrap();
        let first = s.save_article(&a, Some("markdown:energy.md")).await.unwrap();
        assert_eq!(first.outcome, Outcome::Created);
        assert_eq!(first.value.slug, "energy");
        let again = s.save_article(&a, Some("markdown:energy.md")).await.unwrap();
        assert_eq!((again.outcome, again.value.id), (Outcome::Unchanged, first.value.id));
        let edited =
            ArticleInput { subtitle: Some("Now with a subtitle".into()), ..article("Energy", 1) };
        let edited =
            s.save_article(&edited.validate().unwrap(), Some("markdown:energy.md")).await.unwrap();
        assert_eq!((edited.outcome, edited.value.id), (Outcome::Updated, first.value.id));
        // Another file with the same slug gets a free one.
        let other = s.save_article(&a, Some("markdown:other/energy.md")).await.unwrap();
        assert_eq!(other.value.slug, "energy-2");
        let page = s.published_articles(&ArticleFilter::All, 1, 10).await.unwrap();
        assert_eq!(page.total, 2, "{:?}", db.backend());
    }
}

#[tokio::test]
async fn bylines_keep_order_and_unknown_authors_become_guests() {
    for db in databases().await {
        let s = &db.store;
        s.save_author(&AuthorInput { name: "Zed Known".into(), ..Default::default() })
            .await
            .unwrap();
        let a = ArticleInput {
            authors: vec!["zed-known".into(), "Maria Nowak".into()],
            ..article("Two", 2)
        };
        s.save_article(&a.validate().unwrap(), None).await.unwrap();
        let full = s.published_article("two").await.unwrap();
        let names: Vec<_> = full.authors.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["Zed Known", "Maria Nowak"]);
        assert!(full.authors[1].guest && !full.authors[0].guest);
    }
}

#[tokio::test]
async fn term_archives_include_child_terms_and_drafts_stay_hidden() {
    for db in databases().await {
        let s = &db.store;
        s.save_term("regions", None, &TermInput { name: "Europe".into(), ..Default::default() })
            .await
            .unwrap();
        let by = ArticleInput {
            terms: vec![
                ("regions".into(), "Europe/Belarus".into()),
                ("themes".into(), "Energy".into()),
            ],
            ..article("Minsk", 3)
        };
        s.save_article(&by.validate().unwrap(), None).await.unwrap();
        let draft = ArticleInput {
            status: ArticleStatus::Draft,
            terms: vec![("regions".into(), "Europe".into())],
            ..article("Draft piece", 4)
        };
        s.save_article(&draft.validate().unwrap(), None).await.unwrap();

        let ctx = s.term_context("regions", "europe").await.unwrap();
        let belarus = ctx.terms.iter().find(|t| t.slug == "belarus").expect("Belarus was created");
        assert_eq!(belarus.parent_id, Some(ctx.term.id), "Belarus sits under Europe");
        let ids = byline_core::taxonomy::term_and_descendants(ctx.term.id, &ctx.terms);
        let list = s.published_articles(&ArticleFilter::Terms(ids), 1, 10).await.unwrap();
        let titles: Vec<_> = list.items.iter().map(|a| a.title.as_str()).collect();
        assert_eq!(titles, ["Minsk"]);
        let terms: Vec<_> = list.items[0].terms.iter().map(|t| t.slug.as_str()).collect();
        assert_eq!(terms, ["belarus", "energy"], "regions before themes");
        assert!(s.published_article("draft-piece").await.unwrap_err().is_not_found());
        let counts = s.published_counts(ctx.taxonomy.id).await.unwrap();
        assert_eq!(counts.get(&belarus.id), Some(&1));
        assert_eq!(counts.get(&ctx.term.id), None, "the draft does not count");
    }
}

#[tokio::test]
async fn unknown_taxonomies_are_named_in_the_error() {
    for db in databases().await {
        let a = ArticleInput { terms: vec![("topics".into(), "x".into())], ..article("T", 5) };
        let err = db.store.save_article(&a.validate().unwrap(), None).await.unwrap_err();
        assert!(err.to_string().contains("\"topics\""), "{err}");
        assert!(
            db.store.published_article("t").await.unwrap_err().is_not_found(),
            "nothing half-saved"
        );
    }
}

#[tokio::test]
async fn scheduled_articles_publish_once_when_due() {
    for db in databases().await {
        let s = &db.store;
        let soon = Utc::now() + Duration::minutes(5);
        let a = ArticleInput {
            status: ArticleStatus::Scheduled,
            published_at: Some(soon),
            ..article("Later", 6)
        };
        s.save_article(&a.validate().unwrap(), None).await.unwrap();
        assert_eq!(s.publish_due(Utc::now()).await.unwrap(), 0);
        assert_eq!(s.publish_due(soon + Duration::seconds(1)).await.unwrap(), 1);
        assert_eq!(s.publish_due(soon + Duration::seconds(2)).await.unwrap(), 0, "exactly once");
        s.published_article("later").await.unwrap();
    }
}

#[tokio::test]
async fn pages_cannot_hide_a_taxonomy() {
    for db in databases().await {
        let s = &db.store;
        let about = PageInput { title: "About".into(), body: "Us.".into(), ..Default::default() };
        assert_eq!(s.save_page(&about).await.unwrap().outcome, Outcome::Created);
        assert_eq!(s.save_page(&about).await.unwrap().outcome, Outcome::Unchanged);
        let clash = PageInput { title: "Regions".into(), body: "x".into(), ..Default::default() };
        assert!(matches!(s.save_page(&clash).await, Err(StoreError::Conflict(_))));
    }
}

#[tokio::test]
async fn listing_costs_the_same_queries_for_any_page_size() {
    for db in databases().await {
        let s = &db.store;
        for day in 1..=12 {
            let a = ArticleInput {
                authors: vec![format!("author-{}", day % 3)],
                terms: vec![("tags".into(), format!("tag-{day}"))],
                ..article(&format!("Piece {day}"), day)
            };
            s.save_article(&a.validate().unwrap(), None).await.unwrap();
        }
        let cost = |n: u64| async move {
            let before = s.statements_run();
            let page = s.published_articles(&ArticleFilter::All, 1, n).await.unwrap();
            assert_eq!(page.items.len() as u64, n);
            s.statements_run() - before
        };
        let small = cost(2).await;
        let large = cost(12).await;
        assert_eq!(small, large, "queries must not grow with the number of articles");
        assert!(large <= 4, "a list costs {large} queries");
    }
}

#[tokio::test]
async fn nodes_starting_together_can_all_migrate() {
    for db in databases().await {
        // A fresh database (the helper migrated it; start from nothing on a second one).
        let fresh = match db.backend() {
            byline_store::Backend::Sqlite => byline_store::testing::sqlite_unmigrated().await,
            byline_store::Backend::Postgres => {
                byline_store::testing::postgres_unmigrated(
                    &byline_store::testing::postgres_url().unwrap(),
                )
                .await
            }
        };
        let nodes: Vec<_> = futures_join(4, &fresh.url).await;
        for r in nodes {
            r.expect("every node migrates");
        }
        let s = byline_store::Store::connect(&fresh.url).await.unwrap();
        assert_eq!(s.taxonomies().await.unwrap().len(), 3, "seeded once, not per node");
    }
}

/// Connects `n` stores to one database and migrates them all at once.
async fn futures_join(n: usize, url: &str) -> Vec<Result<(), StoreError>> {
    let mut tasks = Vec::new();
    for _ in 0..n {
        let url = url.to_owned();
        tasks.push(tokio::spawn(async move {
            let s = byline_store::Store::connect(&url).await?;
            s.migrate().await
        }));
    }
    let mut out = Vec::new();
    for t in tasks {
        out.push(t.await.expect("task ran"));
    }
    out
}

#[tokio::test]
async fn copy_views_add_up_across_flushes_and_unknown_articles_are_dropped() {
    use byline_core::republish::CopyStatus;
    use byline_store::CopyViews;
    for db in databases().await {
        let s = &db.store;
        let id =
            s.save_article(&article("Shared", 7).validate().unwrap(), None).await.unwrap().value.id;
        let draft = ArticleInput { status: ArticleStatus::Draft, ..article("Hidden", 8) };
        let draft_id = s.save_article(&draft.validate().unwrap(), None).await.unwrap().value.id;
        let copy = |article_id, views| CopyViews {
            article_id,
            url: "https://other.example/news/shared".into(),
            host: "other.example".into(),
            views,
        };
        let now = Utc::now();
        assert_eq!(
            s.record_copy_views(&[copy(id, 3), copy(999_999, 5), copy(draft_id, 2)], now)
                .await
                .unwrap(),
            1
        );
        s.record_copy_views(&[copy(id, 4)], now + Duration::minutes(1)).await.unwrap();
        let copies = s.republications(Some(id)).await.unwrap();
        assert_eq!(copies.len(), 1, "{:?}", db.backend());
        assert_eq!((copies[0].views, copies[0].status), (7, CopyStatus::New));
        assert_eq!(copies[0].article_slug, "shared");
        assert!(copies[0].last_seen > copies[0].first_seen);
        s.mark_republication(copies[0].id, CopyStatus::Verified).await.unwrap();
        assert_eq!(s.republications(None).await.unwrap()[0].status, CopyStatus::Verified);
        assert!(
            s.mark_republication(424_242, CopyStatus::Ignored).await.unwrap_err().is_not_found()
        );
    }
}

#[tokio::test]
async fn writes_log_exactly_the_tags_they_touch() {
    use byline_store::changes;
    for db in databases().await {
        let s = &db.store;
        let start = s.change_cursor().await.unwrap();
        let a = ArticleInput {
            authors: vec!["Zoe Writer".into()],
            terms: vec![("regions".into(), "Europe/Poland".into())],
            ..article("Logged", 9)
        };
        let saved = s.save_article(&a.validate().unwrap(), Some("k")).await.unwrap().value;
        let c = s.changes_since(start).await.unwrap();
        assert!(c.cursor > start);
        let author = s.author("zoe-writer").await.unwrap();
        let poland = s.term_context("regions", "poland").await.unwrap().term;
        for t in [
            changes::article(saved.id),
            changes::LIST.to_owned(),
            changes::author(author.id),
            changes::term(poland.id),
        ] {
            assert!(c.tags.contains(&t), "{t} in {:?}", c.tags);
        }
        assert!(
            !c.tags.contains(&changes::SITE.to_owned()),
            "an article does not change the frame"
        );

        // Saving the same again logs nothing; moving it to another term logs old and new.
        s.save_article(&a.validate().unwrap(), Some("k")).await.unwrap();
        assert!(s.changes_since(c.cursor).await.unwrap().tags.is_empty());
        let moved = ArticleInput { terms: vec![("regions".into(), "Belarus".into())], ..a.clone() };
        s.save_article(&moved.validate().unwrap(), Some("k")).await.unwrap();
        let m = s.changes_since(c.cursor).await.unwrap();
        assert!(m.tags.contains(&changes::term(poland.id)), "the old term's archive changes too");

        s.save_page(&PageInput { title: "About".into(), body: "x".into(), ..Default::default() })
            .await
            .unwrap();
        assert_eq!(s.changes_since(m.cursor).await.unwrap().tags, [changes::SITE]);
    }
}

#[tokio::test]
async fn staff_accounts_have_one_owner_and_check_passwords() {
    use byline_core::staff::{Role, StaffInput};
    for db in databases().await {
        let s = &db.store;
        let owner = StaffInput {
            email: "Owner@Example.org".into(),
            name: "Olga Owner".into(),
            role: Some(Role::Owner),
            password: "a long enough password".into(),
        };
        let o = s.create_staff(&owner).await.unwrap();
        assert_eq!((o.email.as_str(), o.role), ("owner@example.org", Role::Owner));
        let second = StaffInput { email: "two@example.org".into(), ..owner.clone() };
        assert!(matches!(s.create_staff(&second).await, Err(StoreError::Conflict(_))), "one owner");
        let dup = StaffInput { role: Some(Role::Editor), ..owner.clone() };
        assert!(
            matches!(s.create_staff(&dup).await, Err(StoreError::Conflict(_))),
            "one account per email"
        );
        assert_eq!(
            s.verify_staff_password("OWNER@example.org ", "a long enough password").await.unwrap(),
            Some(o)
        );
        assert_eq!(
            s.verify_staff_password("owner@example.org", "wrong password!!").await.unwrap(),
            None
        );
        assert_eq!(
            s.verify_staff_password("nobody@example.org", "a long enough password").await.unwrap(),
            None
        );
        assert_eq!(s.staff().await.unwrap().len(), 1);
    }
}
