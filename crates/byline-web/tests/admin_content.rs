//! The admin's content screens: authors, taxonomies and terms, pages, settings, API tokens
//! and the audit log, on both databases, with the permission matrix for every role.

mod common;

use byline_core::staff::Role;
use byline_store::Store;
use byline_store::testing::databases;
use common::client::{Client, signed_in};
use common::{Page, get};

fn location(p: &Page) -> String {
    assert_eq!(p.status, 303, "expected a redirect, got {}: {}", p.status, p.body);
    p.headers["location"].to_str().unwrap().to_owned()
}

/// The id at the end of a redirect such as `/admin/authors/12`.
fn id_in(p: &Page) -> i64 {
    location(p).rsplit('/').next().unwrap().parse().unwrap()
}

async fn audit_actions(store: &Store) -> Vec<String> {
    store.audit_log(1, 200).await.unwrap().items.into_iter().map(|e| e.action).collect()
}

async fn author_count(store: &Store, slug: &str) -> u64 {
    let all = store.author_listings().await.unwrap();
    all.into_iter().find(|l| l.author.slug == slug).map_or(0, |l| l.articles)
}

#[tokio::test]
async fn editors_create_edit_and_delete_authors() {
    for db in databases().await {
        let app = common::site(&db).await;
        let (mut c, edna) = signed_in(&app, &db.store, "Edna Editor", Role::Editor).await;
        // A staff account's own author profile is never deleted.
        let profile = edna.author_id.expect("staff write under a profile");
        let refused = c.post(&format!("/admin/authors/{profile}/delete"), &[]).await;
        let back = c.get(&location(&refused)).await;
        assert!(back.texts(".flash-error")[0].contains("staff account"), "{}", back.body);
        assert!(db.store.author_by_id(profile).await.is_ok());
        let list = c.get("/admin/authors").await;
        assert_eq!(list.status, 200, "{}", list.body);
        assert!(list.texts(".author-row").iter().any(|r| r.starts_with("Anna Kowalska")));

        // Bad input: each error beside its field, everything typed kept.
        let bad = c
            .post(
                "/admin/authors",
                &[
                    ("name", "Zoë Guest"),
                    ("website", "not a url"),
                    ("email", "nobody"),
                    ("bio", "Writes *well*."),
                    ("link_title", "Book"),
                    ("link_url", "ftp://x"),
                    ("link_title", ""),
                    ("link_url", ""),
                    ("guest", "1"),
                ],
            )
            .await;
        assert_eq!(bad.status, 422, "{}", bad.body);
        assert_eq!(bad.texts("#website-error").len(), 1);
        assert_eq!(bad.texts("#email-error").len(), 1);
        assert_eq!(bad.texts("#link-url-0-error").len(), 1, "{}", bad.body);
        assert_eq!(bad.attrs("#website", "aria-describedby"), ["website-error"]);
        assert_eq!(bad.attrs("#name", "value"), ["Zoë Guest"]);
        assert_eq!(bad.raw_text("#bio"), "Writes *well*.");
        assert_eq!(bad.attrs("#guest", "checked").len(), 1);
        assert!(db.store.author("zoe-guest").await.unwrap_err().is_not_found());

        let made = c
            .post(
                "/admin/authors",
                &[
                    ("name", "Zoë Guest"),
                    ("website", "https://zoe.example"),
                    ("email", "zoe@example.org"),
                    ("bio", "Writes *well*."),
                    ("photo", "/media/zoe.jpg"),
                    ("link_title", "Book"),
                    ("link_url", "https://book.example"),
                    ("guest", "1"),
                ],
            )
            .await;
        let id = id_in(&made);
        let zoe = db.store.author_by_id(id).await.unwrap();
        assert!(zoe.guest);
        assert_eq!(zoe.slug, "zoe-guest");
        assert_eq!(zoe.links[0].url, "https://book.example");
        assert!(zoe.bio_html.unwrap().contains("<em>well</em>"));
        assert_eq!(get(&app, "/authors/zoe-guest/").await.status, 200);

        let edit = c.get(&format!("/admin/authors/{id}")).await;
        assert_eq!(edit.attrs("#link-url-0", "value"), ["https://book.example"]);
        let saved = c
            .post(
                &format!("/admin/authors/{id}"),
                &[("name", "Zoë Guest"), ("slug", "zoe"), ("website", ""), ("guest", "")],
            )
            .await;
        assert_eq!(location(&saved), format!("/admin/authors/{id}"));
        let zoe = db.store.author_by_id(id).await.unwrap();
        assert_eq!((zoe.slug.as_str(), zoe.guest, zoe.links.len()), ("zoe", false, 0));
        // A slug already taken is a field error.
        let clash = c
            .post(&format!("/admin/authors/{id}"), &[("name", "Zoë"), ("slug", "anna-kowalska")])
            .await;
        assert_eq!(clash.status, 422);
        assert!(clash.texts("#slug-error")[0].contains("Anna Kowalska"));

        // Deleting someone in bylines needs another author to take their place.
        let anna = db.store.author("anna-kowalska").await.unwrap();
        let n = author_count(&db.store, "anna-kowalska").await;
        assert!(n > 0);
        let refused = c.post(&format!("/admin/authors/{}/delete", anna.id), &[]).await;
        let back = c.get(&location(&refused)).await;
        assert!(back.texts(".flash-error")[0].contains("byline"), "{}", back.body);
        assert!(db.store.author("anna-kowalska").await.is_ok());
        let id_s = id.to_string();
        let gone =
            c.post(&format!("/admin/authors/{}/delete", anna.id), &[("reassign_to", &id_s)]).await;
        assert_eq!(location(&gone), "/admin/authors");
        assert!(db.store.author("anna-kowalska").await.unwrap_err().is_not_found());
        assert_eq!(author_count(&db.store, "zoe").await, n);
        let deleted_zoe = c.post(&format!("/admin/authors/{id}/delete"), &[]).await;
        assert_eq!(location(&deleted_zoe), format!("/admin/authors/{id}"), "refused: in bylines");

        let actions = audit_actions(&db.store).await;
        for a in ["author.create", "author.update", "author.delete"] {
            assert!(actions.iter().any(|x| x == a), "{a} in {actions:?}");
        }
    }
}

