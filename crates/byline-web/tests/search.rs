//! Site search through the router, on SQLite and PostgreSQL: the page and its form in every
//! header, snippets, facets as links, the JSON API, OpenSearch, term and author search
//! boxes, the index following writes before the response returns, the database's answer
//! while the index builds, bad input, and the per-address limit.

mod common;

use byline_core::staff::Role;
use byline_search::SearchIndex;
use byline_store::testing::{TestDb, databases};
use byline_web::AppState;
use byline_web::search_limit::SearchLimiter;
use common::{api, api_token, get};
use serde_json::{Value, json};
use std::sync::Arc;

/// The demo site with a built index; the folder must outlive the router.
async fn indexed_site(db: &TestDb) -> (axum::Router, AppState, tempfile::TempDir) {
    let _ = common::site(db).await;
    let dir = tempfile::tempdir().unwrap();
    let (index, _) = SearchIndex::open(dir.path(), "en").unwrap();
    index.rebuild(&db.store, |_, _| {}).await.unwrap();
    let (_, state) = common::app_and_state(db.store.clone());
    let state = state.with_search(Arc::new(index));
    state.catch_up().await.unwrap();
    (byline_web::router(state.clone()), state, dir)
}

async fn json_get(app: &axum::Router, path: &str) -> (u16, Value) {
    let page = get(app, path).await;
    let v =
        serde_json::from_str(&page.body).unwrap_or_else(|e| panic!("{path}: {e}: {}", page.body));
    (page.status.as_u16(), v)
}

