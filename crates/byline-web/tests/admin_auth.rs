//! Staff sign-in through the router: the setup link, sessions kept in the database, CSRF.

mod common;

use byline_core::staff::Role;
use byline_store::Purpose;
use byline_store::testing::databases;
use common::client::{Client, PASSWORD, staff};

#[tokio::test]
async fn the_setup_link_creates_the_owner_once() {
    for db in databases().await {
        let app = common::site(&db).await;
        let token = db
            .store
            .issue_one_time(Purpose::Setup, None, None, None, chrono::Duration::days(1))
            .await
            .unwrap();
        let mut c = Client::new(&app);
        assert_eq!(c.get("/admin/signin").await.texts("h1"), ["This publication has no staff yet"]);
        let form = c.get(&format!("/admin/setup?token={token}")).await;
        assert_eq!(form.status, 200, "{}", form.body);
        // A bad password is named beside its field, and the link still works afterwards.
        let bad = c
            .post(
                "/admin/setup",
                &[
                    ("token", &token),
                    ("name", "Olga Owner"),
                    ("email", "olga@example.org"),
                    ("password", "short"),
                ],
            )
            .await;
        assert_eq!(bad.status, 422);
        assert!(bad.texts("#password-error")[0].contains("at least 10"), "{}", bad.body);
        assert_eq!(bad.attrs("#email", "value"), ["olga@example.org"], "typed values are kept");
        let ok = c
            .post(
                "/admin/setup",
                &[
                    ("token", &token),
                    ("name", "Olga Owner"),
                    ("email", "olga@example.org"),
                    ("password", PASSWORD),
                ],
            )
            .await;
        assert_eq!(ok.status, 303, "{}", ok.body);
        let dash = c.get("/admin/").await;
        assert_eq!(dash.status, 200);
        assert!(dash.body.contains("Olga Owner"), "signed in after setup");
        let owner = db.store.staff_by_email("olga@example.org").await.unwrap();
        assert_eq!(owner.role, Role::Owner);
        assert!(owner.author_id.is_some(), "writes under an author profile");
        // Used: a second visit is refused.
        let again = Client::new(&app).get(&format!("/admin/setup?token={token}")).await;
        assert!(again.texts("h1")[0].contains("no longer works"));
    }
}

#[tokio::test]
async fn sign_in_keeps_a_session_in_the_database_and_sign_out_ends_it() {
    for db in databases().await {
        let app = common::site(&db).await;
        let editor = staff(&db.store, "Edna Editor", Role::Editor).await;
        let mut anon = Client::new(&app);
        let r = anon.get("/admin/").await;
        assert_eq!(r.status, 303);
        assert_eq!(r.headers["location"], "/admin/signin?next=%2Fadmin%2F");

        let mut c = Client::new(&app);
        c.get("/admin/signin").await;
        let wrong = c
            .post("/admin/signin", &[("email", &editor.email), ("password", "not the password")])
            .await;
        assert_eq!(wrong.status, 401);
        assert!(wrong.texts("[role=alert]")[0].contains("do not match"));
        c.sign_in(&editor.email).await;
        let cookie = c.cookie.clone().expect("a session cookie");
        assert!(cookie.starts_with("byline_session="));

        // The same cookie works on another router over the same database: another node,
        // or the same one after a restart.
        let other_node = common::app(db.store.clone(), byline_render::Theme::load(None).unwrap());
        let mut elsewhere = Client { app: other_node, cookie: Some(cookie.clone()), csrf: None };
        let dash = elsewhere.get("/admin/").await;
        assert_eq!(dash.status, 200, "{}", dash.body);
        assert!(dash.body.contains("Edna Editor"));

        let out = c.post("/admin/signout", &[]).await;
        assert_eq!(out.status, 303);
        let mut stale = Client { app: app.clone(), cookie: Some(cookie), csrf: None };
        assert_eq!(stale.get("/admin/").await.status, 303, "the session ended everywhere");
    }
}

#[tokio::test]
async fn state_changing_requests_need_the_same_site_and_the_token() {
    use axum::body::Body;
    use axum::http::{Request, header};
    for db in databases().await {
        let app = common::site(&db).await;
        let editor = staff(&db.store, "Edna Editor", Role::Editor).await;
        let mut c = Client::new(&app);
        c.sign_in(&editor.email).await;
        let cookie = c.cookie.clone().unwrap();
        let csrf = c.csrf.clone().unwrap();
        let post = |origin: Option<&str>, site: Option<&str>, token: &str| {
            let mut r = Request::post("/admin/signout")
                .header(header::COOKIE, &cookie)
                .header(header::HOST, "test.example")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
            if let Some(o) = origin {
                r = r.header(header::ORIGIN, o);
            }
            if let Some(s) = site {
                r = r.header("sec-fetch-site", s);
            }
            r.body(Body::from(format!("csrf={token}"))).unwrap()
        };
        let mut probe = c.clone();
        let cross = probe.send(post(Some("https://evil.example"), Some("cross-site"), &csrf)).await;
        assert_eq!(cross.status, 403, "another site's form, even with a stolen token");
        let cross = probe.send(post(Some("https://evil.example"), None, &csrf)).await;
        assert_eq!(cross.status, 403, "another Origin");
        let no_token = probe.send(post(Some("http://test.example"), Some("same-origin"), "")).await;
        assert_eq!(no_token.status, 403, "same site, no token");
        assert!(no_token.body.contains("reload the page"), "{}", no_token.body);
        assert_eq!(c.get("/admin/").await.status, 200, "still signed in: nothing happened");
        let ok = probe.send(post(Some("http://test.example"), Some("same-origin"), &csrf)).await;
        assert_eq!(ok.status, 303);
    }
}

#[tokio::test]
async fn sessions_expire_and_disabled_accounts_are_signed_out() {
    for db in databases().await {
        let app = common::site(&db).await;
        let author = staff(&db.store, "Arun Author", Role::Author).await;
        let mut c = Client::new(&app);
        c.sign_in(&author.email).await;
        let cli = byline_core::audit::Actor::command_line();
        db.store.set_staff_disabled(&cli, author.id, true).await.unwrap();
        assert_eq!(c.get("/admin/").await.status, 303, "a disabled account is signed out");
        assert!(db.store.verify_staff_password(&author.email, PASSWORD).await.unwrap().is_none());
        // A session past its time is neither loaded nor kept.
        let past = chrono::Utc::now() - chrono::Duration::hours(1);
        db.store.save_session("stale-session", "{\"staff_id\":1}", past).await.unwrap();
        assert_eq!(db.store.session("stale-session").await.unwrap(), None);
        assert_eq!(db.store.delete_expired_sessions().await.unwrap(), 1);
    }
}
