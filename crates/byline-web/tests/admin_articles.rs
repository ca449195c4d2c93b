//! The admin's articles through its routes: the workflow from a contributor's draft to the
//! public site and back, versions and conflicts, revisions, the trash, the list's search and
//! filters, validation, and the live preview.

mod common;

use byline_core::staff::Role;
use byline_store::Store;
use byline_store::testing::databases;
use chrono::{Duration, Utc};
use common::client::{Client, form_fields, signed_in};
use common::{Page, app_and_state, get};

fn with(mut fields: Vec<(String, String)>, changes: &[(&str, &str)]) -> Vec<(String, String)> {
    for (k, v) in changes {
        fields.retain(|(f, _)| f != k);
        fields.push(((*k).into(), (*v).into()));
    }
    fields
}

async fn post_fields(c: &mut Client, path: &str, fields: &[(String, String)]) -> Page {
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    c.post(path, &pairs).await
}

fn id_from(p: &Page) -> i64 {
    let loc = p.headers["location"].to_str().unwrap();
    loc.trim_start_matches("/admin/articles/").parse().unwrap_or_else(|_| panic!("{loc}"))
}

async fn slug_of(store: &Store, author_id: Option<i64>) -> String {
    let id = author_id.expect("an author profile");
    store.authors().await.unwrap().into_iter().find(|a| a.id == id).unwrap().slug
}

#[tokio::test]
async fn a_contributor_submits_an_editor_publishes_and_unpublishing_takes_it_down() {
    for db in databases().await {
        let _ = common::site(&db).await;
        let (app, state) = app_and_state(db.store.clone());
        state.catch_up().await.unwrap();
        let (mut c, cu) = signed_in(&app, &db.store, "Cora Contributor", Role::Contributor).await;
        let (mut e, _) = signed_in(&app, &db.store, "Edna Editor", Role::Editor).await;
        let home_before = get(&app, "/").await;
        assert!(!home_before.body.contains("Steppe Wind Notes"));

        let new = c.get("/admin/articles/new").await;
        assert_eq!(new.status, 200, "{}", new.body);
        let own = slug_of(&db.store, cu.author_id).await;
        assert_eq!(new.attrs("#authors", "value"), [own], "own byline by default");
        assert!(new.texts("button[value=publish]").is_empty(), "contributors cannot publish");
        let fields = with(
            form_fields(&new),
            &[
                ("title", "Steppe Wind Notes"),
                ("body", "Wind over the steppe.\n\nMore."),
                ("intent", "submit"),
            ],
        );
        let r = post_fields(&mut c, "/admin/articles", &fields).await;
        assert_eq!(r.status, 303, "{}", r.body);
        let id = id_from(&r);
        let page = c.get(&format!("/admin/articles/{id}")).await;
        assert!(page.texts(".status").contains(&"Awaiting review".to_owned()), "{}", page.body);
        assert_eq!(get(&app, "/articles/steppe-wind-notes/").await.status, 404);

        // The contributor cannot publish, even by posting the button's value; nothing typed is lost.
        let typed = with(
            form_fields(&page),
            &[("title", "Steppe Wind Notes, typed"), ("intent", "publish")],
        );
        let refused = post_fields(&mut c, &format!("/admin/articles/{id}"), &typed).await;
        assert_eq!(refused.status, 403, "{}", refused.body);
        assert_eq!(refused.attrs("#title", "value"), ["Steppe Wind Notes, typed"]);

        // The editor sees it waiting and publishes it.
        let dash = e.get("/admin/").await;
        assert!(dash.body.contains("Steppe Wind Notes"), "{}", dash.body);
        let editor_page = e.get(&format!("/admin/articles/{id}")).await;
        let publish = with(form_fields(&editor_page), &[("intent", "publish")]);
        let r = post_fields(&mut e, &format!("/admin/articles/{id}"), &publish).await;
        assert_eq!(r.status, 303, "{}", r.body);
        state.catch_up().await.unwrap();
        let public = get(&app, "/articles/steppe-wind-notes/").await;
        assert_eq!(public.status, 200);
        assert!(public.body.contains("Wind over the steppe."));
        assert!(
            get(&app, "/").await.body.contains("Steppe Wind Notes"),
            "the cached home page changed"
        );
        assert!(get(&app, "/feed.xml").await.body.contains("Steppe Wind Notes"));

        let page = e.get(&format!("/admin/articles/{id}")).await;
        let r = post_fields(
            &mut e,
            &format!("/admin/articles/{id}"),
            &with(form_fields(&page), &[("intent", "unpublish")]),
        )
        .await;
        assert_eq!(r.status, 303);
        state.catch_up().await.unwrap();
        assert_eq!(get(&app, "/articles/steppe-wind-notes/").await.status, 404);
        assert!(!get(&app, "/").await.body.contains("Steppe Wind Notes"));
        assert!(!get(&app, "/feed.xml").await.body.contains("Steppe Wind Notes"));
        assert!(!get(&app, "/sitemaps/articles-1.xml").await.body.contains("steppe-wind-notes"));
    }
}