#[tokio::test]
async fn taxonomies_and_terms_rename_merge_nest_and_delete() {
    for db in databases().await {
        let _ = common::site(&db).await;
        let (app, state) = common::app_and_state(db.store.clone());
        let (mut c, _) = signed_in(&app, &db.store, "Edna Editor", Role::Editor).await;
        let bad = c.post("/admin/taxonomies", &[("name", "Admin"), ("position", "x")]).await;
        assert_eq!(bad.status, 422);
        assert_eq!(bad.texts("#slug-error").len(), 1, "reserved slug");
        assert_eq!(bad.texts("#position-error").len(), 1);
        let made =
            c.post("/admin/taxonomies", &[("name", "Formats"), ("singular", "Format")]).await;
        let tax = id_in(&made);
        let f = db.store.taxonomy_by_id(tax).await.unwrap();
        assert_eq!((f.slug.as_str(), f.singular.as_str()), ("formats", "Format"));
        let saved = c
            .post(
                &format!("/admin/taxonomies/{tax}"),
                &[("name", "Formats"), ("description", "How a story is told"), ("position", "7")],
            )
            .await;
        assert_eq!(location(&saved), format!("/admin/taxonomies/{tax}"));
        assert_eq!(db.store.taxonomy_by_id(tax).await.unwrap().position, 7);

        // Terms: add, nest, and refuse a cycle beside the parent field.
        let t = c.post(&format!("/admin/taxonomies/{tax}/terms"), &[("name", "Explainer")]).await;
        assert_eq!(location(&t), format!("/admin/taxonomies/{tax}"));
        let explainer = db.store.term_context("formats", "explainer").await.unwrap().term.id;
        let e = explainer.to_string();
        let t = c
            .post(&format!("/admin/taxonomies/{tax}/terms"), &[("name", "Short"), ("parent", &e)])
            .await;
        assert_eq!(t.status, 303);
        let short = db.store.term_context("formats", "short").await.unwrap().term;
        assert_eq!(short.parent_id, Some(explainer));
        let page = c.get(&format!("/admin/taxonomies/{tax}")).await;
        assert!(page.body.contains("term-depth-1"), "nested rows are indented");
        let s = short.id.to_string();
        let cycle = c
            .post(&format!("/admin/terms/{explainer}"), &[("name", "Explainer"), ("parent", &s)])
            .await;
        assert_eq!(cycle.status, 422);
        assert!(cycle.texts("#parent-error")[0].contains("cycle"), "{}", cycle.body);
        assert_eq!(cycle.attrs("#parent", "aria-describedby"), ["parent-error"]);
        let own = c
            .post(&format!("/admin/terms/{}", short.id), &[("name", "Short"), ("parent", &s)])
            .await;
        assert_eq!(own.status, 422);

        // Renaming changes the public archive address; the old one answers 404.
        assert_eq!(get(&app, "/regions/moldova/").await.status, 200);
        let moldova = db.store.term_context("regions", "moldova").await.unwrap().term;
        let parent = moldova.parent_id.map(|p| p.to_string()).unwrap_or_default();
        let renamed = c
            .post(
                &format!("/admin/terms/{}", moldova.id),
                &[
                    ("name", "Republic of Moldova"),
                    ("slug", "republic-of-moldova"),
                    ("parent", &parent),
                ],
            )
            .await;
        assert_eq!(renamed.status, 303, "{}", renamed.body);
        state.catch_up().await.unwrap();
        let new = get(&app, "/regions/republic-of-moldova/").await;
        assert_eq!(new.status, 200);
        assert!(new.body.contains("Republic of Moldova"));
        let old = get(&app, "/regions/moldova/").await;
        assert_eq!(old.status, 301, "the old address redirects");
        assert_eq!(old.headers["location"], "/regions/republic-of-moldova/");
        let old = get(&app, "/regions/moldova/page/2/").await;
        assert_eq!(old.headers["location"], "/regions/republic-of-moldova/page/2/");

        // Merging moves the articles, without duplicates, and deletes the source.
        let gas = db.store.term_context("tags", "gas").await.unwrap().term.id;
        let grids = db.store.term_context("tags", "grids").await.unwrap().term.id;
        let mut want = db.store.term_article_slugs(gas).await.unwrap();
        want.extend(db.store.term_article_slugs(grids).await.unwrap());
        want.sort();
        want.dedup();
        assert!(want.contains(&"full".to_owned()), "the full article has both tags");
        assert_eq!(get(&app, "/tags/gas/").await.status, 200);
        let none = c.post(&format!("/admin/terms/{gas}/merge"), &[("into", "")]).await;
        assert_eq!(none.status, 422);
        assert_eq!(none.texts("#into-error").len(), 1);
        let merged =
            c.post(&format!("/admin/terms/{gas}/merge"), &[("into", &grids.to_string())]).await;
        assert_eq!(location(&merged), format!("/admin/terms/{grids}"));
        assert_eq!(db.store.term_article_slugs(grids).await.unwrap(), want);
        assert!(db.store.term_by_id(gas).await.unwrap_err().is_not_found());
        state.catch_up().await.unwrap();
        let old = get(&app, "/tags/gas/").await;
        assert_eq!(
            (old.status.as_u16(), &old.headers["location"]),
            (301, &"/tags/grids/".parse().unwrap())
        );
        assert_eq!(get(&app, "/tags/no-such-tag/").await.status, 404);

        // Deleting a term; deleting a taxonomy in use needs confirming and says how much.
        let del = c.post(&format!("/admin/terms/{}/delete", short.id), &[]).await;
        assert_eq!(location(&del), format!("/admin/taxonomies/{tax}"));
        assert_eq!(get(&app, "/themes/energy/").await.status, 200);
        let themes = db.store.taxonomy("themes").await.unwrap();
        let used = db.store.taxonomy_usage(themes.id).await.unwrap();
        assert!(used.articles > 0);
        let refused = c.post(&format!("/admin/taxonomies/{}/delete", themes.id), &[]).await;
        let back = c.get(&location(&refused)).await;
        let msg = &back.texts(".flash-error")[0];
        assert!(msg.contains(&format!("{} article(s)", used.articles)), "{msg}");
        assert!(back.body.contains("Confirm") || back.body.contains("confirm"));
        let gone =
            c.post(&format!("/admin/taxonomies/{}/delete", themes.id), &[("confirm", "1")]).await;
        assert_eq!(location(&gone), "/admin/taxonomies");
        assert!(db.store.taxonomy("themes").await.unwrap_err().is_not_found());
        state.catch_up().await.unwrap();
        assert_eq!(get(&app, "/themes/energy/").await.status, 404);

        let actions = audit_actions(&db.store).await;
        for a in [
            "taxonomy.create",
            "taxonomy.update",
            "taxonomy.delete",
            "term.create",
            "term.update",
            "term.merge",
            "term.delete",
        ] {
            assert!(actions.iter().any(|x| x == a), "{a} in {actions:?}");
        }
    }
}

