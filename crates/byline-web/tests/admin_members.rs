//! The admin's member screens on SQLite and (when configured) PostgreSQL: administrators
//! list, add, edit, grant, import, export and delete; editors only look; authors are
//! refused.

mod common;

use axum::body::Body;
use axum::http::{Request, header};
use byline_core::staff::Role;
use byline_store::testing::databases;
use common::client::{Client, signed_in};

/// Posts a CSV file as the import form does (multipart, the token in the query).
async fn upload(c: &mut Client, csv: &str) -> common::Page {
    let boundary = "XbylineX";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"members.csv\"\r\nContent-Type: text/csv\r\n\r\n{csv}\r\n--{boundary}--\r\n"
    );
    let csrf = c.csrf.clone().unwrap_or_default();
    let req = Request::post(format!("/admin/members/import?csrf={csrf}"))
        .header(header::COOKIE, c.cookie.clone().unwrap_or_default())
        .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
        .header("sec-fetch-site", "same-origin")
        .body(Body::from(body))
        .unwrap();
    c.send(req).await
}

#[tokio::test]
async fn administrators_manage_members_in_the_admin() {
    let _ = tracing_subscriber::fmt().with_test_writer().try_init();
    for db in databases().await {
        let app = common::site(&db).await;
        let (mut c, _) = signed_in(&app, &db.store, "Ada Admin", Role::Administrator).await;
        let list = c.get("/admin/members").await;
        assert_eq!(list.status, 200);
        assert!(list.body.contains("No members match."));
        assert!(list.attrs("nav a", "href").contains(&"/admin/members".to_owned()));

        c.get("/admin/members/new").await;
        let fields = [("email", "ann@example.org"), ("name", "Ann <b>"), ("labels", "Press, VIP")];
        let made = c.post("/admin/members", &fields).await;
        assert_eq!(made.status, 303, "{}", made.body);
        let to = made.headers[header::LOCATION].to_str().unwrap().to_owned();
        let page = c.get(&to).await;
        assert!(page.body.contains("Ann &lt;b&gt;"), "escaped");
        assert!(page.body.contains("Press, VIP"));
        assert!(page.body.contains("added by staff"), "history shows");

        c.post("/admin/members", &[("email", "bo@example.org")]).await;
        c.get(&to).await;
        let taken = c.post(&to, &[("email", "BO@example.org"), ("name", "Ann")]).await;
        assert_eq!(taken.status, 422);
        assert!(taken.body.contains("bo@example.org is already a member"), "{}", taken.body);
        let bad = c.post("/admin/members", &[("email", "nobody")]).await;
        assert_eq!(bad.status, 422);
        assert!(bad.texts(".field-error").iter().any(|e| e.contains("not an email address")));

        c.post(&format!("{to}/grant"), &[("tier", "paid"), ("until", "2999-01-01")]).await;
        let page = c.get(&to).await;
        assert!(page.body.contains("2999-01-01") && page.body.contains("comped"), "{}", page.body);
        let list = c.get("/admin/members?status=comped").await;
        assert_eq!(list.texts(".member-row td[data-label=Email]"), ["ann@example.org"]);
        let list = c.get("/admin/members?q=BO").await;
        assert_eq!(list.texts(".member-row td[data-label=Email]"), ["bo@example.org"]);
        let list = c.get("/admin/members?from=yesterday").await;
        assert!(list.body.contains("is not a date"), "filter errors are shown");

        let csv = "email,name,labels\ncy@example.org,Cy,Press\nnot-an-address,X,\nann@example.org,Ann R,\n";
        let report = upload(&mut c, csv).await;
        assert_eq!(report.status, 422, "{:?}", report.texts("main"));
        assert!(report.body.contains("1 added, 1 updated, 1 bad row(s)"), "{}", report.body);
        let rows = report.texts(".import-errors td");
        assert_eq!(rows[0], "3");
        assert!(rows[1].contains("\"not-an-address\" is not an email address"), "{rows:?}");

        let export = c.get("/admin/members/export.csv").await;
        assert_eq!(export.headers[header::CONTENT_TYPE], "text/csv; charset=utf-8");
        assert!(export.body.starts_with("email,name,note,subscribed_to_emails,"));
        assert_eq!(export.body.lines().count(), 4, "{}", export.body);

        c.get(&to).await;
        let kept = c.post(&format!("{to}/delete"), &[]).await;
        assert_eq!(kept.status, 303);
        assert_eq!(c.get(&to).await.status, 200, "not deleted without the confirmation");
        c.post(&format!("{to}/delete"), &[("confirm", "1")]).await;
        assert_eq!(c.get(&to).await.status, 404);
    }
}

