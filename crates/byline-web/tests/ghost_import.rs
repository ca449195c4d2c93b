//! `byline import ghost`: every Ghost export in ../shared/fixtures/ghost (Ghost 1.20 to
//! 5.130) on SQLite and PostgreSQL: counts by kind, the pages the site then serves, who may
//! read members-only posts, hidden labels from internal tags, secrets never stored,
//! re-imports that change nothing, a dry run that writes nothing, and a broken file named.

mod common;

use byline_core::members::Access;
use byline_import::ghost::{GhostReport, Options, import};
use byline_store::Store;
use byline_store::testing::{TestDb, databases};
use chrono::Utc;
use std::path::PathBuf;

fn fixture(name: &str) -> (String, String) {
    // ../shared/fixtures beside the repository (or beside the folder of worktrees).
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let dir = manifest
        .ancestors()
        .map(|a| a.join("shared/fixtures/ghost"))
        .find(|d| d.is_dir())
        .unwrap_or_else(|| manifest.join("../../../shared/fixtures/ghost"));
    let path = dir.join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("the Ghost fixtures must be at {}: {e}", dir.display()));
    (path.display().to_string(), text)
}

async fn run(store: &Store, name: &str, text: &str, dry_run: bool) -> GhostReport {
    let options = Options { dry_run, ghost_url: None };
    import(store, name, text, &options, Utc::now(), &|_, _, _| {}).await
}

async fn import_fixture(store: &Store, file: &str) -> GhostReport {
    let (name, text) = fixture(file);
    run(store, &name, &text, false).await
}

/// (file, articles, pages, authors, tags, tiers created)
const EXPECTED: &[(&str, usize, usize, usize, usize, usize)] = &[
    ("valid.json", 2, 0, 1, 1, 0),
    ("v2_export.json", 7, 0, 2, 1, 0),
    ("v3_export.json", 7, 0, 2, 1, 0),
    ("v4_export.json", 7, 4, 2, 1, 0),
    ("v5_export.json", 1, 1, 1, 1, 1),
    ("products_export.json", 1, 0, 0, 0, 1),
];

#[tokio::test]
async fn every_fixture_imports_with_its_counts_and_again_changes_nothing() {
    for (file, articles, pages, authors, tags, tiers) in EXPECTED {
        for db in databases().await {
            let s = &db.store;
            let r = import_fixture(s, file).await;
            assert!(r.errors.is_empty(), "{file}: {r}");
            assert_eq!(r.kind("articles").created, *articles, "{file}: {r}");
            assert_eq!(r.kind("pages").created, *pages, "{file}: {r}");
            assert_eq!(r.kind("authors").created, *authors, "{file}: {r}");
            assert_eq!(r.kind("tags").created, *tags, "{file}: {r}");
            assert_eq!(r.kind("tiers").created, *tiers, "{file}: {r}");
            assert_eq!(r.failed(), 0, "{file}: {r}");

            let again = import_fixture(s, file).await;
            for (kind, c) in &again.counts {
                assert_eq!((c.created, c.updated, c.failed), (0, 0, 0), "{file} {kind}: {again}");
            }
            assert_eq!(again.kind("articles").unchanged, *articles, "{file}: {again}");
            let listed = s.published_count().await.unwrap();
            assert_eq!(listed as usize, *articles, "{file}: a re-import added copies");
        }
    }
}

#[tokio::test]
async fn the_site_serves_what_ghost_had() {
    for db in databases().await {
        let r = import_fixture(&db.store, "v4_export.json").await;
        assert!(r.errors.is_empty(), "{r}");
        let app = common::app(db.store.clone(), byline_render::Theme::load(None).unwrap());
        let article = common::get(&app, "/articles/welcome/").await;
        assert_eq!(article.status, 200, "{}", article.body);
        assert!(article.body.contains("Start here for a quick overview"), "{}", article.body);
        assert!(article.body.contains("<strong>Hey there</strong>, welcome"), "{}", article.body);
        // The byline, the tag as a term, the page in the navigation.
        assert!(article.body.contains("/authors/ghost/"), "no byline in {}", article.body);
        let term = common::get(&app, "/tags/getting-started/").await;
        assert_eq!(term.status, 200);
        assert!(term.body.contains("/articles/welcome/"), "{}", term.body);
        let author = common::get(&app, "/authors/ghost/").await;
        assert_eq!(author.status, 200);
        let about = common::get(&app, "/about/").await;
        assert_eq!(about.status, 200, "{}", about.body);
        let home = common::get(&app, "/").await;
        assert!(
            home.attrs("a", "href").iter().any(|h| h.ends_with("/about/")),
            "about is in the navigation"
        );
        let settings = db.store.publication().await.unwrap();
        assert_eq!(settings.title, "Testing Export Fixtures");
        // Ghost's old addresses answer 301 to the new ones.
        assert!(r.kind("redirects").created >= 5, "{r}");
        for (old, new) in [
            ("/welcome/", "/articles/welcome/"),
            ("/welcome/amp/", "/articles/welcome/"),
            ("/tag/getting-started/", "/tags/getting-started/"),
            ("/tag/getting-started/rss/", "/tags/getting-started/feed.xml"),
            ("/author/ghost/", "/authors/ghost/"),
            ("/author/ghost/rss/", "/authors/ghost/feed.xml"),
            ("/rss/", "/feed.xml"),
        ] {
            assert_eq!(moved_to(&app, old).await, new, "{old}");
        }
    }
}