#[tokio::test]
async fn pages_preview_save_edit_and_delete() {
    for db in databases().await {
        let _ = common::site(&db).await;
        let (app, state) = common::app_and_state(db.store.clone());
        let (mut c, _) = signed_in(&app, &db.store, "Edna Editor", Role::Editor).await;
        assert_eq!(c.get("/admin/pages/new").await.status, 200);
        let body = "We are **independent**.";
        let preview =
            c.post("/admin/pages", &[("title", "Ethics"), ("body", body), ("preview", "1")]).await;
        assert_eq!(preview.status, 200);
        assert_eq!(preview.texts(".preview strong"), ["independent"]);
        assert_eq!(preview.raw_text("#body"), body, "the typed body stays");
        assert!(db.store.page("ethics").await.unwrap_err().is_not_found(), "not saved");

        let bad =
            c.post("/admin/pages", &[("title", "Admin"), ("body", body), ("weight", "2.5")]).await;
        assert_eq!(bad.status, 422);
        assert_eq!(bad.texts("#slug-error").len(), 1);
        assert_eq!(bad.texts("#weight-error").len(), 1);
        assert_eq!(bad.raw_text("#body"), body);

        let made = c
            .post(
                "/admin/pages",
                &[("title", "Ethics"), ("body", body), ("weight", "3"), ("in_nav", "1")],
            )
            .await;
        let id = id_in(&made);
        state.catch_up().await.unwrap();
        let public = get(&app, "/ethics/").await;
        assert_eq!(public.status, 200);
        assert!(public.body.contains("<strong>independent</strong>"));
        let p = db.store.page_by_id(id).await.unwrap();
        assert_eq!((p.weight, p.in_nav), (3, true));
        let saved = c
            .post(
                &format!("/admin/pages/{id}"),
                &[("title", "Ethics"), ("slug", "ethics-code"), ("body", "New."), ("weight", "1")],
            )
            .await;
        assert_eq!(location(&saved), format!("/admin/pages/{id}"));
        assert!(!db.store.page_by_id(id).await.unwrap().in_nav);
        state.catch_up().await.unwrap();
        assert_eq!(get(&app, "/ethics-code/").await.status, 200);
        let gone = c.post(&format!("/admin/pages/{id}/delete"), &[]).await;
        assert_eq!(location(&gone), "/admin/pages");
        state.catch_up().await.unwrap();
        assert_eq!(get(&app, "/ethics-code/").await.status, 404);
        let actions = audit_actions(&db.store).await;
        for a in ["page.create", "page.update", "page.delete"] {
            assert!(actions.iter().any(|x| x == a), "{a} in {actions:?}");
        }
    }
}