#[tokio::test]
async fn editors_look_and_authors_are_refused() {
    for db in databases().await {
        let app = common::site(&db).await;
        let (mut admin, _) = signed_in(&app, &db.store, "Ada Admin", Role::Administrator).await;
        admin.get("/admin/members/new").await;
        let made = admin.post("/admin/members", &[("email", "ann@example.org")]).await;
        let to = made.headers[header::LOCATION].to_str().unwrap().to_owned();

        let (mut ed, _) = signed_in(&app, &db.store, "Eli Editor", Role::Editor).await;
        let list = ed.get("/admin/members").await;
        assert_eq!(list.status, 200);
        assert!(!list.body.contains("New member") && !list.body.contains("Import members"));
        let page = ed.get(&to).await;
        assert_eq!(page.status, 200);
        assert!(
            page.texts(".content-form, .grant-form, .danger-zone").is_empty(),
            "no forms for an editor"
        );
        assert_eq!(ed.post(&to, &[("email", "x@example.org")]).await.status, 403);
        assert_eq!(ed.post(&format!("{to}/delete"), &[("confirm", "1")]).await.status, 403);
        assert_eq!(ed.get("/admin/members/export.csv").await.status, 403);
        assert_eq!(ed.get("/admin/members/new").await.status, 403);

        let (mut au, _) = signed_in(&app, &db.store, "Ava Author", Role::Author).await;
        assert_eq!(au.get("/admin/members").await.status, 403);
        assert_eq!(au.get(&to).await.status, 403);
        assert!(
            !au.get("/admin/").await.attrs("nav a", "href").contains(&"/admin/members".to_owned())
        );
    }
}

#[tokio::test]
async fn tiers_are_managed_in_the_admin_and_figures_are_on_the_dashboard() {
    for db in databases().await {
        let app = common::site(&db).await;
        let (mut c, _) = signed_in(&app, &db.store, "Ada Admin", Role::Administrator).await;
        assert_eq!(
            c.get("/admin/tiers").await.texts(".tier-row td[data-label=Slug]"),
            ["free", "paid"]
        );
        c.get("/admin/tiers/new").await;
        let bad = c.post("/admin/tiers", &[("name", "Gold"), ("monthly_price", "5,00")]).await;
        assert_eq!(bad.status, 422);
        assert!(bad.body.contains("must be an amount such as 5 or 5.00"), "{}", bad.body);
        let ok = [("name", "Gold"), ("monthly_price", "5.5"), ("currency", "eur"), ("active", "1")];
        assert_eq!(c.post("/admin/tiers", &ok).await.status, 303);
        let gold = db.store.tier("gold").await.unwrap();
        assert_eq!((gold.monthly_price, gold.currency.as_str()), (Some(550), "eur"));
        let taken = c.post("/admin/tiers", &ok).await;
        assert!(taken.texts(".field-error").iter().any(|e| e.contains("already a tier's slug")));
        c.get("/admin/tiers/free").await;
        let free = c.post("/admin/tiers/free", &[("name", "Readers"), ("visible", "1")]).await;
        assert_eq!(free.status, 303);
        assert_eq!(db.store.tier("free").await.unwrap().name, "Readers");
        c.post("/admin/tiers/gold/archive", &[]).await;
        assert!(!db.store.tier("gold").await.unwrap().active);
        c.post("/admin/tiers/free/archive", &[]).await;
        assert!(c.get("/admin/tiers/free").await.body.contains("cannot be archived"));

        c.get("/admin/members/new").await;
        c.post("/admin/members", &[("email", "ann@example.org")]).await;
        let dash = c.get("/admin/").await;
        assert!(
            dash.texts(".panel h2").iter().any(|h| h.starts_with("Members") && h.ends_with('1')),
            "{:?}",
            dash.texts(".panel h2")
        );
        assert!(
            dash.body.contains("0 paid") && dash.body.contains("+1 in 30 days"),
            "{}",
            dash.body
        );

        let (mut ed, _) = signed_in(&app, &db.store, "Eli Editor", Role::Editor).await;
        assert_eq!(ed.get("/admin/tiers/paid").await.status, 200);
        assert_eq!(ed.post("/admin/tiers/paid/archive", &[]).await.status, 403);
        let (mut au, _) = signed_in(&app, &db.store, "Ava Author", Role::Author).await;
        assert_eq!(au.get("/admin/tiers").await.status, 403);
        assert!(
            !au.get("/admin/").await.body.contains("in 30 days"),
            "no member figures for authors"
        );
    }
}

#[tokio::test]
async fn labels_are_renamed_and_deleted_in_the_admin() {
    for db in databases().await {
        let app = common::site(&db).await;
        let (mut c, _) = signed_in(&app, &db.store, "Ada Admin", Role::Administrator).await;
        c.get("/admin/members/new").await;
        c.post("/admin/members", &[("email", "ann@example.org"), ("labels", "Press, VIP")]).await;
        let page = c.get("/admin/labels").await;
        assert_eq!(page.texts(".label-row td[data-label=Label]"), ["Press", "VIP"]);
        c.post("/admin/labels/vip", &[("name", "Patrons")]).await;
        let refused = c.post("/admin/labels/press", &[("name", "patrons")]).await;
        assert_eq!(refused.status, 303);
        assert!(c.get("/admin/labels").await.body.contains("exists already"));
        c.post("/admin/labels/press/delete", &[]).await;
        assert_eq!(
            c.get("/admin/labels").await.texts(".label-row td[data-label=Label]"),
            ["Patrons"]
        );
        assert_eq!(db.store.member_by_email("ann@example.org").await.unwrap().labels, ["Patrons"]);
        let (mut ed, _) = signed_in(&app, &db.store, "Eli Editor", Role::Editor).await;
        assert_eq!(ed.get("/admin/labels").await.status, 200);
        assert_eq!(ed.post("/admin/labels/patrons/delete", &[]).await.status, 403);
    }
}
