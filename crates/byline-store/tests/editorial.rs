//! The editorial workflow through the store: versions, revisions, the trash, scheduling, the
//! admin list's filters, and that nothing unpublished reaches public queries.

use byline_core::audit::Actor;
use byline_core::editorial::{ArticleQuery, Step};
use byline_core::staff::{Role, StaffInput};
use byline_core::{ArticleInput, ArticleStatus, AuthorInput, TermInput};
use byline_store::testing::databases;
use byline_store::{ArticleFilter, EditError, Store, StoreError};
use chrono::{Duration, Utc};

async fn actor(s: &Store, name: &str, role: Role) -> Actor {
    s.create_staff(&StaffInput {
        email: format!("{}@example.org", byline_core::slugify(name)),
        name: name.into(),
        role: Some(role),
        password: "correct horse battery".into(),
    })
    .await
    .unwrap()
    .actor()
}

fn draft(title: &str, author: &str) -> ArticleInput {
    ArticleInput {
        title: title.into(),
        body: format!("The body of {title}.\nSecond line."),
        authors: vec![author.into()],
        ..Default::default()
    }
}

async fn author_slug(s: &Store, a: &Actor) -> String {
    let id = a.author_id.unwrap();
    s.authors().await.unwrap().into_iter().find(|x| x.id == id).unwrap().slug
}

#[tokio::test]
async fn versions_revisions_trash_and_the_public_site() {
    for db in databases().await {
        let s = &db.store;
        let ed = actor(s, "Edna Editor", Role::Editor).await;
        let c = actor(s, "Cora Contributor", Role::Contributor).await;
        let cs = author_slug(s, &c).await;
        let a = s.create_article(&c, &draft("Gas and grids", &cs), Step::Submit).await.unwrap();
        assert_eq!((a.status, a.version), (ArticleStatus::Review, 1));
        assert!(s.published_article("gas-and-grids").await.unwrap_err().is_not_found());
        // Feeds, sitemaps and the static export read these: nothing awaiting review.
        assert!(s.latest_full_articles(&ArticleFilter::All, 100).await.unwrap().is_empty());
        assert!(s.published_article_stamps(0, 100).await.unwrap().is_empty());

        // A contributor cannot publish; an editor can.
        let err = s.article_step(&c, a.id, None, Step::Publish, None).await.unwrap_err();
        assert!(matches!(err, EditError::Refused(_)), "{err}");
        let p = s.article_step(&ed, a.id, Some(1), Step::Publish, None).await.unwrap();
        assert_eq!((p.status, p.version), (ArticleStatus::Published, 2));
        assert_eq!(s.published_article("gas-and-grids").await.unwrap().id, a.id);

        // A save that started from version 1 is refused and carries the current state.
        let mut edit = p.input.clone();
        edit.title = "Gas, grids and winter".into();
        let err = s.update_article(&ed, a.id, 1, &edit, Step::Update).await.unwrap_err();
        let EditError::Stale(now) = err else { panic!("{err}") };
        assert_eq!(now.version, 2);
        let saved = s.update_article(&ed, a.id, 2, &edit, Step::Update).await.unwrap();
        assert_eq!(saved.version, 3);

        // Revisions: one per change; restoring is a new, version-checked save.
        let revs = s.article_revisions(&ed, a.id).await.unwrap();
        assert_eq!(revs.iter().map(|r| r.version).collect::<Vec<_>>(), [3, 2, 1]);
        assert_eq!(revs[2].snapshot.title, "Gas and grids");
        let restored = s.restore_revision(&ed, a.id, revs[2].id, 3).await.unwrap();
        assert_eq!((restored.input.title.as_str(), restored.version), ("Gas and grids", 4));
        assert_eq!(restored.status, ArticleStatus::Published, "restoring keeps the status");
        assert!(matches!(
            s.restore_revision(&ed, a.id, revs[2].id, 3).await,
            Err(EditError::Stale(_))
        ));

        // Trash: gone from the public site and the default list; restored as a draft.
        s.article_step(&ed, a.id, None, Step::Trash, None).await.unwrap();
        assert!(s.published_article("gas-and-grids").await.unwrap_err().is_not_found());
        assert_eq!(s.published_count().await.unwrap(), 0);
        let listed = s.admin_articles(&ed, &ArticleQuery::default(), 1, 20).await.unwrap();
        assert_eq!(listed.total, 0);
        let trash = ArticleQuery { status: Some(ArticleStatus::Trash), ..Default::default() };
        assert_eq!(s.admin_articles(&ed, &trash, 1, 20).await.unwrap().total, 1);
        assert!(s.update_article(&ed, a.id, 5, &edit, Step::Update).await.is_err());
        let back = s.article_step(&ed, a.id, None, Step::Restore, None).await.unwrap();
        assert_eq!(back.status, ArticleStatus::Draft);

        // Deleting for good: only from the trash, only editors and above.
        s.article_step(&c, a.id, None, Step::Trash, None).await.unwrap();
        assert!(matches!(s.purge_article(&c, a.id).await, Err(EditError::Refused(_))));
        s.purge_article(&ed, a.id).await.unwrap();
        assert!(matches!(
            s.editable_article(&ed, a.id).await,
            Err(EditError::Store(StoreError::NotFound { .. }))
        ));
        let log = s.audit_log(1, 50).await.unwrap();
        let actions: Vec<_> = log.items.iter().map(|e| e.action.as_str()).collect();
        for want in ["article.create", "article.publish", "article.update", "article.purge"] {
            assert!(actions.contains(&want), "{want} in {actions:?}");
        }
    }
}