fn titles(v: &Value) -> Vec<String> {
    v["hits"].as_array().unwrap().iter().map(|h| h["title"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn the_search_page_shows_marked_snippets_facets_and_a_form_on_every_page() {
    for db in databases().await {
        let (app, _, _dir) = indexed_site(&db).await;
        for p in ["/", "/articles/kyrgyzstan-budget-gold/", "/regions/"] {
            let page = get(&app, p).await;
            assert_eq!(page.attrs("header form[role=search]", "action"), ["/search/"], "{p}");
            assert_eq!(page.attrs("link[rel=search]", "href"), ["/opensearch.xml"], "{p}");
        }
        let page = get(&app, "/search/?q=gold+budget").await;
        assert_eq!(page.status, 200);
        let titles = page.texts(".search-result .card-title a");
        assert_eq!(titles[0], "Kyrgyzstan's Budget Leans Harder on Gold", "{titles:?}");
        let snippet = page.html();
        let marks: Vec<String> = snippet
            .select(
                &scraper::Selector::parse(".search-result:first-of-type .search-snippet mark")
                    .unwrap(),
            )
            .map(|m| m.text().collect::<String>().to_lowercase())
            .collect();
        assert!(marks.iter().any(|m| m == "gold" || m == "budget"), "{marks:?}");
        // Facets are links that narrow the search by the taxonomy's own parameter.
        let links = page.attrs(".search-facets a", "href");
        assert!(links.iter().any(|l| l.contains("regions=kyrgyzstan")), "{links:?}");
        assert!(links.iter().any(|l| l.contains("author=aliya-nurlanova")), "{links:?}");
        assert!(links.iter().any(|l| l.contains("year=2026")), "{links:?}");
        let narrowed = get(&app, "/search/?q=gold+budget&regions=kyrgyzstan").await;
        assert!(
            narrowed.texts(".search-result .card-title a").iter().all(|t| t.contains("Kyrgyzstan"))
        );
        assert_eq!(narrowed.attrs("input[type=hidden][name=regions]", "value"), ["kyrgyzstan"]);

        // A title with markup is escaped, in the title and the snippet.
        let page = get(&app, "/search/?q=%22long+winter%22").await;
        assert!(page.body.contains("Gas, Grids and the &lt;Long&gt; Winter"), "{}", page.body);
        assert!(!page.body.contains("<Long>"));
        // Static pages are searchable.
        let about = get(&app, "/search/?q=about").await;
        assert!(
            about.attrs(".search-result .card-title a", "href").contains(&"/about/".to_owned())
        );
        // The address without a slash leads to the page, query kept.
        let bare = get(&app, "/search?q=gold").await;
        assert_eq!(bare.status, 308);
        assert_eq!(bare.headers["location"], "/search/?q=gold");
    }
}

#[tokio::test]
async fn the_api_answers_the_same_as_json_and_opensearch_describes_the_site() {
    for db in databases().await {
        let (app, _, _dir) = indexed_site(&db).await;
        let (s, v) = json_get(&app, "/api/search?q=gold+budget&sort=date").await;
        assert_eq!(s, 200, "{v}");
        assert_eq!(v["engine"], "index");
        assert!(titles(&v).contains(&"Kyrgyzstan's Budget Leans Harder on Gold".to_owned()));
        let regions = &v["facets"]["terms"][0];
        assert_eq!(regions["taxonomy"], "regions");
        assert!(regions["values"].as_array().unwrap().iter().any(|x| x["value"] == "kyrgyzstan"));
        let (_, narrowed) = json_get(&app, "/api/search?q=gold&author=aliya-nurlanova").await;
        assert!(narrowed["total"].as_u64().unwrap() >= 1);
        assert!(narrowed["hits"].as_array().unwrap().iter().all(|h| {
            h["authors"].as_array().unwrap().iter().any(|a| a["slug"] == "aliya-nurlanova")
        }));
        let (s, v) = json_get(&app, "/api/search?q=gold&year=soon").await;
        assert_eq!(s, 400);
        assert!(v["error"]["message"].as_str().unwrap().contains("year"), "{v}");

        let os = get(&app, "/opensearch.xml").await;
        assert_eq!(os.status, 200);
        assert_eq!(os.headers["content-type"], "application/opensearchdescription+xml");
        assert!(os.body.contains("/search/?q={searchTerms}"), "{}", os.body);
        assert!(os.body.starts_with("<?xml"));
    }
}

#[tokio::test]
async fn term_and_author_archives_search_within_themselves() {
    for db in databases().await {
        let (app, _, _dir) = indexed_site(&db).await;
        let term = get(&app, "/regions/moldova/").await;
        assert_eq!(
            term.attrs(".search-form--scoped input[type=hidden][name=regions]", "value"),
            ["moldova"]
        );
        let author = get(&app, "/authors/aliya-nurlanova/").await;
        assert_eq!(
            author.attrs(".search-form--scoped input[type=hidden]", "value"),
            ["aliya-nurlanova"]
        );
        let (_, all) = json_get(&app, "/api/search?q=energy").await;
        let (_, within) = json_get(&app, "/api/search?q=energy&regions=moldova").await;
        let (all, within) = (all["total"].as_u64().unwrap(), within["total"].as_u64().unwrap());
        assert!(within >= 1 && within < all, "{within} of {all}");
    }
}

#[tokio::test]
async fn the_index_follows_writes_before_the_response_returns_and_drafts_never_show() {
    for db in databases().await {
        let (app, _, _dir) = indexed_site(&db).await;
        let t = api_token(&db.store, "Edna Editor", Role::Editor).await;
        let (s, out) = api(
            &app,
            "POST",
            "/articles",
            &t,
            json!({"title": "Zeppelins Return to Chisinau", "body": "Airships are back.",
                "authors": ["anna-kowalska"]}),
        )
        .await;
        assert_eq!(s, 201, "{out}");
        let id = out["id"].as_i64().unwrap();
        // Quoted: no typos allowed, so other articles' near words do not count.
        let (_, v) = json_get(&app, "/api/search?q=%22zeppelins%22").await;
        assert_eq!(v["total"], 0, "a draft is not found: {v}");

        let (s, out) = api(&app, "POST", &format!("/articles/{id}/publish"), &t, json!({})).await;
        assert_eq!(s, 200, "{out}");
        let (_, v) = json_get(&app, "/api/search?q=%22zeppelins%22").await;
        assert_eq!(titles(&v), ["Zeppelins Return to Chisinau"], "found at once after publishing");

        let version = out["version"].as_i64().unwrap();
        let (s, out) = api(
            &app,
            "PUT",
            &format!("/articles/{id}"),
            &t,
            json!({"version": version, "title": "Airships Return to Chisinau", "body": "Dirigibles are back.",
                "authors": ["anna-kowalska"]}),
        )
        .await;
        assert_eq!(s, 200, "{out}");
        let (_, v) = json_get(&app, "/api/search?q=%22dirigibles%22").await;
        assert_eq!(titles(&v), ["Airships Return to Chisinau"], "the edit is searchable at once");
        let (_, v) = json_get(&app, "/api/search?q=dirigibles").await;
        assert_eq!(titles(&v)[0], "Airships Return to Chisinau", "the word itself ranks first");
        let (_, v) = json_get(&app, "/api/search?q=%22zeppelins%22").await;
        assert_eq!(v["total"], 0, "the old text is gone: {v}");

        let (s, out) = api(&app, "POST", &format!("/articles/{id}/unpublish"), &t, json!({})).await;
        assert_eq!(s, 200, "{out}");
        let (_, v) = json_get(&app, "/api/search?q=%22dirigibles%22").await;
        assert_eq!(v["total"], 0, "unpublished leaves the results at once: {v}");
    }
}

#[tokio::test]
async fn without_a_ready_index_search_answers_from_the_database() {
    for db in databases().await {
        let _ = common::site(&db).await;
        let app = common::app(db.store.clone(), byline_render::Theme::load(None).unwrap());
        let (s, v) = json_get(&app, "/api/search?q=gold").await;
        assert_eq!(s, 200);
        assert_eq!(v["engine"], "database");
        assert!(titles(&v).contains(&"Kyrgyzstan's Budget Leans Harder on Gold".to_owned()), "{v}");
        let page = get(&app, "/search/?q=gold").await;
        assert!(page.raw_text(".search-notice").contains("being built"), "{}", page.body);
        // A LIKE pattern's own characters are text.
        let (_, v) = json_get(&app, "/api/search?q=%25").await;
        assert_eq!(v["total"], 0);
    }
}

#[tokio::test]
async fn bad_input_never_fails_and_searches_are_limited_per_address() {
    for db in databases().await {
        let (app, state, _dir) = indexed_site(&db).await;
        let long = "gold%20".repeat(400);
        for q in [
            "%22",
            "%22%22%22",
            "AND",
            "-",
            "+OR+",
            "(",
            "title%3A",
            "%F0%9F%A6%80",
            "%E2%80%9Cgold",
            &long,
            "",
            "%C3%28",
        ] {
            for path in [format!("/search/?q={q}"), format!("/api/search?q={q}")] {
                let page = get(&app, &path).await;
                assert_eq!(page.status, 200, "{path}: {}", page.body);
            }
        }
        let page = get(&app, "/search/?q=%22%22").await;
        assert!(page.raw_text(".search-notice").contains("Type a word"), "{}", page.body);
        let page = get(&app, &format!("/search/?q={long}")).await;
        assert!(page.raw_text(".search-notice").contains("first 200 characters"), "{}", page.body);
        let page = get(&app, "/search/?q=gold&page=0").await;
        assert_eq!(page.status, 400);
        assert!(page.body.contains("page must be a number"), "{}", page.body);
        let (_, v) = json_get(&app, "/api/search?q=%22raliways%22").await;
        assert_eq!(v["total"], 0);

        // Three searches a minute from one address: the fourth waits.
        let mut state = state;
        state.search_limit = Arc::new(SearchLimiter::new(3));
        let app = byline_web::router(state);
        for _ in 0..3 {
            assert_eq!(get(&app, "/search/?q=gold").await.status, 200);
        }
        let refused = get(&app, "/api/search?q=gold").await;
        assert_eq!(refused.status, 429);
        assert!(refused.headers.contains_key("retry-after"));
        assert!(refused.body.contains("rate_limited"), "{}", refused.body);
    }
}

/// The newsroom's article list (admin and Admin API) searches with the same engine: drafts
/// and gated text included, typos allowed, best match first; a contributor still sees only
/// their own articles; and nothing of a draft reaches public search, not even "did you mean".
#[tokio::test]
async fn the_newsroom_searches_drafts_and_gated_text_with_the_engine() {
    for db in databases().await {
        let (app, _, _dir) = indexed_site(&db).await;
        let editor = api_token(&db.store, "Edna Editor", Role::Editor).await;
        let writer = api_token(&db.store, "Cora Contributor", Role::Contributor).await;
        let (s, out) = api(
            &app,
            "POST",
            "/articles",
            &editor,
            json!({"title": "Zeppelins Return to Chisinau", "body": "Airships are back.",
                "authors": ["anna-kowalska"]}),
        )
        .await;
        assert_eq!(s, 201, "{out}");
        let (s, out) = api(
            &app,
            "POST",
            "/articles",
            &editor,
            json!({"title": "A Members' Letter", "status": "published", "access": "members",
                "body": "For everyone.\n\n<!--members-only-->\n\nThe quartermaster speaks.",
                "authors": ["anna-kowalska"]}),
        )
        .await;
        assert_eq!(s, 201, "{out}");
        let found = |v: &Value| -> Vec<String> {
            v["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["title"].as_str().unwrap().into())
                .collect()
        };

        // One typo, which a LIKE could never match: the engine finds the draft, first (other
        // words within two edits may follow, ranked lower).
        let (s, v) = api(&app, "GET", "/articles?q=zepelins", &editor, Value::Null).await;
        assert_eq!(s, 200, "{v}");
        assert_eq!(found(&v)[0], "Zeppelins Return to Chisinau", "{v}");
        // Text past the members-only line is found by the newsroom, stemmed.
        let (_, v) = api(&app, "GET", "/articles?q=quartermasters", &editor, Value::Null).await;
        assert_eq!(found(&v), ["A Members' Letter"], "{v}");
        // Filters still apply to what the engine found.
        let (_, v) =
            api(&app, "GET", "/articles?q=zepelins&status=published", &editor, Value::Null).await;
        assert!(!found(&v).contains(&"Zeppelins Return to Chisinau".to_owned()), "{v}");
        // A contributor sees only their own articles, whatever the engine found.
        let (_, v) = api(&app, "GET", "/articles?q=zepelins", &writer, Value::Null).await;
        assert_eq!(v["total"], 0, "{v}");
        // Readers never meet the draft nor the gated text, nor a suggestion drawn from them.
        let (_, v) = json_get(&app, "/api/search?q=zepelins").await;
        assert!(!titles(&v).contains(&"Zeppelins Return to Chisinau".to_owned()), "{v}");
        assert!(!v["suggestion"].to_string().contains("zeppelin"), "{v}");
        let (_, v) = json_get(&app, "/api/search?q=quartermaster").await;
        assert_eq!(v["total"], 0, "{v}");
    }
}
