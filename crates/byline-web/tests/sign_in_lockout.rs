//! Five wrong passwords shut an account to strangers, but not to the browser its owner
//! signed in from before (a proven device); that browser's own failures shut only itself.

mod common;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, header};
use byline_core::staff::Role;
use byline_store::testing::databases;
use common::Page;
use common::client::{Client, PASSWORD, staff};
use std::net::SocketAddr;

/// A sign-in posted from the client address `addr`.
async fn sign_in_from(c: &mut Client, addr: &str, email: &str, password: &str) -> Page {
    c.get("/admin/signin").await;
    let csrf = c.csrf.clone().unwrap_or_default();
    let body =
        serde_urlencoded::to_string([("email", email), ("password", password), ("csrf", &csrf)]);
    let mut req = Request::post("/admin/signin")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "same-origin")
        .extension(ConnectInfo(format!("{addr}:40000").parse::<SocketAddr>().unwrap()));
    if let Some(cookie) = &c.cookie {
        req = req.header(header::COOKIE, cookie);
    }
    c.send(req.body(Body::from(body.unwrap())).unwrap()).await
}

/// The client's cookies without its session: a browser that was closed and reopened.
fn without_session(c: &Client) -> Option<String> {
    let jar: Vec<&str> = c
        .cookie
        .iter()
        .flat_map(|j| j.split("; "))
        .filter(|p| !p.starts_with("byline_session="))
        .collect();
    (!jar.is_empty()).then(|| jar.join("; "))
}

#[tokio::test]
async fn strangers_guessing_do_not_lock_the_owner_out_of_a_proven_device() {
    for db in databases().await {
        let app = common::site(&db).await;
        let owner = staff(&db.store, "Olive Owner", Role::Editor).await;

        // The owner signs in from their laptop once, then closes the browser.
        let mut laptop = Client::new(&app);
        let r = sign_in_from(&mut laptop, "198.51.100.1", &owner.email, PASSWORD).await;
        assert_eq!(r.status, 303, "{}", r.body);
        let marker = without_session(&laptop).expect("a device marker is kept");
        assert!(marker.contains("byline_device="), "{marker}");

        // An attacker, from several addresses, tries five wrong passwords.
        let mut attacker = Client::new(&app);
        for i in 0..5 {
            let r =
                sign_in_from(&mut attacker, &format!("203.0.113.{i}"), &owner.email, "guess").await;
            assert_eq!(r.status, 401, "attempt {i}");
        }
        // The account is shut to the attacker, even with the right password.
        let r = sign_in_from(&mut attacker, "203.0.113.9", &owner.email, PASSWORD).await;
        assert_eq!(r.status, 429, "{}", r.body);
        // And to any browser that has not signed in to it before.
        let mut new_phone = Client::new(&app);
        let r = sign_in_from(&mut new_phone, "198.51.100.2", &owner.email, PASSWORD).await;
        assert_eq!(r.status, 429);
        // A forged or borrowed marker does not help: one made for another account...
        let other = staff(&db.store, "Otto Other", Role::Editor).await;
        let mut borrowed = Client::new(&app);
        assert_eq!(
            sign_in_from(&mut borrowed, "198.51.100.3", &other.email, PASSWORD).await.status,
            303
        );
        borrowed.cookie = without_session(&borrowed);
        let r = sign_in_from(&mut borrowed, "198.51.100.3", &owner.email, PASSWORD).await;
        assert_eq!(r.status, 429, "a marker counts only for the email it was made for");
        // ...or one whose signature was changed.
        let tampered = marker.replace("byline_device=d1.", "byline_device=d1.0");
        let mut forged = Client { app: app.clone(), cookie: Some(tampered), csrf: None };
        assert_eq!(
            sign_in_from(&mut forged, "198.51.100.4", &owner.email, PASSWORD).await.status,
            429
        );

        // The owner's laptop still gets in with the right password.
        let mut back = Client { app: app.clone(), cookie: Some(marker.clone()), csrf: None };
        let r = sign_in_from(&mut back, "198.51.100.1", &owner.email, PASSWORD).await;
        assert_eq!(r.status, 303, "the proven device is not locked out: {}", r.body);
        assert_eq!(back.get("/admin/").await.status, 200);

        // The laptop's own wrong passwords shut the laptop only: five, then a wait.
        let mut laptop = Client { app: app.clone(), cookie: Some(marker), csrf: None };
        for i in 0..5 {
            let r = sign_in_from(&mut laptop, "198.51.100.1", &owner.email, "typo").await;
            assert_eq!(r.status, 401, "laptop attempt {i}");
        }
        let r = sign_in_from(&mut laptop, "198.51.100.1", &owner.email, PASSWORD).await;
        assert_eq!(r.status, 429, "a device's own failures limit it");
        assert!(r.headers.contains_key(header::RETRY_AFTER));
    }
}
