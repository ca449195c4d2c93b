//! Feeds, search-engine metadata, sharing and republishing, on SQLite and (when configured)
//! PostgreSQL.

mod common;

use axum::http::StatusCode;
use byline_store::testing::{databases, sqlite};
use common::{BASE, add_articles, app_and_state, get, get_with, site};
use std::path::{Path, PathBuf};
use std::process::Command;

/// An article whose body tries everything a republished copy must not carry.
const HOSTILE: &str = r#"---
title: "Hostile body"
date: 2026-11-20T08:00:00Z
authors: [anna-kowalska]
license: cc-by-4.0
---
<div class="x" style="color:red" onmouseover="steal()">Styled <span style="font-size:99px">text</span></div>

<script>alert(1)</script><style>body{}</style><form action="/x"><input name="q"><button>Go</button></form>

<a href="javascript:alert(2)" onclick="x()">a link</a> and <img src="/media/own.jpg" alt="own" onerror="y()" style="border:0">
![theirs](https://tracker.example/pixel.gif)

<iframe src="https://evil.example/"></iframe><object data="x"></object>
"#;

const NOT_CLEARED: &str = "---\ntitle: Not cleared\ndate: 2026-11-19\nsource_name: Other Outlet\nsource_url: https://other.example/a\ncopyright: Other Outlet\nlicense: all-rights-reserved\n---\nTheirs.\n";
const OPTED_OUT: &str = "---\ntitle: Opted out\ndate: 2026-11-18\nrepublish: false\n---\nOurs, but not for republication.\n";

fn ci() -> bool {
    std::env::var_os("CI").is_some()
}

#[tokio::test]
async fn feeds_carry_full_content_with_absolute_links_and_answer_304() {
    for db in databases().await {
        let app = site(&db).await;
        for (path, mime) in [
            ("/feed.xml", "application/rss+xml"),
            ("/atom.xml", "application/atom+xml"),
            ("/feed.json", "application/feed+json"),
            ("/authors/anna-kowalska/feed.xml", "application/rss+xml"),
            ("/regions/europe/atom.xml", "application/atom+xml"),
            ("/tags/gas/feed.json", "application/feed+json"),
        ] {
            let f = get(&app, path).await;
            assert_eq!(f.status, StatusCode::OK, "{path}");
            assert!(f.headers["content-type"].to_str().unwrap().starts_with(mime), "{path}");
            assert!(f.body.contains(&format!("{BASE}/articles/full/")), "{path} lists the article");
            assert!(!f.body.contains("transnistria-after-the-gas"), "{path} leaves drafts out");
            let etag = f.headers["etag"].to_str().unwrap().to_owned();
            let again = get_with(&app, path, &[("if-none-match", &etag)]).await;
            assert_eq!(again.status, StatusCode::NOT_MODIFIED, "{path}");
            let modified = f.headers["last-modified"].to_str().unwrap().to_owned();
            let since = get_with(&app, path, &[("if-modified-since", &modified)]).await;
            assert_eq!(since.status, StatusCode::NOT_MODIFIED, "{path}");
        }
        let rss = get(&app, "/feed.xml").await.body;
        assert!(rss.contains("Caspian Observer"), "the original source travels with the content");
        assert!(rss.contains("Attribution-NoDerivatives"), "so do the rights");
        assert!(rss.contains("<dc:creator>Anna Kowalska</dc:creator>"), "{rss}");
        assert!(!rss.contains("href=\"/"), "links in feeds are absolute");
        assert_eq!(get(&app, "/nope.xml").await.status, StatusCode::NOT_FOUND);
        assert_eq!(get(&app, "/authors/nobody/feed.xml").await.status, StatusCode::NOT_FOUND);
    }
}

#[tokio::test]
async fn every_page_announces_its_feeds() {
    let db = sqlite().await;
    let app = site(&db).await;
    let home = get(&app, "/").await;
    let feeds = home.attrs("link[rel=alternate]", "href");
    assert_eq!(feeds, ["/feed.xml", "/atom.xml", "/feed.json"]);
    let author = get(&app, "/authors/anna-kowalska/").await;
    let feeds = author.attrs("link[rel=alternate]", "href");
    assert_eq!(feeds[0], "/authors/anna-kowalska/feed.xml", "the page's own feeds first");
    assert!(feeds.contains(&"/feed.xml".to_owned()));
    let term = get(&app, "/regions/europe/").await;
    assert_eq!(term.attrs("link[rel=alternate]", "href")[0], "/regions/europe/feed.xml");
}

/// Runs the independent feed validator (feedparser strict, JSON Feed schema) that .ci/run
/// installs, when `BYLINE_FEED_VALIDATOR` names its command; in CI it must.
#[tokio::test]
async fn feeds_pass_the_independent_validators() {
    let Ok(validator) = std::env::var("BYLINE_FEED_VALIDATOR") else {
        assert!(!ci(), "CI must set BYLINE_FEED_VALIDATOR");
        eprintln!("note: BYLINE_FEED_VALIDATOR is not set; feeds not validated");
        return;
    };
    let db = sqlite().await;
    let app = site(&db).await;
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for path in [
        "/feed.xml",
        "/atom.xml",
        "/feed.json",
        "/authors/guest-writer/atom.xml",
        "/regions/europe/feed.json",
    ] {
        let body = get(&app, path).await.body;
        let file = dir.path().join(path.trim_start_matches('/').replace('/', "_"));
        std::fs::write(&file, body).unwrap();
        files.push(file);
    }
    let mut parts = validator.split_whitespace();
    let out = Command::new(parts.next().unwrap())
        .args(parts)
        .args(&files)
        .output()
        .expect("run the feed validator");
    let report =
        format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{report}");
    assert_eq!(report.lines().filter(|l| l.starts_with("ok ")).count(), files.len(), "{report}");
}

fn xsd_dir() -> PathBuf {
    std::env::var_os("BYLINE_SITEMAP_XSD_DIR").map(PathBuf::from).unwrap_or_else(|| {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/sitemaps")
    })
}

/// Validates XML against a sitemaps.org schema with xmllint; in CI both must be present.
fn xmllint(xml: &str, xsd: &str) {
    let schema = xsd_dir().join(xsd);
    let have = schema.exists() && Command::new("xmllint").arg("--version").output().is_ok();
    if !have {
        assert!(!ci(), "CI must provide xmllint and {}", schema.display());
        eprintln!("note: xmllint or {} missing; sitemap not validated", schema.display());
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("sitemap.xml");
    std::fs::write(&file, xml).unwrap();
    let out = Command::new("xmllint")
        .args(["--noout", "--schema"])
        .arg(&schema)
        .arg(&file)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}\n{xml}", String::from_utf8_lossy(&out.stderr));
}

#[tokio::test]
async fn sitemaps_split_by_kind_and_size_and_validate() {
    for db in databases().await {
        let _ = site(&db).await;
        let (_, mut state) = app_and_state(db.store.clone());
        state.sitemap_limit = 10;
        let app = byline_web::router(state);
        let index = get(&app, "/sitemap.xml").await;
        assert_eq!(index.status, StatusCode::OK);
        xmllint(&index.body, "siteindex.xsd");
        // 29 published articles at 10 a file: three files.
        for n in 1..=3 {
            assert!(
                index.body.contains(&format!("{BASE}/sitemaps/articles-{n}.xml")),
                "{}",
                index.body
            );
        }
        assert!(!index.body.contains("articles-4.xml"));
        let mut articles = 0;
        for n in 1..=3 {
            let s = get(&app, &format!("/sitemaps/articles-{n}.xml")).await;
            xmllint(&s.body, "sitemap.xsd");
            articles += s.body.matches("<loc>").count();
            assert!(s.body.contains("<lastmod>"));
        }
        assert_eq!(articles, 29);
        for kind in ["pages", "authors", "terms"] {
            let s = get(&app, &format!("/sitemaps/{kind}-1.xml")).await;
            assert_eq!(s.status, StatusCode::OK, "{kind}");
            xmllint(&s.body, "sitemap.xsd");
        }
        assert_eq!(get(&app, "/sitemaps/articles-4.xml").await.status, StatusCode::NOT_FOUND);
        let robots = get(&app, "/robots.txt").await.body;
        assert!(robots.contains(&format!("Sitemap: {BASE}/sitemap.xml")), "{robots}");
    }
}

#[tokio::test]
async fn article_pages_carry_social_tags_and_json_ld() {
    let db = sqlite().await;
    let app = site(&db).await;
    add_articles(&db, &[("articles/canon.md", "---\ntitle: Elsewhere first\ndate: 2026-11-01\ncanonical: https://first.example/story\n---\nBody.\n")]).await;
    let page = get(&app, "/articles/full/").await;
    let og = |p: &str| page.attrs(&format!("meta[property=\"{p}\"]"), "content");
    assert_eq!(og("og:type"), ["article"]);
    assert_eq!(og("og:title"), ["Gas, Grids and the <Long> Winter"]);
    assert_eq!(og("og:image"), [format!("{BASE}/media/grid.jpg")]);
    assert_eq!(og("article:author").len(), 2);
    assert_eq!(page.attrs("meta[name=\"twitter:card\"]", "content"), ["summary_large_image"]);
    let ld: Vec<String> = page.texts("script[type=\"application/ld+json\"]");
    let ld: serde_json::Value = serde_json::from_str(&ld[0]).expect("JSON-LD parses");
    assert_eq!(ld["@type"], "NewsArticle");
    assert_eq!(ld["headline"], "Gas, Grids and the <Long> Winter");
    assert_eq!(ld["author"][0]["url"], format!("{BASE}/authors/anna-kowalska/"));
    assert_eq!(ld["datePublished"], "2026-11-25T08:00:00Z");
    assert_eq!(ld["dateModified"], "2026-11-26T09:00:00Z");
    assert_eq!(ld["copyrightHolder"]["name"], "Caspian Observer");
    assert_eq!(ld["copyrightYear"], 2025);
    assert_eq!(ld["license"], "https://creativecommons.org/licenses/by-nd/4.0/");
    assert_eq!(ld["isBasedOn"]["url"], "https://example.com/original");
    assert_eq!(ld["publisher"]["name"], "The Meridian Review");
    assert!(ld["articleSection"].as_array().unwrap().iter().any(|s| s == "Moldova"));
    assert!(!page.body.contains("</script><"), "JSON-LD cannot close its script early");

    let canon = get(&app, "/articles/canon/").await;
    assert_eq!(canon.attrs("link[rel=canonical]", "href"), ["https://first.example/story"]);
    assert_eq!(
        canon.attrs("meta[property=\"og:url\"]", "content"),
        ["https://first.example/story"]
    );
}

#[tokio::test]
async fn share_links_need_no_third_party_script_and_mastodon_asks_for_the_server() {
    let db = sqlite().await;
    let app = site(&db).await;
    let page = get(&app, "/articles/full/").await;
    let names = page.texts(".share-links a");
    for n in [
        "Email", "Mastodon", "Bluesky", "X", "Facebook", "Telegram", "WhatsApp", "LinkedIn",
        "Reddit",
    ] {
        assert!(names.contains(&n.to_owned()), "{n} in {names:?}");
    }
    let mailto = &page.attrs(".share-email", "href")[0];
    assert!(mailto.starts_with("mailto:?subject=") && mailto.contains("test.example"), "{mailto}");
    assert_eq!(page.attrs("#share-url", "value"), [format!("{BASE}/articles/full/")]);
    assert!(page.attrs("script[src]", "src").is_empty());

    let share = &page.attrs(".share-mastodon", "href")[0];
    let form = get(&app, share).await;
    assert_eq!(form.status, StatusCode::OK);
    assert_eq!(form.attrs("input[name=server]", "name"), ["server"]);
    let go = get(&app, &format!("{share}&server=https%3A%2F%2Ffosstodon.org%2F")).await;
    assert_eq!(go.status, StatusCode::SEE_OTHER);
    let to = go.headers["location"].to_str().unwrap();
    assert!(to.starts_with("https://fosstodon.org/share?text="), "{to}");
    assert!(to.contains("test.example%2Farticles%2Ffull%2F"), "{to}");
    let bad = get(&app, &format!("{share}&server=evil.example%2Fphish%3Fx%3D")).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(!bad.texts(".field-error").is_empty());
    let foreign = get(
        &app,
        "/share/mastodon/?url=https%3A%2F%2Fspam.example%2F&text=x&server=mastodon.social",
    )
    .await;
    let to = foreign.headers["location"].to_str().unwrap();
    assert!(!to.contains("spam.example"), "only our own pages are shared: {to}");
}

#[tokio::test]
async fn the_republish_page_gives_clean_html_and_text() {
    for db in databases().await {
        let app = site(&db).await;
        add_articles(
            &db,
            &[
                ("articles/hostile.md", HOSTILE),
                ("articles/not-cleared.md", NOT_CLEARED),
                ("articles/opted-out.md", OPTED_OUT),
            ],
        )
        .await;
        let page = get(&app, "/articles/full/").await;
        assert_eq!(page.attrs(".republish-link a", "href"), ["/articles/full/republish/"]);
        let r = get(&app, "/articles/full/republish/").await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(r.attrs("meta[name=robots]", "content"), ["noindex"]);
        let html = &r.raw_text("#republish-html");
        assert!(
            html.starts_with(&format!("<link rel=\"canonical\" href=\"{BASE}/articles/full/\">")),
            "{html}"
        );
        assert!(html.contains("<img src=\"http://test.example/r/"), "the tracking image: {html}");
        assert!(
            html.contains(
                "first published by <a href=\"https://example.com/original\">Caspian Observer</a>"
            ),
            "{html}"
        );
        assert!(html.contains("https://creativecommons.org/licenses/by-nd/4.0/"), "{html}");
        assert!(
            !r.texts(".republish-terms").is_empty() && r.body.contains("Do not change the text"),
            "no-derivatives terms"
        );
        let text = &r.texts("#republish-text")[0];
        assert!(text.starts_with("Gas, Grids and the <Long> Winter"), "{text}");

        let hostile = get(&app, "/articles/hostile/republish/").await;
        let snippet = scraper::Html::parse_fragment(&hostile.raw_text("#republish-html"));
        for el in snippet.root_element().descendants().filter_map(scraper::ElementRef::wrap) {
            let name = el.value().name();
            assert!(
                !["script", "style", "form", "input", "button", "iframe", "object"].contains(&name),
                "<{name}>"
            );
            for (attr, value) in el.value().attrs() {
                assert!(
                    !attr.starts_with("on") && attr != "style" && attr != "class",
                    "{attr} on <{name}>"
                );
                assert!(
                    !value.trim_start().to_ascii_lowercase().starts_with("javascript:"),
                    "{attr}={value}"
                );
            }
            if name == "img" {
                let src = el.value().attr("src").unwrap();
                assert!(src.starts_with(BASE), "only the publication's own images: {src}");
            }
        }
        assert!(hostile.body.contains("You may edit, shorten"), "CC BY allows edits");

        assert_eq!(
            get(&app, "/articles/not-cleared/republish/").await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(get(&app, "/articles/opted-out/republish/").await.status, StatusCode::NOT_FOUND);
        assert!(
            get(&app, "/articles/opted-out/").await.attrs(".republish-link a", "href").is_empty()
        );
    }
}

#[tokio::test]
async fn the_republish_html_matches_its_snapshot() {
    let db = sqlite().await;
    let app = site(&db).await;
    let r = get(&app, "/articles/full/republish/").await;
    let html = r.raw_text("#republish-html");
    // The article id in the tracking image depends on import order; keep it out of the snapshot.
    let html = regex_free_pixel(&html);
    insta::assert_snapshot!("republish_html", html);
    insta::assert_snapshot!("republish_text", r.raw_text("#republish-text"));
}

fn regex_free_pixel(html: &str) -> String {
    let start = html.find("/r/").expect("a tracking image") + 3;
    let end = start + html[start..].find(".gif").unwrap();
    format!("{}ID{}", &html[..start], &html[end..])
}

#[tokio::test]
async fn the_tracking_image_counts_without_cookies_addresses_or_waiting_for_the_database() {
    for db in databases().await {
        let _ = site(&db).await;
        let (app, state) = app_and_state(db.store.clone());
        let id = db.store.published_article("full").await.unwrap().id;
        let before = db.store.statements_run();
        let ip = "198.51.100.77";
        for ua in ["Mozilla/5.0 (one)", "Mozilla/5.0 (two)", "Mozilla/5.0 (two)"] {
            let r = get_with(
                &app,
                &format!("/r/{id}.gif"),
                &[
                    ("referer", "https://partner.example/world/gas?utm_campaign=x&email=a@b.c"),
                    ("user-agent", ua),
                    ("x-forwarded-for", ip),
                ],
            )
            .await;
            assert_eq!(r.status, StatusCode::OK);
            assert_eq!(r.headers["content-type"], "image/gif");
            assert!(r.headers.get("set-cookie").is_none(), "no cookie");
        }
        assert_eq!(db.store.statements_run(), before, "the image never waits on the database");

        let views = state.tracker.drain();
        db.store.record_copy_views(&views, chrono::Utc::now()).await.unwrap();
        let copies = db.store.republications(Some(id)).await.unwrap();
        assert_eq!(copies.len(), 1);
        assert_eq!(copies[0].url, "https://partner.example/world/gas", "no query string kept");
        assert_eq!(copies[0].views, 2, "the same reader counts once");
        // `Republication` carries every column of the table.
        let stored = format!("{copies:?}");
        assert!(!stored.contains("198.51.100") && !stored.contains("a@b.c"), "{stored}");
    }
}