#[tokio::test]
async fn settings_changes_show_on_the_public_site() {
    for db in databases().await {
        let _ = common::site(&db).await;
        let (app, state) = common::app_and_state(db.store.clone());
        let (mut c, _) = signed_in(&app, &db.store, "Ada Admin", Role::Administrator).await;
        let before = get(&app, "/").await;
        assert!(!before.body.contains("The Night Desk"));
        let form = c.get("/admin/settings").await;
        assert_eq!(form.status, 200);
        let current = db.store.publication().await.unwrap();
        assert_eq!(form.attrs("#title", "value"), vec![current.title.clone()]);

        let bad = c
            .post(
                "/admin/settings",
                &[
                    ("title", "The Night Desk"),
                    ("language", "en us"),
                    ("contact_email", "nobody"),
                    ("base_url", "ftp://x"),
                    ("default_license", "cc-by-4.0"),
                ],
            )
            .await;
        assert_eq!(bad.status, 422);
        for f in ["language", "contact_email", "base_url"] {
            assert_eq!(bad.texts(&format!("#{f}-error")).len(), 1, "{f}");
        }
        assert_eq!(bad.attrs("#title", "value"), ["The Night Desk"], "typed values kept");
        assert_eq!(bad.attrs("#contact_email", "value"), ["nobody"]);
        assert_eq!(db.store.publication().await.unwrap().title, current.title, "nothing saved");

        let ok = c
            .post(
                "/admin/settings",
                &[
                    ("title", "The Night Desk"),
                    ("tagline", "News after dark"),
                    ("language", "en"),
                    ("contact_email", "desk@example.org"),
                    ("media_email", "press@example.org"),
                    ("copyright", "© The Night Desk"),
                    ("disclaimer", "Views are *the authors'*."),
                    ("republish_policy", "Credit us."),
                    ("default_license", "cc-by-4.0"),
                    ("allow_republishing", "1"),
                ],
            )
            .await;
        assert_eq!(location(&ok), "/admin/settings");
        let p = db.store.publication().await.unwrap();
        assert_eq!(p.default_license.code(), "cc-by-4.0");
        assert_eq!(p.media_email.as_deref(), Some("press@example.org"));
        state.catch_up().await.unwrap();
        let after = get(&app, "/").await;
        assert!(after.body.contains("The Night Desk"), "the cached home page was invalidated");
        assert!(audit_actions(&db.store).await.contains(&"settings.update".to_owned()));
    }
}