#[tokio::test]
async fn a_stale_save_is_refused_with_the_other_persons_changes_and_nothing_lost() {
    for db in databases().await {
        let app = common::site(&db).await;
        let (mut a, _) = signed_in(&app, &db.store, "Edna Editor", Role::Editor).await;
        let (mut b, _) = signed_in(&app, &db.store, "Eli Editor", Role::Editor).await;
        let id = db.store.published_article("full").await.unwrap().id;
        let pa = a.get(&format!("/admin/articles/{id}")).await;
        let pb = b.get(&format!("/admin/articles/{id}")).await;
        let r = post_fields(
            &mut a,
            &format!("/admin/articles/{id}"),
            &with(form_fields(&pa), &[("title", "Edna's title"), ("intent", "save")]),
        )
        .await;
        assert_eq!(r.status, 303, "{}", r.body);
        let mine = with(form_fields(&pb), &[("title", "Eli's title"), ("intent", "save")]);
        let r = post_fields(&mut b, &format!("/admin/articles/{id}"), &mine).await;
        assert_eq!(r.status, 409, "{}", r.body);
        assert!(r.texts(".conflict p")[0].contains("Edna Editor saved this article"), "{}", r.body);
        assert_eq!(r.attrs("#title", "value"), ["Eli's title"], "what Eli typed is kept");
        assert!(r.texts(".conflict ins").contains(&"Edna's title".to_owned()));
        assert!(r.texts(".conflict del").contains(&"Gas, Grids and the <Long> Winter".to_owned()));
        assert_eq!(db.store.published_article("full").await.unwrap().title, "Edna's title");
        // Saving again, having seen their changes, is a deliberate overwrite.
        let again = post_fields(
            &mut b,
            &format!("/admin/articles/{id}"),
            &with(form_fields(&r), &[("intent", "save")]),
        )
        .await;
        assert_eq!(again.status, 303, "{}", again.body);
        assert_eq!(db.store.published_article("full").await.unwrap().title, "Eli's title");
    }
}

#[tokio::test]
async fn revisions_show_a_diff_and_restore_as_a_new_version() {
    for db in databases().await {
        let app = common::site(&db).await;
        let (mut e, _) = signed_in(&app, &db.store, "Edna Editor", Role::Editor).await;
        let id = db.store.published_article("full").await.unwrap().id;
        let p = e.get(&format!("/admin/articles/{id}")).await;
        let body = form_fields(&p).into_iter().find(|(k, _)| k == "body").unwrap().1;
        let edited = body.replace("The first paragraph sets the scene.", "A new opening line.");
        post_fields(
            &mut e,
            &format!("/admin/articles/{id}"),
            &with(form_fields(&p), &[("body", &edited), ("intent", "save")]),
        )
        .await;
        let list = e.get(&format!("/admin/articles/{id}/revisions")).await;
        assert_eq!(list.status, 200, "{}", list.body);
        let links = list.attrs("tbody a", "href");
        assert_eq!(links.len(), 2, "the import and the edit");
        let first = e.get(&links[1]).await;
        assert_eq!(first.status, 200, "{}", first.body);
        assert_eq!(first.texts(".diff h3"), ["Body"]);
        assert!(
            first.texts(".diff del").contains(&"The first paragraph sets the scene.".to_owned())
        );
        assert!(first.texts(".diff ins").contains(&"A new opening line.".to_owned()));
        let version = first.attrs("form input[name=version]", "value")[0].clone();
        let action = first.attrs("form[action$=restore]", "action")[0].clone();
        let r = e.post(&action, &[("version", &version)]).await;
        assert_eq!(r.status, 303, "{}", r.body);
        let now = db.store.published_article("full").await.unwrap();
        assert!(now.body.contains("The first paragraph sets the scene."));
        let stale = e.post(&action, &[("version", &version)]).await;
        assert_eq!(stale.status, 409, "restoring states the version too");
        let list = e.get(&format!("/admin/articles/{id}/revisions")).await;
        assert!(list.texts("td").contains(&"restore version 1".to_owned()), "{}", list.body);
    }
}

