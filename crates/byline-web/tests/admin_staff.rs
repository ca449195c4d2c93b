//! Staff management for every role, ownership transfer, rate limits on sign-in (per account,
//! per address, the code step, reset requests), and the session cookie's flags.

mod common;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, header};
use byline_core::staff::Role;
use byline_render::Theme;
use byline_store::testing::databases;
use byline_web::{AppState, router};
use common::Page;
use common::client::{Client, PASSWORD, signed_in, staff};
use std::net::SocketAddr;

/// Posts a form from the client address `addr` (as `serve`'s ConnectInfo records it).
async fn post_from(c: &mut Client, addr: &str, path: &str, fields: &[(&str, &str)]) -> Page {
    let mut all: Vec<(&str, &str)> = fields.to_vec();
    let csrf = c.csrf.clone().unwrap_or_default();
    all.push(("csrf", &csrf));
    let mut req = Request::post(path)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "same-origin")
        .extension(ConnectInfo(format!("{addr}:40000").parse::<SocketAddr>().unwrap()));
    if let Some(cookie) = &c.cookie {
        req = req.header(header::COOKIE, cookie);
    }
    c.send(req.body(Body::from(serde_urlencoded::to_string(&all).unwrap())).unwrap()).await
}

fn retry_after(p: &Page) -> u64 {
    p.headers[header::RETRY_AFTER].to_str().unwrap().parse().unwrap()
}

#[tokio::test]
async fn staff_management_is_for_administrators_and_the_owner() {
    for db in databases().await {
        let app = common::site(&db).await;
        let erin = staff(&db.store, "Erin Editor", Role::Editor).await;
        let owner = staff(&db.store, "Olga Owner", Role::Owner).await;
        for role in [Role::Contributor, Role::Author, Role::Editor] {
            let (mut c, _) = signed_in(&app, &db.store, &format!("No {role}"), role).await;
            assert_eq!(c.get("/admin/staff").await.status, 403, "{role}");
            let id = erin.id;
            for path in [
                format!("/admin/staff/{id}/role"),
                format!("/admin/staff/{id}/disable"),
                format!("/admin/staff/{id}/enable"),
                "/admin/staff/invitations".into(),
                "/admin/staff/transfer".into(),
            ] {
                let r = c
                    .post(
                        &path,
                        &[
                            ("role", "author"),
                            ("email", "x@example.org"),
                            ("to", "1"),
                            ("password", PASSWORD),
                        ],
                    )
                    .await;
                assert_eq!(r.status, 403, "{role} {path}");
            }
        }
        let (mut admin, ada) = signed_in(&app, &db.store, "Ada Admin", Role::Administrator).await;
        let list = admin.get("/admin/staff").await;
        assert_eq!(list.status, 200);
        let names = list.texts("table.staff tbody td:first-child");
        assert!(names.iter().any(|n| n.starts_with("Erin Editor")), "{names:?}");
        assert_eq!(list.texts("table.staff .two-factor").len(), names.len());

        let r = admin.post(&format!("/admin/staff/{}/role", erin.id), &[("role", "author")]).await;
        assert_eq!(r.status, 303);
        assert_eq!(db.store.staff_by_id(erin.id).await.unwrap().role, Role::Author);
        let to_owner =
            admin.post(&format!("/admin/staff/{}/role", erin.id), &[("role", "owner")]).await;
        assert_eq!(to_owner.status, 422);
        let the_owner =
            admin.post(&format!("/admin/staff/{}/role", owner.id), &[("role", "editor")]).await;
        assert_eq!(the_owner.status, 403, "administrators cannot change the owner");
        assert_eq!(
            admin.post(&format!("/admin/staff/{}/disable", owner.id), &[]).await.status,
            403
        );
        assert_eq!(admin.post(&format!("/admin/staff/{}/disable", ada.id), &[]).await.status, 403);
        assert_eq!(
            admin
                .post("/admin/staff/transfer", &[("to", "1"), ("password", PASSWORD)])
                .await
                .status,
            403
        );

        // Disabling ends the account's sessions and stops sign-in; enabling undoes it.
        let mut e = Client::new(&app);
        e.sign_in(&erin.email).await;
        assert_eq!(admin.post(&format!("/admin/staff/{}/disable", erin.id), &[]).await.status, 303);
        assert_eq!(e.get("/admin/").await.status, 303, "signed out");
        e.get("/admin/signin").await;
        let refused =
            e.post("/admin/signin", &[("email", &erin.email), ("password", PASSWORD)]).await;
        assert_eq!(refused.status, 401);
        assert!(
            admin
                .get("/admin/staff")
                .await
                .texts("table.staff .state")
                .contains(&"disabled".to_owned())
        );
        assert_eq!(admin.post(&format!("/admin/staff/{}/enable", erin.id), &[]).await.status, 303);
        e.sign_in(&erin.email).await;

        let actions: Vec<String> =
            db.store.audit_log(1, 100).await.unwrap().items.into_iter().map(|a| a.action).collect();
        for a in ["staff.role", "staff.disable", "staff.enable"] {
            assert!(actions.contains(&a.to_owned()), "{a} in {actions:?}");
        }
    }
}