#[tokio::test]
async fn tokens_made_in_the_admin_work_until_revoked() {
    for db in databases().await {
        let app = common::site(&db).await;
        let (mut c, admin) = signed_in(&app, &db.store, "Ada Admin", Role::Administrator).await;
        let page = c.get("/admin/tokens").await;
        assert_eq!(page.status, 200);
        let roles = page.attrs("#role option", "value");
        assert!(
            roles.contains(&"administrator".to_owned()) && !roles.contains(&"owner".to_owned())
        );

        let bad = c.post("/admin/tokens", &[("name", ""), ("role", "owner")]).await;
        assert_eq!(bad.status, 422);
        assert_eq!(bad.texts("#name-error").len(), 1);
        assert!(bad.texts("#role-error")[0].contains("owner"));

        let made = c.post("/admin/tokens", &[("name", "CMS sync"), ("role", "editor")]).await;
        assert_eq!(made.status, 200);
        let secret = made.texts("#token-secret")[0].clone();
        assert!(secret.starts_with("byl_"));
        assert!(!c.get("/admin/tokens").await.body.contains(&secret), "shown once");
        let me = api_me(&app, &secret).await;
        assert_eq!(me.0, 200);
        assert_eq!(me.1["role"], "editor");
        assert_eq!(me.1["staff_id"], admin.id);
        let list = c.get("/admin/tokens").await;
        assert!(list.texts(".token-row")[0].contains("Ada Admin"));

        let token = db.store.api_tokens().await.unwrap()[0].clone();
        let revoked = c.post(&format!("/admin/tokens/{}/revoke", token.id), &[]).await;
        assert_eq!(location(&revoked), "/admin/tokens");
        assert_eq!(api_me(&app, &secret).await.0, 401);
        assert!(c.get("/admin/tokens").await.texts(".token-row")[0].contains("Revoked"));

        let log = c.get("/admin/audit").await;
        assert_eq!(log.status, 200);
        let actions = log.texts(".audit-row .action");
        assert_eq!(actions[0], "token.revoke", "newest first");
        assert!(actions.contains(&"token.create".to_owned()));
    }
}