#[tokio::test]
async fn the_trash_hides_articles_everywhere_until_restored() {
    for db in databases().await {
        let _ = common::site(&db).await;
        let (app, state) = app_and_state(db.store.clone());
        state.catch_up().await.unwrap();
        let (mut e, _) = signed_in(&app, &db.store, "Edna Editor", Role::Editor).await;
        assert_eq!(get(&app, "/articles/full/").await.status, 200);
        let id = db.store.published_article("full").await.unwrap().id;
        let p = e.get(&format!("/admin/articles/{id}")).await;
        assert_eq!(p.attrs("button[formaction$=trash]", "formaction").len(), 1);
        let r = e.post(&format!("/admin/articles/{id}/trash"), &[]).await;
        assert_eq!(r.status, 303, "{}", r.body);
        state.catch_up().await.unwrap();
        assert_eq!(get(&app, "/articles/full/").await.status, 404);
        assert!(!e.get("/admin/articles").await.body.contains(&format!("/admin/articles/{id}\"")));
        let trash = e.get("/admin/articles?status=trash").await;
        assert!(trash.body.contains(&format!("/admin/articles/{id}\"")));
        let r = e.post(&format!("/admin/articles/{id}/restore"), &[]).await;
        assert_eq!(r.status, 303);
        let p = e.get(&format!("/admin/articles/{id}")).await;
        assert_eq!(p.texts(".status")[0], "Draft");
        assert_eq!(get(&app, "/articles/full/").await.status, 404, "restored as a draft");
    }
}

#[tokio::test]
async fn the_list_searches_and_filters_with_errors_beside_the_filters() {
    for db in databases().await {
        let app = common::site(&db).await;
        let (mut e, _) = signed_in(&app, &db.store, "Edna Editor", Role::Editor).await;
        let titles = |p: &Page| p.texts("tbody td:first-child a");
        let all = e.get("/admin/articles").await;
        assert_eq!(all.status, 200, "{}", all.body);
        assert_eq!(titles(&all).len(), 20, "first page");
        assert_eq!(all.attrs("a[rel=next]", "href").len(), 1);
        let q = e.get("/admin/articles?q=First+PARAGRAPH+sets").await;
        assert_eq!(titles(&q), ["Gas, Grids and the <Long> Winter"], "body text, any case");
        let by_author = e.get("/admin/articles?author=guest-writer").await;
        assert_eq!(titles(&by_author), ["Gas, Grids and the <Long> Winter"]);
        let by_term = e.get("/admin/articles?term=regions/europe").await;
        assert!(
            titles(&by_term).contains(&"Gas, Grids and the <Long> Winter".to_owned()),
            "descendants count"
        );
        let dated = e.get("/admin/articles?from=2026-11-25&until=2026-11-25").await;
        assert!(titles(&dated).contains(&"Gas, Grids and the <Long> Winter".to_owned()));
        let none = e.get("/admin/articles?status=review").await;
        assert!(titles(&none).is_empty());
        let bad = e.get("/admin/articles?from=yesterday").await;
        assert_eq!(bad.status, 200);
        assert!(bad.texts("#from-error")[0].contains("not a date"), "{}", bad.body);
    }
}

#[tokio::test]
async fn invalid_fields_are_named_beside_each_field_and_keep_what_was_typed() {
    for db in databases().await {
        let app = common::site(&db).await;
        let (mut e, _) = signed_in(&app, &db.store, "Edna Editor", Role::Editor).await;
        let new = e.get("/admin/articles/new").await;
        let bad = with(
            form_fields(&new),
            &[("title", "Bad fields"), ("copyright_year", "twenty"), ("intent", "save")],
        );
        let r = post_fields(&mut e, "/admin/articles", &bad).await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(r.texts("#copyright_year-error")[0].contains("not a year"));
        assert_eq!(r.attrs("#copyright_year", "value"), ["twenty"]);
        let bad = with(
            form_fields(&r),
            &[
                ("copyright_year", "2024"),
                ("source_url", "not a url"),
                ("authors", "nobody-at-all"),
                ("intent", "publish"),
            ],
        );
        let r = post_fields(&mut e, "/admin/articles", &bad).await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(r.texts("#source_url-error")[0].contains("not a valid URL"));
        assert!(r.texts("#authors-error")[0].contains("nobody-at-all"));
        assert_eq!(r.attrs("#authors", "aria-describedby"), ["authors-error"]);
        assert_eq!(r.attrs("#authors", "value"), ["nobody-at-all"]);
        assert!(r.texts("#body-error")[0].contains("needs a body"));
        assert!(db.store.authors().await.unwrap().iter().all(|a| a.slug != "nobody-at-all"));
    }
}