#[tokio::test]
async fn unknown_authors_and_terms_are_field_errors_and_writers_stay_in_their_byline() {
    for db in databases().await {
        let s = &db.store;
        let au = actor(s, "Arun Author", Role::Author).await;
        let mut input = draft("Nobody", "no-such-writer");
        input.terms = vec![("tags".into(), "nope".into())];
        let err = s.create_article(&au, &input, Step::Create).await.unwrap_err();
        let EditError::Store(StoreError::Invalid(inv)) = err else { panic!("{err}") };
        let fields: Vec<_> = inv.0.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["authors", "terms"], "{inv}");

        s.save_author(&AuthorInput {
            name: "Guest Writer".into(),
            guest: true,
            ..Default::default()
        })
        .await
        .unwrap();
        let err = s.create_article(&au, &draft("Not mine", "guest-writer"), Step::Create).await;
        assert!(
            matches!(&err, Err(EditError::Store(StoreError::Invalid(i))) if i.0[0].field == "authors")
        );
    }
}

#[tokio::test]
async fn scheduled_articles_publish_exactly_once_even_after_downtime() {
    for db in databases().await {
        let s = &db.store;
        let ed = actor(s, "Edna Editor", Role::Editor).await;
        let es = author_slug(s, &ed).await;
        let past = Utc::now() - Duration::minutes(5);
        let mut input = draft("Due while down", &es);
        input.published_at = Some(past);
        let err = s.create_article(&ed, &input, Step::Schedule).await.unwrap_err();
        assert!(
            matches!(&err, EditError::Store(StoreError::Invalid(i)) if i.0[0].field == "published_at")
        );

        let soon = Utc::now() + Duration::seconds(2);
        input.published_at = Some(soon);
        let a = s.create_article(&ed, &input, Step::Schedule).await.unwrap();
        assert_eq!(a.status, ArticleStatus::Scheduled);
        assert_eq!(s.publish_due(Utc::now()).await.unwrap(), 0, "not yet");
        // The server was down when its time came; the first run afterwards publishes it once.
        let later = soon + Duration::hours(3);
        let cursor = s.change_cursor().await.unwrap();
        let (first, second) = tokio::join!(s.publish_due(later), s.publish_due(later));
        assert_eq!(first.unwrap() + second.unwrap(), 1, "exactly once across racing nodes");
        assert_eq!(s.publish_due(later).await.unwrap(), 0);
        let p = s.published_article("due-while-down").await.unwrap();
        assert_eq!(p.published_at.map(|t| t.timestamp()), Some(soon.timestamp()));
        let changes = s.changes_since(cursor).await.unwrap();
        assert!(changes.tags.contains(&format!("article:{}", a.id)), "{:?}", changes.tags);
        let publishes = s
            .audit_log(1, 50)
            .await
            .unwrap()
            .items
            .into_iter()
            .filter(|e| e.action == "article.publish" && e.actor == "scheduler")
            .count();
        assert_eq!(publishes, 1);
    }
}

