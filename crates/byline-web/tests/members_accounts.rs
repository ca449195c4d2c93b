//! Members join and sign in by email, and look after their account: through the router on
//! both databases, with the link emails run through the real job handler into a capturing
//! mailer.

mod common;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, header};
use byline_core::member_pass::Pass;
use byline_core::members::{MemberInput, Reader};
use byline_store::Joined;
use byline_store::testing::databases;
use common::client::Client;
use common::members::{deliver, last_mail, link_in, signed_in_member, site};
use std::net::SocketAddr;
use tower::ServiceExt;

fn token_of(link: &str) -> String {
    link.split("token=").nth(1).unwrap().to_owned()
}

/// The header's membership links.
fn header_links(page: &common::Page) -> Vec<String> {
    page.texts(".site-members a")
}

#[tokio::test]
async fn joining_sends_a_link_whose_page_spends_nothing_until_its_button_is_pressed() {
    for db in databases().await {
        let (app, state, outbox) = site(&db).await;
        let mut c = Client::new(&app);
        assert_eq!(header_links(&c.get("/").await), ["Subscribe", "Sign in"]);
        assert_eq!(c.get("/members/join/").await.status, 200);

        let page =
            c.post("/members/join/", &[("email", " Ada@Example.org "), ("name", "Ada")]).await;
        assert_eq!(page.status, 200, "{}", page.body);
        assert_eq!(page.texts("h1"), ["Check your inbox"]);
        assert!(c.cookie.is_none(), "asking for a link signs nobody in");
        assert!(db.store.member_by_email("ada@example.org").await.unwrap_err().is_not_found());

        let payloads = deliver(&state.store, &state.mailer, &state.base_url).await;
        assert_eq!(payloads.len(), 1);
        let mail = last_mail(&outbox, "ada@example.org");
        assert!(mail.subject.contains("Confirm your membership"), "{}", mail.subject);
        assert!(mail.body.contains("one hour"), "{}", mail.body);
        let html = mail.html.clone().expect("an HTML part");
        assert!(html.contains(&link_in(&mail.body)), "{html}");
        let link = link_in(&mail.body);
        let token = token_of(&link);
        // The job row never held the link: only the link's id.
        assert!(!payloads[0].contains(&token), "{}", payloads[0]);
        assert!(payloads[0].contains("link_id"), "{}", payloads[0]);

        // Opening the link (as a mail scanner would, twice) spends nothing.
        for _ in 0..2 {
            let page = c.get(&link).await;
            assert_eq!(page.status, 200, "{}", page.body);
            let given = page.attrs("form[action='/members/confirm/'] input[name=token]", "value");
            assert_eq!(given, [token.as_str()]);
            assert!(c.cookie.is_none());
        }
        assert!(db.store.member_by_email("ada@example.org").await.unwrap_err().is_not_found());

        let page = c.post("/members/confirm/", &[("token", &token)]).await;
        assert_eq!(page.status, 303);
        assert_eq!(page.headers[header::LOCATION], "/members/account/");
        let set = page.headers[header::SET_COOKIE].to_str().unwrap().to_owned();
        assert!(set.starts_with("byline_member=") && set.contains("HttpOnly"), "{set}");
        assert!(set.contains("SameSite=Lax"), "{set}");

        let account = c.get("/members/account/").await;
        assert_eq!(account.status, 200, "{}", account.body);
        assert_eq!(account.texts(".member-email"), ["ada@example.org"]);
        assert_eq!(account.attrs("input[name=name]", "value"), ["Ada"]);
        let home = c.get("/").await;
        assert_eq!(header_links(&home), ["Account"]);
        assert!(home.headers.get_all(header::VARY).iter().any(|v| v == "cookie"));
        // Anonymous readers still get the anonymous header (pages are kept per level).
        assert_eq!(header_links(&Client::new(&app).get("/").await), ["Subscribe", "Sign in"]);

        let m = db.store.member_by_email("ada@example.org").await.unwrap();
        let kinds: Vec<String> =
            db.store.member_events(m.id).await.unwrap().into_iter().map(|e| e.kind).collect();
        assert!(kinds.contains(&"signup".into()) && kinds.contains(&"signin".into()), "{kinds:?}");

        // Used once: the second press says so, and changes nothing.
        let mut other = Client::new(&app);
        let again = other.post("/members/confirm/", &[("token", &token)]).await;
        assert_eq!(again.status, 410);
        assert_eq!(again.texts("h1"), ["This link was already used"]);
        assert!(other.cookie.is_none());
        assert_eq!(other.get(&link).await.status, 410);
    }
}

