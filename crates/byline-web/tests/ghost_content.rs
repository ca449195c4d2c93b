//! The Ghost Content API through the router, on both databases: keys, Ghost's envelopes,
//! objects (every key of Ghost's post, author and tag objects), pagination, includes,
//! fields, formats, NQL filters, errors with Ghost's body, headers, and the cache.

mod common;

use axum::http::StatusCode;
use byline_core::audit::Actor;
use byline_store::testing::databases;
use common::{app_and_state, get, get_with, site};
use serde_json::Value;

/// Every key of Ghost's post object, as in Ghost's own Content API snapshots.
const POST_KEYS: &[&str] = &[
    "access",
    "canonical_url",
    "codeinjection_foot",
    "codeinjection_head",
    "comment_id",
    "comments",
    "created_at",
    "custom_excerpt",
    "custom_template",
    "email_subject",
    "excerpt",
    "feature_image",
    "feature_image_alt",
    "feature_image_caption",
    "featured",
    "frontmatter",
    "html",
    "id",
    "meta_description",
    "meta_title",
    "og_description",
    "og_image",
    "og_title",
    "published_at",
    "reading_time",
    "slug",
    "title",
    "twitter_description",
    "twitter_image",
    "twitter_title",
    "updated_at",
    "url",
    "uuid",
    "visibility",
];
const TAG_KEYS: &[&str] = &[
    "accent_color",
    "canonical_url",
    "codeinjection_foot",
    "codeinjection_head",
    "description",
    "feature_image",
    "id",
    "meta_description",
    "meta_title",
    "name",
    "og_description",
    "og_image",
    "og_title",
    "slug",
    "twitter_description",
    "twitter_image",
    "twitter_title",
    "url",
    "visibility",
];
const AUTHOR_KEYS: &[&str] = &[
    "bio",
    "cover_image",
    "facebook",
    "id",
    "location",
    "meta_description",
    "meta_title",
    "name",
    "profile_image",
    "slug",
    "twitter",
    "url",
    "website",
];

fn keys(v: &Value) -> Vec<String> {
    let mut k: Vec<String> = v.as_object().expect("an object").keys().cloned().collect();
    k.sort();
    k
}

fn sorted(k: &[&str]) -> Vec<String> {
    let mut k: Vec<String> = k.iter().map(|s| (*s).to_owned()).collect();
    k.sort();
    k
}

fn is_object_id(v: &Value) -> bool {
    v.as_str().is_some_and(|s| s.len() == 24 && s.bytes().all(|b| b.is_ascii_hexdigit()))
}

struct Answer {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    json: Value,
}

async fn ghost(app: &axum::Router, path: &str) -> Answer {
    let page = get(app, &format!("/ghost/api/content/{path}")).await;
    let json = serde_json::from_str(&page.body)
        .unwrap_or_else(|e| panic!("{path}: not JSON ({e}): {}", page.body));
    Answer { status: page.status, headers: page.headers, json }
}

fn ghost_error(a: &Answer, status: u16, kind: &str) {
    assert_eq!(a.status.as_u16(), status, "{}", a.json);
    let e = &a.json["errors"][0];
    assert_eq!(e["type"], kind, "{}", a.json);
    let mut k = keys(e);
    k.retain(|k| k != "context");
    assert_eq!(
        k,
        sorted(&["code", "details", "ghostErrorCode", "help", "id", "message", "property", "type"])
    );
    assert!(e["message"].as_str().is_some_and(|m| !m.is_empty()));
    assert!(a.headers["cache-control"].to_str().unwrap().contains("no-store"));
    assert_eq!(a.headers["access-control-allow-origin"], "*");
}

