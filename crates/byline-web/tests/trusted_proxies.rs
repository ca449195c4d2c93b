//! Behind a reverse proxy: the per-address sign-in limit counts the address a trusted proxy
//! forwards, and only a trusted proxy's word is taken.

mod common;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, header};
use byline_core::staff::Role;
use byline_render::Theme;
use byline_store::testing::databases;
use byline_web::client::TrustedProxies;
use byline_web::{AppState, router};
use common::Page;
use common::client::{Client, PASSWORD, staff};
use std::net::SocketAddr;
use std::sync::Arc;

/// Posts a sign-in from the connection `peer`, with an `X-Forwarded-For` of `forwarded`.
async fn sign_in_from(c: &mut Client, peer: &str, forwarded: &str, email: &str, pw: &str) -> Page {
    let csrf = c.csrf.clone().unwrap_or_default();
    let body = serde_urlencoded::to_string([("email", email), ("password", pw), ("csrf", &csrf)]);
    let mut req = Request::post("/admin/signin")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "same-origin")
        .header("x-forwarded-for", forwarded)
        .extension(ConnectInfo(peer.parse::<SocketAddr>().unwrap()));
    if let Some(cookie) = &c.cookie {
        req = req.header(header::COOKIE, cookie);
    }
    c.send(req.body(Body::from(body.unwrap())).unwrap()).await
}

#[tokio::test]
async fn the_per_address_limit_counts_the_forwarded_address_only_from_a_trusted_proxy() {
    for db in databases().await {
        let _ = common::site(&db).await;
        let mut state = AppState::new(db.store.clone(), Theme::load(None).unwrap(), common::BASE);
        state.trusted_proxies = Arc::new(TrustedProxies::parse(&["10.0.0.0/8"]).unwrap());
        let app = router(state);
        let ok = staff(&db.store, "Paula Proxy", Role::Editor).await;
        let proxy = "10.0.0.1:40000";

        // Through the proxy, 20 failures from one forwarded client shut that client out...
        let mut c = Client::new(&app);
        c.get("/admin/signin").await;
        for i in 0..20 {
            let email = format!("guess{i}@example.org");
            // The client's own (forged) entry on the left is not believed.
            let fwd = format!("203.0.113.{i}, 192.0.2.7");
            let r = sign_in_from(&mut c, proxy, &fwd, &email, "x").await;
            assert_eq!(r.status, 401, "attempt {i}");
        }
        let shut = sign_in_from(&mut c, proxy, "192.0.2.7", &ok.email, PASSWORD).await;
        assert_eq!(shut.status, 429, "the forwarded client is limited");
        // ...but not the proxy's other clients.
        let mut other = Client::new(&app);
        other.get("/admin/signin").await;
        let fine = sign_in_from(&mut other, proxy, "192.0.2.8", &ok.email, PASSWORD).await;
        assert_eq!(fine.status, 303, "another client behind the proxy signs in");

        // From a peer that is not a trusted proxy, the header is ignored: changing it with
        // every attempt does not escape the limit on the peer's own address.
        let mut d = Client::new(&app);
        d.get("/admin/signin").await;
        let peer = "198.51.100.9:40000";
        for i in 0..20 {
            let email = format!("again{i}@example.org");
            let r = sign_in_from(&mut d, peer, &format!("192.0.2.{}", 100 + i), &email, "x").await;
            assert_eq!(r.status, 401, "attempt {i}");
        }
        let shut = sign_in_from(&mut d, peer, "192.0.2.200", &ok.email, PASSWORD).await;
        assert_eq!(shut.status, 429, "an untrusted peer's forwarding header is ignored");
        // And its failures were not charged to the addresses it named.
        let mut e = Client::new(&app);
        e.get("/admin/signin").await;
        let fine = sign_in_from(&mut e, proxy, "192.0.2.100", &ok.email, PASSWORD).await;
        assert_eq!(fine.status, 303);
    }
}