#[tokio::test]
async fn expired_and_unknown_links_get_a_clear_page_and_sign_nobody_in() {
    for db in databases().await {
        let (app, state, outbox) = site(&db).await;
        let mut c = Client::new(&app);
        c.post("/members/join/", &[("email", "late@example.org")]).await;
        deliver(&state.store, &state.mailer, &state.base_url).await;
        let link = link_in(&last_mail(&outbox, "late@example.org").body);
        db.store.age_member_links(chrono::Duration::minutes(61)).await.unwrap();

        let page = c.get(&link).await;
        assert_eq!(page.status, 410);
        assert_eq!(page.texts("h1"), ["This link has expired"]);
        let page = c.post("/members/confirm/", &[("token", &token_of(&link))]).await;
        assert_eq!(page.status, 410);
        assert!(page.body.contains("Links work for one hour"), "{}", page.body);
        assert!(c.cookie.is_none());
        assert!(db.store.member_by_email("late@example.org").await.unwrap_err().is_not_found());

        for token in ["", "nonsense", &"a".repeat(64), &"b".repeat(500)] {
            let page = c.post("/members/confirm/", &[("token", token)]).await;
            assert_eq!(page.status, 404, "{token}");
            assert_eq!(page.texts("h1"), ["This link does not work"]);
            let page = c.get(&format!("/members/confirm/?token={token}")).await;
            assert_eq!(page.status, 404, "{token}");
        }
        assert!(c.cookie.is_none());
    }
}

#[tokio::test]
async fn the_answer_never_tells_whether_an_address_is_a_members() {
    for db in databases().await {
        let (app, state, outbox) = site(&db).await;
        let input = MemberInput { email: "known@example.org".into(), ..Default::default() };
        db.store.add_member(input.validate().unwrap(), Joined::Staff, None).await.unwrap();
        let mut c = Client::new(&app);
        for path in ["/members/signin/", "/members/join/"] {
            let known = c.post(path, &[("email", "known@example.org")]).await;
            let unknown = c.post(path, &[("email", "nobody@example.org")]).await;
            assert_eq!(known.status, unknown.status);
            assert_eq!(
                known.body.replace("known@example.org", "X"),
                unknown.body.replace("nobody@example.org", "X"),
                "{path}"
            );
        }
        deliver(&state.store, &state.mailer, &state.base_url).await;
        // A member is always sent a sign-in link; an unknown address a join link.
        let mails = outbox.lock().unwrap().clone();
        let subjects = |to: &str| -> Vec<String> {
            mails.iter().filter(|m| m.to == to).map(|m| m.subject.clone()).collect()
        };
        assert!(subjects("known@example.org").iter().all(|s| s.starts_with("Sign in to")));
        assert!(subjects("nobody@example.org").iter().all(|s| s.starts_with("Confirm your")));
        assert_eq!(subjects("known@example.org").len(), 2);
        assert!(db.store.member_by_email("nobody@example.org").await.unwrap_err().is_not_found());

        // A bad address is named, with what was typed kept.
        let page = c.post("/members/join/", &[("email", "not an address"), ("name", "Al")]).await;
        assert_eq!(page.status, 422);
        assert!(page.texts(".member-error")[0].starts_with("Email address:"), "{}", page.body);
        assert_eq!(page.attrs("input[name=name]", "value"), ["Al"]);
    }
}

async fn post_from(app: &axum::Router, addr: &str, path: &str, email: &str) -> common::Page {
    let body = serde_urlencoded::to_string([("email", email)]).unwrap();
    let req = Request::post(path)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .extension(ConnectInfo(format!("{addr}:40000").parse::<SocketAddr>().unwrap()))
        .body(Body::from(body))
        .unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = http_body_util::BodyExt::collect(res.into_body()).await.unwrap().to_bytes();
    common::Page { status, headers, body: String::from_utf8_lossy(&bytes).into_owned() }
}

#[tokio::test]
async fn links_are_rate_limited_per_address_and_per_client() {
    for db in databases().await {
        let (app, state, _) = site(&db).await;
        for i in 0..5 {
            let addr = format!("192.0.2.{i}");
            let page = post_from(&app, &addr, "/members/signin/", "busy@example.org").await;
            assert_eq!(page.status, 200, "link {i}");
        }
        let page = post_from(&app, "192.0.2.99", "/members/join/", "BUSY@example.org").await;
        assert_eq!(page.status, 429);
        assert!(page.headers.contains_key(header::RETRY_AFTER));
        assert!(page.body.contains("Too many links were sent to this address"), "{}", page.body);
        assert_eq!(deliver(&state.store, &state.mailer, &state.base_url).await.len(), 5);

        for i in 0..20 {
            let page =
                post_from(&app, "198.51.100.7", "/members/join/", &format!("r{i}@example.org"))
                    .await;
            assert_eq!(page.status, 200, "link {i}");
        }
        let page = post_from(&app, "198.51.100.7", "/members/join/", "r99@example.org").await;
        assert_eq!(page.status, 429);
        assert!(page.body.contains("from your network"), "{}", page.body);
        let elsewhere = post_from(&app, "198.51.100.8", "/members/join/", "r99@example.org").await;
        assert_eq!(elsewhere.status, 200);
    }
}