#[tokio::test]
async fn keys_are_required_and_revoking_one_stops_it_at_once() {
    for db in databases().await {
        let _ = site(&db).await;
        let (app, state) = app_and_state(db.store.clone());
        let made = db.store.create_integration(&Actor::command_line(), "Front end").await.unwrap();
        let key = made.integration.content_key.clone();
        assert_eq!(key.len(), 26);
        assert!(made.admin_token.secret.starts_with("byl_"));

        ghost_error(&ghost(&app, "posts/").await, 403, "NoPermissionError");
        ghost_error(
            &ghost(&app, "posts/?key=0123456789abcdef0123456789").await,
            401,
            "UnauthorizedError",
        );
        ghost_error(&ghost(&app, "posts/?key=not-a-key").await, 401, "UnauthorizedError");
        ghost_error(&ghost(&app, "settings/").await, 403, "NoPermissionError");

        let ok = ghost(&app, &format!("posts/?key={key}")).await;
        assert_eq!(ok.status, StatusCode::OK);
        // Cached now; revoking drops it, in this process at once.
        db.store.revoke_integration(&Actor::command_line(), made.integration.id).await.unwrap();
        state.catch_up().await.unwrap();
        ghost_error(&ghost(&app, &format!("posts/?key={key}")).await, 401, "UnauthorizedError");
        let listed = db.store.integrations().await.unwrap();
        assert!(listed[0].revoked);
        assert!(db.store.api_actor(&made.admin_token.secret).await.is_err(), "its token too");
    }
}

#[tokio::test]
async fn posts_come_in_ghosts_envelope_with_every_key_and_ghosts_headers() {
    for db in databases().await {
        let _ = site(&db).await;
        let (app, _) = app_and_state(db.store.clone());
        let key = db.store.create_integration(&Actor::command_line(), "t").await.unwrap();
        let key = key.integration.content_key;
        let total = db.store.published_count().await.unwrap();
        assert!(total > 15, "the demo has more than a page");

        let a = ghost(&app, &format!("posts/?key={key}")).await;
        assert_eq!(a.status, StatusCode::OK);
        for (h, v) in [
            ("content-version", "v5.0"),
            ("vary", "Accept-Version, Accept-Encoding"),
            ("cache-control", "public, max-age=0"),
            ("access-control-allow-origin", "*"),
            ("content-type", "application/json; charset=utf-8"),
        ] {
            assert_eq!(a.headers[h], v, "{h}");
        }
        assert!(a.headers.contains_key("etag"));
        assert_eq!(keys(&a.json), ["meta", "posts"]);
        let p = &a.json["meta"]["pagination"];
        assert_eq!(p["page"], 1);
        assert_eq!(p["limit"], 15);
        assert_eq!(p["total"], total);
        assert_eq!(p["pages"], total.div_ceil(15));
        assert_eq!(p["next"], 2);
        assert_eq!(p["prev"], Value::Null);
        let posts = a.json["posts"].as_array().unwrap();
        assert_eq!(posts.len(), 15);
        for post in posts {
            assert_eq!(keys(post), sorted(POST_KEYS), "{}", post["slug"]);
            assert!(is_object_id(&post["id"]));
            assert_eq!(post["visibility"], "public");
            assert_eq!(post["access"], true);
            assert!(post["published_at"].as_str().unwrap().ends_with(".000+00:00"));
        }
        let dates: Vec<&str> = posts.iter().map(|p| p["published_at"].as_str().unwrap()).collect();
        assert!(dates.windows(2).all(|w| w[0] >= w[1]), "newest first: {dates:?}");

        // Page 2 of 2 per page; the last page has no next.
        let a = ghost(&app, &format!("posts/?key={key}&limit=2&page=2")).await;
        let p = &a.json["meta"]["pagination"];
        assert_eq!(
            (p["page"].clone(), p["limit"].clone(), p["prev"].clone(), p["next"].clone()),
            (2.into(), 2.into(), 1.into(), 3.into())
        );
        assert_eq!(a.json["posts"].as_array().unwrap().len(), 2);
        let a = ghost(&app, &format!("posts/?key={key}&limit=all")).await;
        assert_eq!(a.json["posts"].as_array().unwrap().len() as u64, total.min(100));
        assert_eq!(a.json["meta"]["pagination"]["next"], Value::Null);
        let last = total.div_ceil(10);
        let a = ghost(&app, &format!("posts/?key={key}&limit=10&page={last}")).await;
        assert_eq!(a.json["meta"]["pagination"]["next"], Value::Null);
        let beyond = ghost(&app, &format!("posts/?key={key}&limit=10&page={}", last + 1)).await;
        assert_eq!(beyond.json["posts"], Value::Array(vec![]));
    }
}