#[tokio::test]
async fn the_owner_transfers_ownership_with_their_password() {
    for db in databases().await {
        let app = common::site(&db).await;
        let ada = staff(&db.store, "Ada Admin", Role::Administrator).await;
        let (mut owner, olga) = signed_in(&app, &db.store, "Olga Owner", Role::Owner).await;
        let page = owner.get("/admin/staff").await;
        assert!(page.texts("#to option").iter().any(|o| o.starts_with("Ada Admin")));
        let to = ada.id.to_string();
        let wrong = owner
            .post("/admin/staff/transfer", &[("to", &to), ("password", "not my password")])
            .await;
        assert_eq!(wrong.status, 422);
        assert!(!wrong.texts("#password-error").is_empty());
        assert_eq!(db.store.staff_by_id(olga.id).await.unwrap().role, Role::Owner);
        let ok = owner.post("/admin/staff/transfer", &[("to", &to), ("password", PASSWORD)]).await;
        assert_eq!(ok.status, 303, "{}", ok.body);
        assert_eq!(db.store.staff_by_id(ada.id).await.unwrap().role, Role::Owner);
        assert_eq!(db.store.staff_by_id(olga.id).await.unwrap().role, Role::Administrator);
        let after = owner.get("/admin/staff").await;
        assert!(after.texts("#transfer-heading").is_empty(), "no longer the owner");
        let log = db.store.audit_log(1, 10).await.unwrap().items;
        assert!(
            log.iter().any(|a| a.action == "staff.transfer_ownership" && a.subject == ada.email)
        );
    }
}

#[tokio::test]
async fn failed_sign_ins_are_limited_per_account_and_per_address() {
    for db in databases().await {
        let app = common::site(&db).await;
        let victim = staff(&db.store, "Vic Victim", Role::Editor).await;
        let mut c = Client::new(&app);
        c.get("/admin/signin").await;
        for i in 0..5 {
            let addr = format!("10.0.1.{i}");
            let r = post_from(
                &mut c,
                &addr,
                "/admin/signin",
                &[("email", &victim.email), ("password", "wrong guess")],
            )
            .await;
            assert_eq!(r.status, 401, "attempt {i}");
        }
        // Even the right password now waits, from any address.
        let shut = post_from(
            &mut c,
            "10.0.9.9",
            "/admin/signin",
            &[("email", &victim.email), ("password", PASSWORD)],
        )
        .await;
        assert_eq!(shut.status, 429);
        assert!((1..=900).contains(&retry_after(&shut)));
        assert!(shut.texts(".form-error")[0].contains("Too many attempts"), "{}", shut.body);
        assert_eq!(shut.attrs("#email", "value")[0], victim.email);
        // Another account is not affected.
        let other = staff(&db.store, "Otto Other", Role::Editor).await;
        let fine = post_from(
            &mut c,
            "10.0.9.9",
            "/admin/signin",
            &[("email", &other.email), ("password", PASSWORD)],
        )
        .await;
        assert_eq!(fine.status, 303);

        // Per address: 20 failures across any emails shut that address only.
        let mut d = Client::new(&app);
        d.get("/admin/signin").await;
        for i in 0..20 {
            let email = format!("guess{i}@example.org");
            let r = post_from(
                &mut d,
                "192.0.2.7",
                "/admin/signin",
                &[("email", &email), ("password", "x")],
            )
            .await;
            assert_eq!(r.status, 401, "attempt {i}");
        }
        let shut = post_from(
            &mut d,
            "192.0.2.7",
            "/admin/signin",
            &[("email", &other.email), ("password", PASSWORD)],
        )
        .await;
        assert_eq!(shut.status, 429);
        assert!(retry_after(&shut) > 0);
        let elsewhere = post_from(
            &mut d,
            "192.0.2.8",
            "/admin/signin",
            &[("email", &other.email), ("password", PASSWORD)],
        )
        .await;
        assert_eq!(elsewhere.status, 303);
    }
}