#[tokio::test]
async fn a_new_email_address_is_used_only_once_its_link_is_confirmed() {
    for db in databases().await {
        let (app, state, outbox) = site(&db).await;
        let mut c = signed_in_member(&app, &state, &outbox, "old@example.org").await;
        let page = c.post("/members/account/email/", &[("email", "nope")]).await;
        assert_eq!(page.status, 422);
        assert!(page.texts(".member-error")[0].starts_with("New address:"));

        let page = c.post("/members/account/email/", &[("email", "New@Example.org")]).await;
        assert_eq!(page.status, 200, "{}", page.body);
        assert!(page.texts(".member-notice")[0].contains("new@example.org"));
        assert_eq!(page.texts(".member-email"), ["old@example.org"]);
        deliver(&state.store, &state.mailer, &state.base_url).await;
        let mail = last_mail(&outbox, "new@example.org");
        assert!(mail.subject.starts_with("Confirm your new email address"), "{}", mail.subject);
        let link = link_in(&mail.body);
        assert_eq!(
            db.store.member_by_email("old@example.org").await.unwrap().email,
            "old@example.org"
        );

        assert_eq!(c.get(&link).await.status, 200);
        assert_eq!(
            db.store.member_by_email("old@example.org").await.unwrap().email,
            "old@example.org"
        );
        let page = c.post("/members/confirm/", &[("token", &token_of(&link))]).await;
        assert_eq!(page.status, 303);
        assert_eq!(c.get("/members/account/").await.texts(".member-email"), ["new@example.org"]);
        assert!(db.store.member_by_email("old@example.org").await.unwrap_err().is_not_found());

        // Renaming.
        let page = c.post("/members/account/name/", &[("name", "  Ola  ")]).await;
        assert_eq!(page.texts(".member-notice"), ["Your name is saved."]);
        assert_eq!(
            db.store.member_by_email("new@example.org").await.unwrap().name.as_deref(),
            Some("Ola")
        );
        let page = c.post("/members/account/name/", &[("name", &"x".repeat(192))]).await;
        assert_eq!(page.status, 422);
        assert!(page.texts(".member-error")[0].starts_with("Name:"));
    }
}

#[tokio::test]
async fn members_download_their_data_and_delete_their_account() {
    for db in databases().await {
        let (app, state, outbox) = site(&db).await;
        let mut c = signed_in_member(&app, &state, &outbox, "dora@example.org").await;
        let m = db.store.member_by_email("dora@example.org").await.unwrap();
        db.store
            .grant_complimentary(m.id, "paid", None, &byline_core::audit::Actor::command_line())
            .await
            .unwrap();

        let page = c.get("/members/account/").await;
        assert!(
            page.texts(".member-tiers li").iter().any(|t| t.starts_with("Paid (Complimentary"))
        );
        assert!(page.attrs("form[action='/members/billing/']", "action").is_empty());

        let data = c.get("/members/account/data/").await;
        assert_eq!(data.status, 200);
        assert!(data.headers[header::CONTENT_DISPOSITION].to_str().unwrap().contains("attachment"));
        let json: serde_json::Value = serde_json::from_str(&data.body).unwrap();
        assert_eq!(json["profile"]["email"], "dora@example.org");
        assert_eq!(json["tiers"][0]["tier_slug"], "paid");
        assert!(json["labels"].is_array());
        let kinds: Vec<&str> =
            json["history"].as_array().unwrap().iter().filter_map(|e| e["kind"].as_str()).collect();
        assert!(kinds.contains(&"signup") && kinds.contains(&"signin"), "{kinds:?}");

        // The wrong confirmation deletes nothing.
        let page = c.post("/members/account/delete/", &[("confirm", "someone@example.org")]).await;
        assert_eq!(page.status, 422);
        assert!(page.texts(".member-error")[0].contains("nothing was deleted"));
        assert!(db.store.member(m.id).await.is_ok());

        let page = c.post("/members/account/delete/", &[("confirm", "Dora@example.org")]).await;
        assert_eq!(page.status, 200, "{}", page.body);
        assert!(page.headers[header::SET_COOKIE].to_str().unwrap().contains("Max-Age=0"));
        assert!(c.cookie.is_none());
        assert!(db.store.member(m.id).await.unwrap_err().is_not_found());
        let page = c.get("/members/account/").await;
        assert_eq!(page.status, 303);
        assert_eq!(page.headers[header::LOCATION], "/members/signin/");
    }
}