async fn api_me(app: &axum::Router, secret: &str) -> (u16, serde_json::Value) {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let req = axum::http::Request::get("/api/admin/v1/me")
        .header("authorization", format!("Bearer {secret}"))
        .body(axum::body::Body::empty())
        .unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    let s = res.status().as_u16();
    let b = res.into_body().collect().await.unwrap().to_bytes();
    (s, serde_json::from_slice(&b).unwrap_or_default())
}

#[tokio::test]
async fn the_audit_log_pages_newest_first() {
    for db in databases().await {
        let app = common::site(&db).await;
        let (mut c, _) = signed_in(&app, &db.store, "Ada Admin", Role::Administrator).await;
        for i in 0..55 {
            c.post("/admin/pages", &[("title", &format!("Page {i}")), ("body", "x")]).await;
        }
        let first = c.get("/admin/audit").await;
        let subjects = first.texts(".audit-row");
        assert_eq!(subjects.len(), 50);
        assert!(subjects[0].contains("Page 54"), "{}", subjects[0]);
        assert_eq!(first.attrs(".pager a[rel=next]", "href"), ["/admin/audit?page=2"]);
        let second = c.get("/admin/audit?page=2").await;
        assert!(second.texts(".audit-row").iter().any(|r| r.contains("Page 0")));
    }
}

/// Every role against every content screen: what it may see and change, 403 otherwise.
#[tokio::test]
async fn the_permission_matrix_holds_in_the_admin() {
    for db in databases().await {
        let app = common::site(&db).await;
        for role in Role::ALL {
            let (mut c, _) = signed_in(&app, &db.store, &format!("{role} person"), role).await;
            let editor = role >= Role::Editor;
            let admin = role >= Role::Administrator;
            for (path, allowed) in [
                ("/admin/authors", editor),
                ("/admin/authors/new", editor),
                ("/admin/taxonomies", editor),
                ("/admin/pages", editor),
                ("/admin/settings", admin),
                ("/admin/tokens", admin),
                ("/admin/audit", admin),
            ] {
                let want = if allowed { 200 } else { 403 };
                assert_eq!(c.get(path).await.status, want, "{role} GET {path}");
            }
            let name = format!("{role} made this");
            let page = format!("{role} page");
            let publication = db.store.publication().await.unwrap();
            for (path, fields, allowed) in [
                ("/admin/authors", vec![("name", name.as_str())], editor),
                ("/admin/taxonomies", vec![("name", name.as_str())], editor),
                ("/admin/pages", vec![("title", page.as_str()), ("body", "x")], editor),
                (
                    "/admin/settings",
                    vec![
                        ("title", publication.title.as_str()),
                        ("language", "en"),
                        ("default_license", "all-rights-reserved"),
                    ],
                    admin,
                ),
                ("/admin/tokens", vec![("name", name.as_str()), ("role", "contributor")], admin),
            ] {
                let res = c.post(path, &fields).await;
                if allowed {
                    assert!(
                        matches!(res.status.as_u16(), 200 | 303),
                        "{role} POST {path}: {}",
                        res.status
                    );
                } else {
                    assert_eq!(res.status, 403, "{role} POST {path}");
                }
            }
            let regions = db.store.taxonomy("regions").await.unwrap().id;
            let any_term = db.store.terms(regions).await.unwrap()[0].id;
            let res = c.post(&format!("/admin/terms/{any_term}/delete"), &[]).await;
            assert_eq!(res.status.as_u16() == 303, editor, "{role} deletes a term: {}", res.status);
        }
        let _ = Client::new(&app);
    }
}