#[tokio::test]
async fn the_code_step_and_reset_requests_are_limited_too() {
    for db in databases().await {
        let app = common::site(&db).await;
        let user = staff(&db.store, "Tom Two", Role::Editor).await;
        let secret = byline_core::two_factor::new_secret();
        db.store.start_two_factor(user.id, &secret).await.unwrap();
        db.store.enable_two_factor(user.id, 0, &[]).await.unwrap();
        let mut c = Client::new(&app);
        c.get("/admin/signin").await;
        c.post("/admin/signin", &[("email", &user.email), ("password", PASSWORD)]).await;
        c.get("/admin/signin/code").await;
        for i in 0..5 {
            let r = c.post("/admin/signin/code", &[("code", "000000")]).await;
            assert_eq!(r.status, 401, "attempt {i}");
        }
        let shut = c.post("/admin/signin/code", &[("code", "000000")]).await;
        assert_eq!(shut.status, 429);
        assert!(retry_after(&shut) > 0);
        assert!(shut.texts(".form-error")[0].contains("Too many attempts"));

        let mut r = Client::new(&app);
        r.get("/admin/password/forgot").await;
        for _ in 0..3 {
            let ok = post_from(
                &mut r,
                "198.51.100.1",
                "/admin/password/forgot",
                &[("email", &user.email)],
            )
            .await;
            assert_eq!(ok.status, 200);
        }
        let shut =
            post_from(&mut r, "198.51.100.2", "/admin/password/forgot", &[("email", &user.email)])
                .await;
        assert_eq!(shut.status, 429);
        assert!(retry_after(&shut) > 0);
    }
}

#[tokio::test]
async fn the_session_cookie_is_http_only_lax_and_secure_on_https() {
    for db in databases().await {
        let _ = common::site(&db).await;
        staff(&db.store, "Cora Cookie", Role::Editor).await;
        for (base, secure) in [("https://news.example", true), ("http://news.example", false)] {
            let app = router(AppState::new(db.store.clone(), Theme::load(None).unwrap(), base));
            let mut c = Client::new(&app);
            let page = c.get("/admin/signin").await;
            let cookie = page.headers[header::SET_COOKIE].to_str().unwrap().to_owned();
            assert!(cookie.starts_with("byline_session="), "{cookie}");
            assert!(cookie.contains("HttpOnly"), "{cookie}");
            assert!(cookie.contains("SameSite=Lax"), "{cookie}");
            assert_eq!(cookie.contains("Secure"), secure, "{base}: {cookie}");
        }
    }
}

#[tokio::test]
async fn sign_in_attempts_sent_together_cannot_slip_under_the_limit() {
    for db in databases().await {
        let app = common::site(&db).await;
        let ed = staff(&db.store, "Edna Editor", Role::Editor).await;
        let mut c = Client::new(&app);
        c.get("/admin/signin").await;
        let tries = (0..12).map(|_| {
            let mut c = c.clone();
            let email = ed.email.clone();
            async move {
                c.post("/admin/signin", &[("email", &email), ("password", "a wrong guess!")])
                    .await
                    .status
            }
        });
        let answers = futures_join_all(tries).await;
        let guessed = answers.iter().filter(|s| s.as_u16() == 401).count();
        assert_eq!(guessed, 5, "only five wrong passwords are judged: {answers:?}");
        assert!(answers.iter().all(|s| matches!(s.as_u16(), 401 | 429)), "{answers:?}");
    }
}

/// Runs futures at the same time on the test's runtime.
async fn futures_join_all<F: std::future::Future + Send + 'static>(
    fs: impl Iterator<Item = F>,
) -> Vec<F::Output>
where
    F::Output: Send + 'static,
{
    let handles: Vec<_> = fs.map(tokio::spawn).collect();
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.unwrap());
    }
    out
}
