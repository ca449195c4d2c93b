//! Access per article, on every surface, through the router on a real database (SQLite and
//! PostgreSQL): an anonymous reader, a free member and a paid member each see exactly what
//! the one rule (`Reader::may_read`) gives them, and the gated text (unique marker strings)
//! appears nowhere else: not in lists, feeds, the sitemap, JSON-LD, social tags or the
//! republish kit, and never through the page cache.

mod common;

use axum::Router;
use axum::http::StatusCode;
use byline_core::audit::Actor;
use byline_core::member_pass::Pass;
use byline_core::members::{Member, MemberInput};
use byline_render::feeds::FeedFormat;
use byline_store::testing::databases;
use byline_store::{Joined, Store};
use byline_web::AppState;
use chrono::{Duration, Utc};
use common::{Page, add_articles, app_and_state, get_with, site};

const MEMBERS_PIECE: &str = "---
title: Members Piece
date: 2026-11-26T10:00:00Z
authors: [anna-kowalska]
regions: [\"Europe/Moldova\"]
access: members
---
The free opening says FREE-OPENING-1.

<!--members-only-->

Only members read SECRET-MEMBERS-7731 here.
";

const PAID_PIECE: &str = "---
title: Paid Piece
date: 2026-11-26T10:30:00Z
authors: [anna-kowalska]
regions: [\"Europe/Moldova\"]
access: paid
summary: A summary anyone may read, PAID-SUMMARY-2.
---
Only paying members read SECRET-PAID-4412.
";

const TIER_PIECE: &str = "---
title: Tier Piece
date: 2026-11-26T11:00:00Z
authors: [anna-kowalska]
regions: [\"Europe/Moldova\"]
access: tiers
tiers: [paid]
---
An introduction, FREE-TIER-INTRO.

<!--members-only-->
Holders of the paid tier read SECRET-TIER-9050.
";

const SECRETS: [&str; 3] = ["SECRET-MEMBERS-7731", "SECRET-PAID-4412", "SECRET-TIER-9050"];

/// Everywhere an article's words may show up, besides its own page.
const SURFACES: &[&str] = &[
    "/",
    "/authors/anna-kowalska/",
    "/regions/",
    "/regions/moldova/",
    "/regions/europe/",
    "/feed.xml",
    "/atom.xml",
    "/feed.json",
    "/authors/anna-kowalska/feed.xml",
    "/regions/moldova/atom.xml",
    "/regions/moldova/feed.json",
    "/sitemap.xml",
    "/sitemaps/articles-1.xml",
    "/articles/members-piece/republish/",
    "/articles/paid-piece/republish/",
    "/articles/tier-piece/republish/",
];

struct Readers {
    free: String,
    paid: String,
    paid2: String,
    free_member: Member,
    paid_member: Member,
}

/// A `Cookie` header value carrying `m`'s member pass, as the sign-in would set it.
async fn cookie(state: &AppState, store: &Store, m: &Member) -> String {
    let now = Utc::now();
    let reader = m.reader(now, &store.paid_tier_slugs().await.unwrap());
    let pass = Pass {
        member_id: m.id,
        reader,
        generation: 0,
        fresh_until: now + Duration::hours(1),
        expires: now + Duration::days(30),
    };
    let set = byline_web::members::pass_cookie(state, &pass).await.unwrap();
    set.split(';').next().unwrap().to_owned()
}

async fn member(store: &Store, email: &str, paid: bool) -> Member {
    let input = MemberInput { email: email.into(), ..Default::default() };
    let m = store.add_member(input.validate().unwrap(), Joined::Staff, None).await.unwrap();
    if paid {
        store.grant_complimentary(m.id, "paid", None, &Actor::command_line()).await.unwrap()
    } else {
        m
    }
}

async fn gated_site(db: &byline_store::testing::TestDb) -> (Router, AppState, Readers) {
    let _ = site(db).await;
    add_articles(
        db,
        &[
            ("articles/members-piece.md", MEMBERS_PIECE),
            ("articles/paid-piece.md", PAID_PIECE),
            ("articles/tier-piece.md", TIER_PIECE),
        ],
    )
    .await;
    let (app, state) = app_and_state(db.store.clone());
    let free_member = member(&db.store, "free@example.org", false).await;
    let paid_member = member(&db.store, "paid@example.org", true).await;
    let paid2 = member(&db.store, "paid2@example.org", true).await;
    let readers = Readers {
        free: cookie(&state, &db.store, &free_member).await,
        paid: cookie(&state, &db.store, &paid_member).await,
        paid2: cookie(&state, &db.store, &paid2).await,
        free_member,
        paid_member,
    };
    (app, state, readers)
}

async fn as_reader(app: &Router, path: &str, cookie: Option<&str>) -> Page {
    match cookie {
        Some(c) => get_with(app, path, &[("cookie", c)]).await,
        None => get_with(app, path, &[]).await,
    }
}

fn shows(page: &Page, secrets: &[&str]) -> Vec<String> {
    secrets.iter().filter(|s| page.body.contains(**s)).map(|s| s.to_string()).collect()
}

fn json_ld(page: &Page) -> serde_json::Value {
    let raw = page.raw_text("script[type=\"application/ld+json\"]");
    serde_json::from_str(&raw).expect("JSON-LD parses")
}

#[tokio::test]
async fn each_reader_sees_what_the_rule_gives_them_on_the_article_page() {
    for db in databases().await {
        let (app, _, r) = gated_site(&db).await;
        let who = db.backend();
        // (path, its secret, anonymous reads it, free member reads it, paid member reads it)
        let cases = [
            ("/articles/members-piece/", SECRETS[0], false, true, true),
            ("/articles/paid-piece/", SECRETS[1], false, false, true),
            ("/articles/tier-piece/", SECRETS[2], false, false, true),
        ];
        for (path, secret, anon, free, paid) in cases {
            for (reader, cookie, may) in [
                ("anonymous", None, anon),
                ("free", Some(&r.free), free),
                ("paid", Some(&r.paid), paid),
            ] {
                let page = as_reader(&app, path, cookie.map(String::as_str)).await;
                assert_eq!(page.status, StatusCode::OK, "{who:?} {path} {reader}");
                let others: Vec<&str> = SECRETS.iter().copied().filter(|s| *s != secret).collect();
                assert!(shows(&page, &others).is_empty(), "{who:?} {path} {reader}");
                assert!(!page.body.contains("<!--members-only-->"), "{path}: the marker leaked");
                assert!(!page.body.contains("&lt;!--members-only"), "{path}: the marker leaked");
                let ld = json_ld(&page);
                assert_eq!(ld["isAccessibleForFree"], false, "{path}");
                assert_eq!(ld["hasPart"]["cssSelector"], ".members-only", "{path}");
                assert_eq!(ld["hasPart"]["@type"], "WebPageElement", "{path}");
                assert!(
                    page.texts(".republish-link").is_empty(),
                    "{path}: offered for republishing"
                );
                if may {
                    let gated = page.texts(".article-body .members-only").join(" ");
                    assert!(gated.contains(secret), "{who:?} {path} {reader}: {gated}");
                    assert!(page.texts(".gate").is_empty(), "{path} {reader}");
                } else {
                    assert!(!page.body.contains(secret), "{who:?} {path} {reader} sees {secret}");
                    let joins = page.attrs(".gate a", "href");
                    // Visitors join; members upgrade from their account page.
                    let to = if reader == "anonymous" {
                        "/members/join/"
                    } else {
                        "/members/account/#upgrade"
                    };
                    assert!(joins.contains(&to.to_owned()), "{path} {reader}: {joins:?}");
                    let signs_in = joins.contains(&"/members/signin/".to_owned());
                    assert_eq!(signs_in, reader == "anonymous", "{path} {reader}: {joins:?}");
                    let kind = if reader == "anonymous" { "Join" } else { "Upgrade" };
                    assert_eq!(page.texts(".gate-join"), [kind], "{path} {reader}");
                }
            }
        }
        // The preview: the part above the marker, or (without one) the excerpt.
        let anon = as_reader(&app, "/articles/members-piece/", None).await;
        assert!(anon.texts(".article-body").join(" ").contains("FREE-OPENING-1"));
        let anon = as_reader(&app, "/articles/paid-piece/", None).await;
        assert!(anon.texts(".article-body").join(" ").contains("PAID-SUMMARY-2"));
        assert_eq!(anon.texts(".access-badge"), ["Paid"]);
        // A public article stays free of all this.
        let public = as_reader(&app, "/articles/full/", None).await;
        assert!(public.texts(".gate").is_empty() && public.texts(".access-badge").is_empty());
        assert!(json_ld(&public).get("isAccessibleForFree").is_none());
    }
}

#[tokio::test]
async fn no_other_surface_carries_gated_text_for_any_reader() {
    for db in databases().await {
        let (app, _, r) = gated_site(&db).await;
        for cookie in [None, Some(r.free.as_str()), Some(r.paid.as_str())] {
            for path in SURFACES {
                let page = as_reader(&app, path, cookie).await;
                assert!(
                    shows(&page, &SECRETS).is_empty(),
                    "{:?} {path} as {cookie:?}: {:?}",
                    db.backend(),
                    shows(&page, &SECRETS)
                );
                assert!(!page.body.contains("<!--members-only-->"), "{path}");
                if path.ends_with("/republish/") {
                    assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}: gated, not offered");
                } else {
                    assert_eq!(page.status, StatusCode::OK, "{path}");
                }
            }
        }
        // Lists badge gated articles; feeds carry their preview and a link to read on.
        let home = as_reader(&app, "/", None).await;
        let badges = home.texts(".card .access-badge");
        assert_eq!(badges, ["Paid", "Paid", "Members"], "{}", home.body);
        let rss = as_reader(&app, "/feed.xml", None).await;
        assert!(rss.body.contains("FREE-OPENING-1") && rss.body.contains("FREE-TIER-INTRO"));
        assert!(rss.body.contains("read it on the site"));
        let sitemap = as_reader(&app, "/sitemaps/articles-1.xml", None).await;
        assert!(sitemap.body.contains("/articles/paid-piece/"), "gated pages are still listed");
    }
}

#[tokio::test]
async fn a_paid_member_has_a_private_full_text_feed() {
    for db in databases().await {
        let (app, state, r) = gated_site(&db).await;
        for format in [FeedFormat::Rss, FeedFormat::Atom, FeedFormat::Json] {
            let path = byline_web::member_feed_path(&state, &r.paid_member, format).await.unwrap();
            let feed = as_reader(&app, &path, None).await;
            assert_eq!(feed.status, StatusCode::OK, "{path}");
            assert_eq!(shows(&feed, &SECRETS).len(), 3, "{path}: {}", feed.body);
            assert!(feed.headers["cache-control"].to_str().unwrap().starts_with("private"));
            // A free member's own feed gives them what they may read, and no more.
            let path = byline_web::member_feed_path(&state, &r.free_member, format).await.unwrap();
            let feed = as_reader(&app, &path, None).await;
            assert_eq!(shows(&feed, &SECRETS), [SECRETS[0]], "{path}");
        }
        // A forged or altered token is not found, and shows nothing.
        let good =
            byline_web::member_feed_path(&state, &r.paid_member, FeedFormat::Rss).await.unwrap();
        let forged = format!("/members/feed/{}.{}/feed.xml", r.paid_member.id, "0".repeat(32));
        let other = good.replacen(
            &format!("/{}.", r.paid_member.id),
            &format!("/{}.", r.free_member.id),
            1,
        );
        for path in [forged, other, good.replace("feed.xml", "nope.xml")] {
            let page = as_reader(&app, &path, None).await;
            assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
            assert!(shows(&page, &SECRETS).is_empty(), "{path}");
        }
    }
}

#[tokio::test]
async fn the_page_cache_keeps_one_copy_per_access_level_never_per_person() {
    for db in databases().await {
        let (app, state, r) = gated_site(&db).await;
        let cache = state.cache.clone().expect("the cache is on");
        let path = "/articles/paid-piece/";
        let secret = SECRETS[1];
        // The anonymous copy first, then the paid one, then anonymous again: each from cache.
        assert!(!as_reader(&app, path, None).await.body.contains(secret));
        let paid = as_reader(&app, path, Some(&r.paid)).await;
        assert!(paid.body.contains(secret));
        assert!(paid.headers["cache-control"].to_str().unwrap().starts_with("private"));
        let before = db.store.statements_run();
        let anon = as_reader(&app, path, None).await;
        assert!(!anon.body.contains(secret), "the paid copy was served to an anonymous reader");
        assert!(anon.headers["cache-control"].to_str().unwrap().starts_with("public"));
        let held = cache.len().await;
        // Another paid member shares the paid copy: no new entry, no query at all.
        let other = as_reader(&app, path, Some(&r.paid2)).await;
        assert_eq!(other.body, paid.body);
        assert_eq!(cache.len().await, held, "two paid members share one entry");
        assert_eq!(db.store.statements_run(), before, "hits cost no query, members' included");
        // A free member gets the preview copy of their own level, never the paid one.
        let free = as_reader(&app, path, Some(&r.free)).await;
        assert!(!free.body.contains(secret));
        assert_eq!(free.texts(".gate-join"), ["Upgrade"]);
        assert_eq!(cache.len().await, held + 1);
        // A forged cookie is an anonymous reader.
        let forged = format!("{}x", r.paid);
        assert!(!as_reader(&app, path, Some(&forged)).await.body.contains(secret));
    }
}