#[tokio::test]
async fn the_live_preview_renders_sanitized_html_and_the_no_js_button_works_too() {
    use axum::body::Body;
    use axum::http::{Request, header};
    for db in databases().await {
        let app = common::site(&db).await;
        let (mut e, _) = signed_in(&app, &db.store, "Edna Editor", Role::Editor).await;
        let editor = e.get("/admin/articles/new").await;
        let scripts = editor.attrs("script[src]", "src");
        assert_eq!(scripts.len(), 2, "{scripts:?}");
        assert!(scripts[0].starts_with("/admin/assets/editor.js"), "{scripts:?}");
        assert!(scripts[1].starts_with("/admin/assets/media.js"), "the media picker: {scripts:?}");
        // Without scripts, the picker is a plain link that comes back to this editor.
        assert_eq!(
            editor.attrs("a.media-pick-link", "href"),
            ["/admin/media?pick=1&return=/admin/articles/new"]
        );
        let picked =
            e.get("/admin/articles/new?image=%2Fmedia%2Fab%2Fx.jpg&image_alt=A+boat").await;
        assert_eq!(picked.attrs("#image", "value"), ["/media/ab/x.jpg"]);
        assert_eq!(picked.attrs("#image_alt", "value"), ["A boat"]);
        assert_eq!(e.get("/admin/assets/editor.js").await.status, 200);
        let md = "**bold** <script>alert(1)</script><img src=x onerror=alert(1)>";
        let cookie = e.cookie.clone().unwrap();
        let req = |token: &str| {
            Request::post("/admin/articles/preview")
                .header(header::COOKIE, cookie.clone())
                .header("sec-fetch-site", "same-origin")
                .header("x-csrf-token", token)
                .header(header::CONTENT_TYPE, "text/markdown")
                .body(Body::from(md))
                .unwrap()
        };
        let csrf = e.csrf.clone().unwrap();
        let ok = e.send(req(&csrf)).await;
        assert_eq!(ok.status, 200, "{}", ok.body);
        assert!(ok.body.contains("<strong>bold</strong>"));
        assert!(!ok.body.contains("<script") && !ok.body.contains("onerror"), "{}", ok.body);
        assert_eq!(e.send(req("wrong")).await.status, 403);

        let form = with(
            form_fields(&editor),
            &[("title", "Preview only"), ("body", md), ("intent", "preview")],
        );
        let p = post_fields(&mut e, "/admin/articles", &form).await;
        assert_eq!(p.status, 200);
        assert_eq!(p.texts("#preview strong"), ["bold"]);
        assert!(
            p.html().select(&scraper::Selector::parse("#preview script").unwrap()).next().is_none()
        );
        assert_eq!(p.attrs("#title", "value"), ["Preview only"]);
        let q = byline_core::editorial::ArticleQuery {
            text: Some("Preview only".into()),
            ..Default::default()
        };
        let actor = db.store.staff().await.unwrap()[0].actor();
        assert_eq!(db.store.admin_articles(&actor, &q, 1, 5).await.unwrap().total, 0, "not saved");
    }
}

#[tokio::test]
async fn a_scheduled_article_appears_after_its_time_exactly_once() {
    for db in databases().await {
        let _ = common::site(&db).await;
        let (app, state) = app_and_state(db.store.clone());
        state.catch_up().await.unwrap();
        let (mut e, _) = signed_in(&app, &db.store, "Edna Editor", Role::Editor).await;
        let new = e.get("/admin/articles/new").await;
        let when = (Utc::now() + Duration::hours(1)).format("%Y-%m-%dT%H:%M").to_string();
        let form = with(
            form_fields(&new),
            &[
                ("title", "Tomorrow's news"),
                ("body", "Soon."),
                ("published_at", &when),
                ("intent", "schedule"),
            ],
        );
        let r = post_fields(&mut e, "/admin/articles", &form).await;
        assert_eq!(r.status, 303, "{}", r.body);
        let dash = e.get("/admin/").await;
        assert!(
            dash.texts(".panel li")
                .iter()
                .any(|t| t.contains("Tomorrow's news") && t.contains("for "))
        );
        assert_eq!(get(&app, "/articles/tomorrows-news/").await.status, 404);
        assert_eq!(db.store.publish_due(Utc::now()).await.unwrap(), 0);
        assert_eq!(db.store.publish_due(Utc::now() + Duration::hours(2)).await.unwrap(), 1);
        assert_eq!(db.store.publish_due(Utc::now() + Duration::hours(2)).await.unwrap(), 0);
        state.catch_up().await.unwrap();
        assert_eq!(get(&app, "/articles/tomorrows-news/").await.status, 200);
    }
}