#[tokio::test]
async fn stale_passes_are_renewed_and_ended_ones_cleared() {
    for db in databases().await {
        let (app, state, outbox) = site(&db).await;
        let c = signed_in_member(&app, &state, &outbox, "pat@example.org").await;
        let m = db.store.member_by_email("pat@example.org").await.unwrap();
        let key = state.member_key().await.unwrap();
        let now = chrono::Utc::now();
        let stale = |generation| Pass {
            member_id: m.id,
            reader: Reader::member(vec![], &[]),
            generation,
            fresh_until: now - chrono::Duration::minutes(1),
            expires: now + chrono::Duration::days(1),
        };
        let get = |cookie: String| {
            let app = app.clone();
            async move {
                let req = Request::get("/")
                    .header(header::COOKIE, format!("byline_member={cookie}"))
                    .body(Body::empty())
                    .unwrap();
                app.oneshot(req).await.unwrap()
            }
        };
        // A stale pass of the right generation gets a new one, fresh.
        let res = get(stale(1).seal(&key)).await;
        let set = res.headers()[header::SET_COOKIE].to_str().unwrap().to_owned();
        let value = set.split(';').next().unwrap().trim_start_matches("byline_member=");
        let renewed = Pass::open(value, &key, now).expect("a valid pass");
        assert!(!renewed.is_stale(now));
        assert_eq!(renewed.member_id, m.id);
        // A fresh pass costs nothing and sets nothing.
        assert!(get(renewed.seal(&key)).await.headers().get(header::SET_COOKIE).is_none());

        // Signing out everywhere ends every pass at its next refresh, and the account page
        // refuses it at once.
        let mut c2 = c.clone();
        let page = c2.post("/members/signout/", &[("everywhere", "yes")]).await;
        assert_eq!(page.status, 303);
        assert!(c2.cookie.is_none());
        let res = get(stale(1).seal(&key)).await;
        assert!(res.headers()[header::SET_COOKIE].to_str().unwrap().contains("Max-Age=0"));
        let mut c3 = c.clone();
        assert_eq!(c3.get("/members/account/").await.status, 303);
        assert!(c3.cookie.is_none());
    }
}

#[tokio::test]
async fn the_account_page_renews_a_pass_that_no_longer_says_what_the_member_holds() {
    for db in databases().await {
        let (app, state, outbox) = site(&db).await;
        let mut c = signed_in_member(&app, &state, &outbox, "rae@example.org").await;
        let key = state.member_key().await.unwrap();
        let pass_of = |c: &Client| {
            let jar = c.cookie.clone().unwrap();
            let value = jar.split("; ").find_map(|p| p.strip_prefix("byline_member=")).unwrap();
            Pass::open(value, &key, chrono::Utc::now()).expect("a valid pass")
        };
        let before = pass_of(&c);
        assert_eq!(before.reader, Reader::member(vec![], &[]));
        // Paid since the pass was issued (Stripe, or a grant): the fresh pass still says free
        // on the public pages, and the account page, which reads the member, renews it.
        let m = db.store.member_by_email("rae@example.org").await.unwrap();
        let actor = byline_core::audit::Actor::command_line();
        db.store.grant_complimentary(m.id, "paid", None, &actor).await.unwrap();
        assert!(c.get("/").await.headers.get(header::SET_COOKIE).is_none());
        let page = c.get("/members/account/").await;
        assert_eq!(page.status, 200);
        assert!(page.headers.get(header::SET_COOKIE).is_some(), "a new pass");
        let after = pass_of(&c);
        assert_eq!(after.reader, Reader::member(vec!["paid".into()], &["paid".into()]));
        assert_eq!(after.generation, before.generation, "still the same sign-in");
        // Once it is right, the page leaves it alone.
        let again = c.get("/members/account/").await;
        assert!(again.headers.get(header::SET_COOKIE).is_none());
    }
}

#[tokio::test]
async fn member_forms_from_another_site_are_refused() {
    for db in databases().await {
        let (app, _, _) = site(&db).await;
        for path in ["/members/join/", "/members/confirm/", "/members/account/delete/"] {
            let req = Request::post(path)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::ORIGIN, "https://evil.example")
                .body(Body::from("email=a%40example.org"))
                .unwrap();
            let res = app.clone().oneshot(req).await.unwrap();
            assert_eq!(res.status(), 403, "{path}");
        }
    }
}