/// Where `path` sends a reader: the target of its 301.
async fn moved_to(app: &axum::Router, path: &str) -> String {
    let page = common::get(app, path).await;
    assert_eq!(page.status, 301, "{path}: {}", page.body);
    page.headers[axum::http::header::LOCATION].to_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_ghost_in_a_folder_had_its_addresses_under_it() {
    for db in databases().await {
        let (name, text) = fixture("v4_export.json");
        let options =
            Options { dry_run: false, ghost_url: Some("https://old.example/blog/".into()) };
        let r = import(&db.store, &name, &text, &options, Utc::now(), &|_, _, _| {}).await;
        assert!(r.errors.is_empty(), "{r}");
        let app = common::app(db.store.clone(), byline_render::Theme::load(None).unwrap());
        assert_eq!(moved_to(&app, "/blog/welcome/").await, "/articles/welcome/");
        assert_eq!(moved_to(&app, "/blog/about/").await, "/about/");
        assert_eq!(moved_to(&app, "/blog/rss/").await, "/feed.xml");
        assert_eq!(common::get(&app, "/welcome/").await.status, 404);
    }
}

#[tokio::test]
async fn members_only_posts_keep_their_access_and_their_free_part() {
    for db in databases().await {
        let s = &db.store;
        let r = import_fixture(s, "v4_export.json").await;
        assert!(r.errors.is_empty(), "{r}");
        let sell = s.published_article("sell").await.unwrap();
        assert_eq!(sell.access, Access::Paid);
        // Ghost's paywall card became Byline's marker: readers without access see the part
        // before it.
        assert!(sell.members_from > 0, "{}", sell.body);
        let app = common::app(s.clone(), byline_render::Theme::load(None).unwrap());
        let page = common::get(&app, "/articles/sell/").await;
        assert_eq!(page.status, 200);
        let after = &sell.body[sell.body.find("<!--members-only-->").unwrap()..];
        let hidden_line = after.lines().find(|l| l.len() > 30 && !l.starts_with('<')).unwrap();
        let hidden = &hidden_line[..20];
        assert!(!page.body.contains(hidden), "{hidden:?} is shown to anonymous readers");

        let r = import_fixture(s, "products_export.json").await;
        let tier = s.tier("ghost-inc").await.unwrap();
        assert_eq!((tier.monthly_price, tier.yearly_price), (Some(500), Some(4800)), "{r}");
        assert_eq!(s.published_article("test-newsletter").await.unwrap().access, Access::Public);
        assert_eq!(r.kind("newsletters").created, 1, "{r}");
        assert_eq!(s.newsletter("test").await.unwrap().name, "Ghost Inc.");
    }
}

/// A Ghost 5 export made by hand: internal tags, members with labels and tiers, a
/// tiers-only post, a lexical Markdown card, `__GHOST_URL__` links, a draft page, and one
/// bad post among good ones.
fn crafted() -> String {
    let lexical = serde_json::json!({"root": {"type": "root", "children": [
        {"type": "markdown", "markdown": "Read [the other](__GHOST_URL__/other/).\n\n![x](__GHOST_URL__/content/images/x.jpg)"}
    ]}})
    .to_string();
    serde_json::json!({"db": [{"meta": {"version": "5.80.0"}, "data": {
        "posts": [
            {"id": "p1", "title": "Lexical", "slug": "lexical", "lexical": lexical, "status": "published",
             "visibility": "tiers", "type": "post", "published_at": "2024-01-02T03:04:05.000Z",
             "feature_image": "__GHOST_URL__/content/images/f.jpg"},
            {"id": "p2", "title": "Members", "slug": "members-post", "html": "<p>Hello <b>you</b></p><!--members-only--><p>Secret part here</p>",
             "status": "published", "visibility": "members", "type": "post", "published_at": "2024-01-03T00:00:00.000Z"},
            {"id": "p3", "title": "Broken", "slug": "broken", "html": "<p>x</p>", "status": "teleported", "type": "post"},
            {"id": "p4", "title": "Draft page", "slug": "draft-page", "html": "<p>x</p>", "status": "draft", "type": "page"}
        ],
        "posts_meta": [{"post_id": "p1", "meta_title": "SEO Lexical", "feature_image_alt": "A field"}],
        "tags": [
            {"id": "t1", "name": "Energy", "slug": "energy", "visibility": "public"},
            {"id": "t2", "name": "#import-batch", "slug": "hash-import-batch", "visibility": "internal"}
        ],
        "posts_tags": [{"post_id": "p1", "tag_id": "t2", "sort_order": 1}, {"post_id": "p1", "tag_id": "t1", "sort_order": 0}],
        "users": [
            {"id": "u1", "name": "Ana", "slug": "ana", "email": "ana@example.org", "password": "$2a$10$hashhashhash", "twitter": "@ana"},
            {"id": "u2", "name": "Ben", "slug": "ben", "email": "ben@example.org"}
        ],
        "posts_authors": [{"post_id": "p1", "author_id": "u2", "sort_order": 0}, {"post_id": "p1", "author_id": "u1", "sort_order": 1}],
        "products": [{"id": "pr1", "name": "Gold", "slug": "gold", "type": "paid", "monthly_price": 900, "currency": "EUR", "active": 1, "visibility": "public"}],
        "posts_products": [{"post_id": "p1", "product_id": "pr1"}],
        "members": [
            {"id": "m1", "email": "reader@example.org", "name": "Reader", "status": "comped", "created_at": "2023-05-06T07:08:09.000Z"},
            {"id": "m2", "email": "not-an-email", "status": "free"}
        ],
        "labels": [{"id": "l1", "name": "VIP", "slug": "vip"}],
        "members_labels": [{"member_id": "m1", "label_id": "l1"}],
        "members_products": [{"member_id": "m1", "product_id": "pr1"}],
        "api_keys": [{"id": "k1", "secret": "APIKEYSECRET0123456789abcdef"}],
        "settings": [
            {"key": "title", "value": "Crafted"},
            {"key": "members_private_key", "value": "-----BEGIN RSA PRIVATE KEY-----PRIVATEKEYMATERIAL"},
            {"key": "admin_session_secret", "value": "SESSIONSECRETVALUE42"}
        ]
    }}]})
    .to_string()
}

/// Every byte the database holds, as text (the SQLite file; a PostgreSQL dump).
fn dump(db: &TestDb) -> String {
    if db.url.starts_with("sqlite:") {
        let path = db.url.trim_start_matches("sqlite://").trim_start_matches("sqlite:");
        let path = path.split('?').next().unwrap();
        let mut all = std::fs::read(path).unwrap();
        if let Ok(wal) = std::fs::read(format!("{path}-wal")) {
            all.extend(wal);
        }
        String::from_utf8_lossy(&all).into_owned()
    } else {
        let out = std::process::Command::new("pg_dump")
            .args(["--data-only", &db.url])
            .output()
            .expect("pg_dump (postgresql-client) is installed");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
}

#[tokio::test]
async fn secrets_never_stored_internal_tags_hidden_and_bad_records_named() {
    for db in databases().await {
        let s = &db.store;
        let text = crafted();
        let dry = run(s, "crafted.json", &text, true).await;
        assert!(dry.dry_run && dry.kind("articles").created == 2, "{dry}");
        assert_eq!(s.published_count().await.unwrap(), 0, "a dry run wrote articles");
        assert!(s.member_by_email("reader@example.org").await.is_err(), "a dry run wrote members");

        let r = run(s, "crafted.json", &text, false).await;
        assert_eq!(r.kind("articles").created, 2, "{r}");
        assert_eq!(r.kind("articles").failed, 1, "{r}");
        assert_eq!(r.kind("members").created, 1, "{r}");
        assert_eq!(r.kind("members").failed, 1, "{r}");
        let broken =
            r.errors.iter().find(|e| e.message.contains("broken")).expect("the bad post is named");
        assert!(broken.message.contains("teleported"), "{broken}");
        assert!(r.warnings.iter().any(|w| w.message.contains("draft page")), "{r}");

        let lexical = s.published_article("lexical").await.unwrap();
        assert!(lexical.body.starts_with("Read [the other](/other/)."), "{}", lexical.body);
        assert!(lexical.body.contains("](/content/images/x.jpg)"), "{}", lexical.body);
        assert_eq!(lexical.image.as_ref().unwrap().url, "/content/images/f.jpg");
        assert_eq!(lexical.image.as_ref().unwrap().alt, "A field");
        assert_eq!(lexical.seo_title.as_deref(), Some("SEO Lexical"));
        let byline: Vec<&str> = lexical.authors.iter().map(|a| a.slug.as_str()).collect();
        assert_eq!(byline, ["ben", "ana"]);
        assert_eq!(lexical.access, Access::Tiers(vec!["gold".into()]));
        let terms: Vec<&str> = lexical.terms.iter().map(|t| t.slug.as_str()).collect();
        assert_eq!(terms, ["energy"], "the internal tag is not a public term");
        assert_eq!(
            s.article_labels().await.unwrap().get(&lexical.id).unwrap(),
            &["import-batch".to_owned()]
        );
        let ana = s.author("ana").await.unwrap();
        assert!(ana.links.iter().any(|l| l.url == "https://x.com/ana"), "{:?}", ana.links);
        assert_eq!(s.published_article("members-post").await.unwrap().access, Access::Members);

        let reader = s.member_by_email("reader@example.org").await.unwrap();
        assert_eq!(reader.labels, ["VIP"]);
        assert!(reader.grants.iter().any(|g| g.tier_slug == "gold"), "{:?}", reader.grants);
        assert_eq!(reader.created_at.to_rfc3339(), "2023-05-06T07:08:09+00:00");

        let all = dump(&db);
        for secret in ["APIKEYSECRET", "PRIVATEKEYMATERIAL", "SESSIONSECRETVALUE42", "hashhashhash"]
        {
            assert!(!all.contains(secret), "{secret} was stored");
        }
        assert!(all.contains("import-batch"), "the dump is not the database");

        let again = run(s, "crafted.json", &text, false).await;
        assert_eq!(again.kind("articles").unchanged, 2, "{again}");
        assert_eq!(again.kind("labels").unchanged, 1, "{again}");
        assert_eq!(again.kind("labels").created + again.kind("labels").updated, 0, "{again}");
    }
}

#[tokio::test]
async fn every_real_export_keeps_its_secrets_out() {
    for db in databases().await {
        for file in ["v3_export.json", "v4_export.json", "v5_export.json"] {
            let (name, text) = fixture(file);
            let r = run(&db.store, &name, &text, false).await;
            assert!(r.errors.is_empty(), "{r}");
            assert!(r.skipped.iter().any(|(what, _, _)| what == "secret settings"), "{file}: {r}");
            let export: serde_json::Value = serde_json::from_str(&text).unwrap();
            let all = dump(&db);
            for row in export["db"][0]["data"]["settings"].as_array().unwrap() {
                let key = row["key"].as_str().unwrap();
                let value = row["value"].as_str().unwrap_or_default();
                if key.contains("secret") || key.contains("private_key") || key == "db_hash" {
                    let probe: String =
                        value.lines().nth(1).unwrap_or(value).chars().take(24).collect();
                    assert!(probe.len() < 8 || !all.contains(&probe), "{file}: {key} was stored");
                }
            }
            for key in export["db"][0]["data"]["api_keys"].as_array().into_iter().flatten() {
                let secret = key["secret"].as_str().unwrap();
                assert!(!all.contains(secret), "{file}: an API key secret was stored");
            }
        }
    }
}

#[tokio::test]
async fn a_file_that_is_not_a_ghost_export_is_named_and_nothing_is_written() {
    for db in databases().await {
        let r = import_fixture(&db.store, "broken.json").await;
        assert!(r.unreadable, "{r}");
        assert_eq!(r.failed(), 1);
        let e = &r.errors[0];
        assert!(e.path.ends_with("broken.json") && e.line == Some(1), "{e}");
        assert!(e.message.contains("no `db` (it holds asdadas)"), "{e}");
        let r =
            run(&db.store, "cut.json", "{\"db\": [{\"meta\": {},\n \"data\": {\"posts\": [", false)
                .await;
        assert!(r.unreadable && r.errors[0].line == Some(2), "{r}");
        assert!(r.to_string().contains("cut.json:2: not valid JSON"), "{r}");
    }
}