#[tokio::test]
async fn single_reads_includes_fields_and_formats() {
    for db in databases().await {
        let _ = site(&db).await;
        let (app, _) = app_and_state(db.store.clone());
        let key = db.store.create_integration(&Actor::command_line(), "t").await.unwrap();
        let key = key.integration.content_key;

        let a = ghost(&app, &format!("posts/slug/full/?key={key}&include=tags,authors")).await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.json);
        assert_eq!(keys(&a.json), ["posts"], "a single read has no meta");
        let post = &a.json["posts"][0];
        assert_eq!(post["title"], "Gas, Grids and the <Long> Winter");
        assert_eq!(post["custom_excerpt"], "How a small country keeps the lights on");
        assert_eq!(post["url"], "http://test.example/articles/full/");
        assert_eq!(post["feature_image"], "http://test.example/media/grid.jpg");
        assert_eq!(post["feature_image_alt"], "Power lines over a snowy field");
        assert!(!post["html"].as_str().unwrap().contains("<script"), "sanitized as stored");
        assert_eq!(post["primary_author"]["slug"], "anna-kowalska");
        let authors: Vec<&str> = post["authors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["slug"].as_str().unwrap())
            .collect();
        assert_eq!(authors[0], "anna-kowalska");
        assert_eq!(authors.len(), 2);
        for au in post["authors"].as_array().unwrap() {
            assert_eq!(keys(au), sorted(AUTHOR_KEYS));
        }
        let tags: Vec<&str> =
            post["tags"].as_array().unwrap().iter().map(|t| t["slug"].as_str().unwrap()).collect();
        for t in ["moldova", "energy", "gas", "grids"] {
            assert!(tags.contains(&t), "{t} in {tags:?}");
        }
        assert_eq!(post["primary_tag"], post["tags"][0]);
        for t in post["tags"].as_array().unwrap() {
            assert_eq!(keys(t), sorted(TAG_KEYS));
        }

        let id = post["id"].as_str().unwrap().to_owned();
        let by_id = ghost(&app, &format!("posts/{id}/?key={key}&include=tags,authors")).await;
        assert_eq!(by_id.json, a.json, "by id and by slug agree");

        let a = ghost(&app, &format!("posts/slug/full/?key={key}&fields=title,url")).await;
        assert_eq!(keys(&a.json["posts"][0]), ["title", "url"]);
        let a = ghost(&app, &format!("posts/slug/full/?key={key}&formats=plaintext")).await;
        let post = &a.json["posts"][0];
        assert!(post.get("html").is_none());
        let text = post["plaintext"].as_str().unwrap();
        assert!(
            text.contains("The first paragraph sets the scene.") && !text.contains('<'),
            "{text}"
        );

        ghost_error(
            &ghost(&app, &format!("posts/slug/nope/?key={key}")).await,
            404,
            "NotFoundError",
        );
        ghost_error(&ghost(&app, &format!("posts/0123/?key={key}")).await, 404, "NotFoundError");
        ghost_error(&ghost(&app, &format!("widgets/?key={key}")).await, 404, "NotFoundError");
    }
}