#[tokio::test]
async fn the_admin_list_searches_filters_and_shows_writers_their_own() {
    for db in databases().await {
        let s = &db.store;
        let ed = actor(s, "Edna Editor", Role::Editor).await;
        let c = actor(s, "Cora Contributor", Role::Contributor).await;
        let (es, cs) = (author_slug(s, &ed).await, author_slug(s, &c).await);
        s.save_term("tags", None, &TermInput { name: "Energy".into(), ..Default::default() })
            .await
            .unwrap();
        let mut energy = draft("Winter GRIDS", &es);
        energy.terms = vec![("tags".into(), "energy".into())];
        s.create_article(&ed, &energy, Step::Publish).await.unwrap();
        let mut odd = draft("Percent 100% sure", &cs);
        odd.subtitle = Some("about grids".into());
        s.create_article(&c, &odd, Step::Create).await.unwrap();
        for i in 0..5 {
            s.create_article(&ed, &draft(&format!("Filler {i}"), &es), Step::Create).await.unwrap();
        }
        let q = |text: &str| ArticleQuery { text: Some(text.into()), ..Default::default() };
        let titles = |p: byline_store::Paged<byline_core::editorial::ArticleRow>| {
            p.items.into_iter().map(|r| r.title).collect::<Vec<_>>()
        };
        assert_eq!(
            titles(s.admin_articles(&ed, &q("grids"), 1, 10).await.unwrap()),
            ["Percent 100% sure", "Winter GRIDS"]
        );
        assert_eq!(titles(s.admin_articles(&ed, &q("0%"), 1, 10).await.unwrap()).len(), 1);
        assert_eq!(titles(s.admin_articles(&c, &q("grids"), 1, 10).await.unwrap()).len(), 1);
        let by_status =
            ArticleQuery { status: Some(ArticleStatus::Published), ..Default::default() };
        assert_eq!(s.admin_articles(&ed, &by_status, 1, 10).await.unwrap().total, 1);
        let by_author = ArticleQuery { author: Some(cs.clone()), ..Default::default() };
        assert_eq!(s.admin_articles(&ed, &by_author, 1, 10).await.unwrap().total, 1);
        let term = s.term_context("tags", "energy").await.unwrap().term.id;
        let by_term = ArticleQuery { terms: vec![term], ..Default::default() };
        assert_eq!(titles(s.admin_articles(&ed, &by_term, 1, 10).await.unwrap()), ["Winter GRIDS"]);
        let future =
            ArticleQuery { from: Some(Utc::now() + Duration::days(1)), ..Default::default() };
        assert_eq!(s.admin_articles(&ed, &future, 1, 10).await.unwrap().total, 0);
        let past =
            ArticleQuery { until: Some(Utc::now() + Duration::days(1)), ..Default::default() };
        assert_eq!(s.admin_articles(&ed, &past, 1, 10).await.unwrap().total, 7);

        // Pages: the query count does not grow with the page size.
        let before = s.statements_run();
        let small = s.admin_articles(&ed, &ArticleQuery::default(), 1, 2).await.unwrap();
        let mid = s.statements_run();
        let big = s.admin_articles(&ed, &ArticleQuery::default(), 1, 50).await.unwrap();
        assert_eq!((small.items.len(), small.pages(), big.items.len()), (2, 4, 7));
        assert_eq!(mid - before, s.statements_run() - mid);
        assert!(
            s.published_articles(&ArticleFilter::All, 1, 10)
                .await
                .unwrap()
                .items
                .iter()
                .all(|a| a.status == ArticleStatus::Published)
        );
    }
}

#[tokio::test]
async fn importing_a_trashed_article_again_leaves_it_in_the_trash() {
    for db in databases().await {
        let s = &db.store;
        let ed = actor(s, "Edna Editor", Role::Editor).await;
        let mut input = ArticleInput {
            title: "Imported".into(),
            body: "Text.".into(),
            status: ArticleStatus::Published,
            published_at: Some(Utc::now() - Duration::days(1)),
            authors: vec!["someone".into()],
            ..Default::default()
        };
        let saved = s.save_article(&input.validate().unwrap(), Some("a.md")).await.unwrap();
        s.article_step(&ed, saved.value.id, None, Step::Trash, None).await.unwrap();
        input.title = "Imported, edited in the file".into();
        s.save_article(&input.validate().unwrap(), Some("a.md")).await.unwrap();
        assert!(s.published_article(&saved.value.slug).await.unwrap_err().is_not_found());
        let trash = ArticleQuery { status: Some(ArticleStatus::Trash), ..Default::default() };
        assert_eq!(s.admin_articles(&ed, &trash, 1, 20).await.unwrap().total, 1);
    }
}

#[tokio::test]
async fn search_finds_titles_with_capitals_beyond_ascii() {
    for db in databases().await {
        let s = &db.store;
        let ed = actor(s, "Edna Editor", Role::Editor).await;
        let es = author_slug(s, &ed).await;
        s.create_article(&ed, &draft("Łódź after the mills", &es), Step::Create).await.unwrap();
        s.create_article(&ed, &draft("100% renewable_ish", &es), Step::Create).await.unwrap();
        let find = |text: &str| ArticleQuery { text: Some(text.into()), ..Default::default() };
        for text in ["Łódź", "after THE mills", "mills"] {
            let found = s.admin_articles(&ed, &find(text), 1, 20).await.unwrap();
            assert_eq!(found.total, 1, "{text}");
        }
        // The writer's own % and _ are literal.
        assert_eq!(s.admin_articles(&ed, &find("0% r"), 1, 20).await.unwrap().total, 1);
        assert_eq!(s.admin_articles(&ed, &find("l_dz"), 1, 20).await.unwrap().total, 0);
    }
}