/// The slugs of the posts a filter admits (all of them).
async fn slugs(app: &axum::Router, key: &str, filter: &str) -> Vec<String> {
    let q =
        serde_urlencoded::to_string([("key", key), ("filter", filter), ("limit", "all")]).unwrap();
    let a = ghost(app, &format!("posts/?{q}&include=tags,authors")).await;
    assert_eq!(a.status, StatusCode::OK, "{filter}: {}", a.json);
    a.json["posts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["slug"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn filters_select_as_ghosts_do_and_broken_ones_are_400s() {
    for db in databases().await {
        let _ = site(&db).await;
        let (app, _) = app_and_state(db.store.clone());
        let key = db.store.create_integration(&Actor::command_line(), "t").await.unwrap();
        let key = key.integration.content_key;
        let all = slugs(&app, &key, "slug:-null").await;
        assert!(all.len() > 15);

        assert_eq!(slugs(&app, &key, "slug:full").await, ["full"]);
        let energy = slugs(&app, &key, "tag:energy").await;
        assert!(energy.contains(&"full".to_owned()) && energy.len() < all.len());
        let not_energy = slugs(&app, &key, "tag:-energy").await;
        assert_eq!(energy.len() + not_energy.len(), all.len());
        assert!(not_energy.iter().all(|s| !energy.contains(s)));
        let anna = slugs(&app, &key, "author:anna-kowalska").await;
        assert!(anna.contains(&"full".to_owned()));
        assert_eq!(slugs(&app, &key, "primary_author:guest-writer").await, Vec::<String>::new());
        let either = slugs(&app, &key, "tag:energy,author:anna-kowalska").await;
        assert!(either.len() >= energy.len().max(anna.len()));
        let both = slugs(&app, &key, "(tag:energy+author:anna-kowalska)").await;
        assert!(both.iter().all(|s| energy.contains(s) && anna.contains(s)));
        assert_eq!(slugs(&app, &key, "slug:[full,nope]").await, ["full"]);
        assert_eq!(slugs(&app, &key, "published_at:>'2026-11-24'+slug:~ful").await, ["full"]);
        assert_eq!(slugs(&app, &key, "published_at:<=now-100y").await, Vec::<String>::new());
        assert_eq!(slugs(&app, &key, "featured:true").await, Vec::<String>::new());
        assert_eq!(slugs(&app, &key, "visibility:public").await.len(), all.len());
        let ordered = slugs(&app, &key, "slug:[full,lodz-after-textiles]").await;
        let q = format!("posts/?key={key}&filter=slug:[full,lodz-after-textiles]&order=slug%20asc");
        let a = ghost(&app, &q).await;
        let asc: Vec<&str> = a.json["posts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["slug"].as_str().unwrap())
            .collect();
        assert_eq!(asc, ["full", "lodz-after-textiles"]);
        assert_eq!(ordered.len(), 2);

        for bad in ["tag:", "tag:a+", "(tag:a", "nope:1", "published_at:>soon", "tag:'x"] {
            let q = serde_urlencoded::to_string([("key", key.as_str()), ("filter", bad)]).unwrap();
            let a = ghost(&app, &format!("posts/?{q}")).await;
            ghost_error(&a, 400, "BadRequestError");
            assert!(
                a.json["errors"][0]["context"].as_str().unwrap().contains("character"),
                "{bad}"
            );
        }
        for bad in ["limit=ten", "page=0", "order=title%20sideways", "order=nope%20asc"] {
            ghost_error(
                &ghost(&app, &format!("posts/?key={key}&{bad}")).await,
                400,
                "BadRequestError",
            );
        }
    }
}

#[tokio::test]
async fn authors_tags_pages_settings_tiers_newsletters_and_the_search_index() {
    for db in databases().await {
        let _ = site(&db).await;
        let (app, _) = app_and_state(db.store.clone());
        let key = db.store.create_integration(&Actor::command_line(), "t").await.unwrap();
        let key = key.integration.content_key;

        let a = ghost(&app, &format!("authors/?key={key}&include=count.posts&limit=all")).await;
        let authors = a.json["authors"].as_array().unwrap();
        assert_eq!(authors.len(), db.store.authors().await.unwrap().len());
        let mut with_count = AUTHOR_KEYS.to_vec();
        with_count.push("count");
        for au in authors {
            assert_eq!(keys(au), sorted(&with_count));
        }
        let anna = authors.iter().find(|a| a["slug"] == "anna-kowalska").unwrap();
        assert!(anna["count"]["posts"].as_u64().unwrap() >= 1);
        let one = ghost(&app, &format!("authors/slug/anna-kowalska/?key={key}")).await;
        assert_eq!(one.json["authors"][0]["name"], anna["name"]);

        let a =
            ghost(&app, &format!("tags/?key={key}&include=count.posts&filter=slug:energy")).await;
        let tags = a.json["tags"].as_array().unwrap();
        assert_eq!(tags.len(), 1);
        assert_eq!(tags[0]["url"], "http://test.example/themes/energy/");
        assert!(tags[0]["count"]["posts"].as_u64().unwrap() >= 1);
        let a = ghost(&app, &format!("tags/?key={key}&limit=3")).await;
        assert_eq!(a.json["meta"]["pagination"]["limit"], 3);
        let names: Vec<&str> = a.json["tags"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["name"].as_str().unwrap())
            .collect();
        let mut by_name = names.clone();
        by_name.sort_by_key(|n| n.to_lowercase());
        assert_eq!(names, by_name);

        let a = ghost(&app, &format!("pages/?key={key}")).await;
        let pages = a.json["pages"].as_array().unwrap();
        assert_eq!(pages.len(), db.store.pages().await.unwrap().len());
        for p in pages {
            assert!(is_object_id(&p["id"]));
            assert!(
                p["html"].is_string()
                    && p["url"].as_str().unwrap().starts_with("http://test.example/")
            );
        }

        let a = ghost(&app, &format!("settings/?key={key}")).await;
        assert_eq!(keys(&a.json), ["meta", "settings"]);
        let s = &a.json["settings"];
        assert_eq!(s["title"], db.store.publication().await.unwrap().title);
        assert_eq!(s["url"], "http://test.example/");
        assert_eq!(s["navigation"][0]["url"], "/");

        let a = ghost(&app, &format!("tiers/?key={key}")).await;
        let tiers: Vec<&str> = a.json["tiers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["type"].as_str().unwrap())
            .collect();
        assert_eq!(tiers, ["free", "paid"]);
        let a = ghost(&app, &format!("newsletters/?key={key}")).await;
        let newsletters = a.json["newsletters"].as_array().unwrap();
        assert_eq!(newsletters.len(), 1, "a new publication's one newsletter");
        assert_eq!(newsletters[0]["slug"], "newsletter");
        assert_eq!(newsletters[0]["status"], "active");
        assert_eq!(newsletters[0]["visibility"], "members");
        assert_eq!(newsletters[0]["subscribe_on_signup"], true);
        assert_eq!(newsletters[0]["id"].as_str().unwrap().len(), 24);
        assert_eq!(a.json["meta"]["pagination"]["total"], 1);

        let a = ghost(&app, &format!("search-index/posts/?key={key}")).await;
        let posts = a.json["posts"].as_array().unwrap();
        assert_eq!(posts.len() as u64, db.store.published_count().await.unwrap());
        assert_eq!(
            keys(&posts[0]),
            sorted(&["excerpt", "id", "slug", "title", "updated_at", "url", "visibility"])
        );
        for which in ["authors", "tags", "pages"] {
            let a = ghost(&app, &format!("search-index/{which}/?key={key}")).await;
            assert!(!a.json[which].as_array().unwrap().is_empty(), "{which}");
        }
        ghost_error(
            &ghost(&app, &format!("search-index/widgets/?key={key}")).await,
            404,
            "NotFoundError",
        );
    }
}

#[tokio::test]
async fn answers_are_cached_by_whole_url_with_ghosts_headers_kept() {
    for db in databases().await {
        let _ = site(&db).await;
        let (app, _) = app_and_state(db.store.clone());
        let key = db.store.create_integration(&Actor::command_line(), "t").await.unwrap();
        let key = key.integration.content_key;
        let path = format!("/ghost/api/content/posts/?key={key}&limit=15&include=tags,authors");
        let first = get(&app, &path).await;
        let before = db.store.statements_run();
        let hit = get_with(&app, &path, &[("accept-encoding", "identity")]).await;
        assert_eq!(db.store.statements_run(), before, "a hit costs no queries");
        assert_eq!(hit.body, first.body);
        assert_eq!(hit.headers["content-version"], "v5.0");
        assert_eq!(hit.headers["access-control-allow-origin"], "*");
        assert_eq!(hit.headers["vary"], "Accept-Version, Accept-Encoding");
        let other = get(&app, &format!("/ghost/api/content/posts/?key={key}&limit=2")).await;
        assert_ne!(other.body, first.body, "another query is another entry");
        let etag = hit.headers["etag"].to_str().unwrap().to_owned();
        let again =
            get_with(&app, &path, &[("if-none-match", &etag), ("accept-encoding", "identity")])
                .await;
        assert_eq!(again.status, StatusCode::NOT_MODIFIED);

        let req = axum::http::Request::builder()
            .method("OPTIONS")
            .uri("/ghost/api/content/posts/")
            .header("origin", "https://front.example")
            .body(axum::body::Body::empty())
            .unwrap();
        let pre = tower::ServiceExt::oneshot(app.clone(), req).await.unwrap();
        assert_eq!(pre.status(), StatusCode::NO_CONTENT);
        assert_eq!(pre.headers()["access-control-allow-origin"], "*");
    }
}

#[tokio::test]
async fn the_admin_makes_lists_and_revokes_integrations() {
    use byline_core::staff::Role;
    for db in databases().await {
        let app = site(&db).await;
        let (mut c, _) =
            common::client::signed_in(&app, &db.store, "Ada Admin", Role::Administrator).await;
        let page = c.get("/admin/integrations").await;
        assert_eq!(page.status, 200);
        assert!(page.texts(".empty")[0].contains("No integrations"));

        let bad = c.post("/admin/integrations", &[("name", " ")]).await;
        assert_eq!(bad.status, 422);
        assert_eq!(bad.texts("#name-error").len(), 1);

        let made = c.post("/admin/integrations", &[("name", "Next.js <front>")]).await;
        assert_eq!(made.status, 200);
        let key = made.texts("#content-key")[0].clone();
        let token = made.texts("#admin-token")[0].clone();
        assert_eq!(key.len(), 26);
        assert!(token.starts_with("byl_"));
        assert!(made.body.contains("Next.js &lt;front&gt;"), "escaped");
        let list = c.get("/admin/integrations").await;
        assert!(!list.body.contains(&token), "the token is shown once");
        assert!(list.texts(".integration-row")[0].contains(&key));
        assert_eq!(ghost(&app, &format!("tags/?key={key}")).await.status, StatusCode::OK);

        let id = db.store.integrations().await.unwrap()[0].id;
        let revoked = c.post(&format!("/admin/integrations/{id}/revoke"), &[]).await;
        assert_eq!(revoked.status, 303);
        assert!(
            c.get("/admin/integrations").await.texts(".integration-row")[0].contains("Revoked")
        );
        ghost_error(&ghost(&app, &format!("tags/?key={key}")).await, 401, "UnauthorizedError");

        let actions = c.get("/admin/audit").await.texts(".audit-row .action");
        assert_eq!(actions[0], "integration.revoke");
        assert!(actions.contains(&"integration.create".to_owned()));
        let (mut writer, _) =
            common::client::signed_in(&app, &db.store, "Wanda Writer", Role::Author).await;
        assert_eq!(writer.get("/admin/integrations").await.status, 403);
        assert_eq!(writer.post("/admin/integrations", &[("name", "x")]).await.status, 403);
    }
}
