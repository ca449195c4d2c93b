//! Paid tiers through Stripe, on SQLite and PostgreSQL: checkout and billing portal redirects
//! (their calls checked by a stand-in for Stripe's API, `fake_stripe`), and webhooks signed
//! by Stripe's own library (npm `stripe`, `webhooks.generateTestHeaderString`, run by node
//! through `BYLINE_STRIPE_SIGNER`, which .ci/run sets): a signed checkout makes a member paid,
//! a replay changes nothing, forged, unsigned, stale and altered deliveries are refused with
//! no change, payment failures and cancellations are followed.

mod common;
mod fake_stripe;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use byline_core::member_pass::Pass;
use byline_core::members::{Access, GrantSource, Member, MemberInput, MemberStatus};
use byline_render::Theme;
use byline_store::testing::databases;
use byline_store::{CheckoutCompleted, Handled, Joined, Store, StripeEventId, SubscriptionState};
use byline_stripe::StripeConfig;
use byline_web::{AppState, router};
use chrono::{Duration, Utc};
use common::BASE;
use fake_stripe::signer::{WEBHOOK_SECRET, event, sign, signer};
use fake_stripe::{FakeStripe, SECRET_KEY};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

struct Answer {
    status: StatusCode,
    location: Option<String>,
    body: String,
}

async fn post(app: &Router, path: &str, body: String, headers: &[(&str, &str)]) -> Answer {
    let mut req = Request::post(path);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let res = app.clone().oneshot(req.body(Body::from(body)).unwrap()).await.unwrap();
    let status = res.status();
    let location = res.headers().get("location").map(|v| v.to_str().unwrap().to_owned());
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    Answer { status, location, body: String::from_utf8_lossy(&bytes).into_owned() }
}

const FORM: (&str, &str) = ("content-type", "application/x-www-form-urlencoded");

async fn webhook(app: &Router, payload: &str, signature: Option<&str>) -> Answer {
    let mut h = vec![("content-type", "application/json")];
    if let Some(s) = signature {
        h.push(("stripe-signature", s));
    }
    post(app, "/members/stripe/webhook", payload.to_owned(), &h).await
}

fn app_with_stripe(store: &Store, fake: &FakeStripe) -> (Router, AppState) {
    let state = AppState::new(store.clone(), Theme::load(None).unwrap(), BASE)
        .with_stripe(StripeConfig {
            secret_key: SECRET_KEY.into(),
            webhook_secret: WEBHOOK_SECRET.into(),
            api_base: fake.base.clone(),
        })
        .unwrap();
    (router(state.clone()), state)
}

async fn paid(store: &Store, m: &Member) -> bool {
    let slugs = store.paid_tier_slugs().await.unwrap();
    m.reader(Utc::now(), &slugs).may_read(&Access::Paid)
}

/// The member pass cookie a signed-in member's browser sends.
async fn cookie(state: &AppState, m: &Member) -> String {
    let now = Utc::now();
    let slugs = state.store.paid_tier_slugs().await.unwrap();
    let pass = Pass {
        member_id: m.id,
        reader: m.reader(now, &slugs),
        generation: 1,
        fresh_until: now + Duration::minutes(5),
        expires: now + Duration::days(30),
    };
    format!("byline_member={}", pass.seal(&state.member_key().await.unwrap()))
}

#[tokio::test]
async fn a_signed_checkout_makes_a_paid_member_once_and_forgeries_change_nothing() {
    let Some(signer) = signer() else { return };
    for db in databases().await {
        let store = &db.store;
        let fake = FakeStripe::start().await;
        let (app, _) = app_with_stripe(store, &fake);

        // Joining the paid tier from the join form: to Stripe Checkout, with the tier's
        // product and monthly price made on the way.
        let form = "tier=paid&cadence=month&email=New.Reader%40Example.org".to_owned();
        let a = post(&app, "/members/checkout/", form, &[FORM]).await;
        assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
        let session = fake.last_checkout_session();
        let url = a.location.unwrap();
        assert_eq!(url, session["url"].as_str().unwrap());
        assert!(url.starts_with("https://checkout.stripe.com/c/pay/cs_test_"), "{url}");
        assert_eq!(session["customer_email"], "new.reader@example.org");
        assert_eq!(session["metadata"], json!({"tier": "paid", "cadence": "month"}));
        let price = fake.price(session["line_items"][0]["price"].as_str().unwrap());
        assert_eq!(
            (price["unit_amount"].as_i64(), price["currency"].as_str()),
            (Some(500), Some("usd"))
        );
        assert_eq!(price["recurring"]["interval"], "month");
        assert_eq!(
            fake.calls(),
            ["POST /v1/products", "POST /v1/prices", "POST /v1/checkout/sessions"]
        );
        // The yearly price joins the same product; the monthly one is kept.
        let a = post(
            &app,
            "/members/checkout/",
            "tier=paid&cadence=year&email=x%40example.org".into(),
            &[FORM],
        )
        .await;
        assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
        assert_eq!(fake.calls().iter().filter(|c| *c == "POST /v1/products").count(), 1);
        let (_, prices) = store.tier_stripe_prices("paid").await.unwrap();
        assert_eq!(prices.monthly.as_deref(), price["id"].as_str());
        assert!(prices.yearly.is_some() && prices.product.is_some());
        assert!(store.member_by_email("new.reader@example.org").await.unwrap_err().is_not_found());

        // Stripe says the checkout is paid.
        let completed = fake.complete_checkout(session["id"].as_str().unwrap(), 1_800_000_000);
        let sub_id = completed["subscription"].as_str().unwrap().to_owned();
        let customer = completed["customer"].as_str().unwrap().to_owned();
        let body = event("evt_checkout_1", "checkout.session.completed", completed);
        let sig = sign(&signer, &body, WEBHOOK_SECRET, None);
        let a = webhook(&app, &body, Some(&sig)).await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.body);
        let m = store.member_by_email("new.reader@example.org").await.unwrap();
        assert_eq!(m.status, MemberStatus::Paid);
        assert_eq!(m.stripe_customer_id.as_deref(), Some(customer.as_str()));
        assert_eq!(m.name.as_deref(), Some("Paying Reader"));
        let g = &m.grants[0];
        assert_eq!((g.tier_slug.as_str(), g.source), ("paid", GrantSource::Stripe));
        assert_eq!(g.stripe_subscription_id.as_deref(), Some(sub_id.as_str()));
        assert_eq!(g.stripe_status.as_deref(), Some("active"));
        assert_eq!(
            (g.cadence.as_deref(), g.amount, g.currency.as_deref()),
            (Some("month"), Some(500), Some("usd"))
        );
        assert!(paid(store, &m).await);
        let history = store.member_events(m.id).await.unwrap().len();

        // The same delivery again: answered, nothing changes.
        let a = webhook(&app, &body, Some(&sig)).await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.body);
        assert!(a.body.contains("already handled"), "{}", a.body);
        let again = store.member_by_email("new.reader@example.org").await.unwrap();
        assert_eq!(again, m);
        assert_eq!(store.member_events(m.id).await.unwrap().len(), history);

        // Refused with a clear JSON error and no change: a cancellation that is forged (another
        // secret), unsigned, signed long ago, or signed for another body.
        let mut sub = fake.subscription(&sub_id);
        sub["status"] = json!("canceled");
        let cancel = event("evt_cancel_1", "customer.subscription.deleted", sub.clone());
        let forged = sign(&signer, &cancel, "whsec_someone_else", None);
        let stale = sign(&signer, &cancel, WEBHOOK_SECRET, Some(Utc::now().timestamp() - 3600));
        let other_body = event("evt_other", "customer.subscription.deleted", sub.clone());
        let for_other = sign(&signer, &other_body, WEBHOOK_SECRET, None);
        for (why, signature, expect) in [
            ("forged", Some(forged.as_str()), "no v1 signature matches"),
            ("unsigned", None, "missing"),
            ("stale", Some(stale.as_str()), "tolerance"),
            ("another body", Some(for_other.as_str()), "no v1 signature matches"),
            ("garbage", Some("v1=abc"), "no timestamp"),
        ] {
            let a = webhook(&app, &cancel, signature).await;
            assert_eq!(a.status, StatusCode::BAD_REQUEST, "{why}: {}", a.body);
            let err: Value = serde_json::from_str(&a.body).unwrap();
            assert_eq!(err["error"]["code"], "bad_request", "{why}");
            let msg = err["error"]["message"].as_str().unwrap();
            assert!(msg.starts_with("Stripe-Signature:") && msg.contains(expect), "{why}: {msg}");
        }
        assert!(!store.stripe_event_seen("evt_cancel_1").await.unwrap());
        assert_eq!(store.member_by_email("new.reader@example.org").await.unwrap(), m);

        // A paid invoice is a payment line with its amount (the newer API's invoice shape).
        let invoice = json!({
            "id": "in_1", "object": "invoice", "customer": customer, "status": "paid",
            "amount_due": 500, "amount_paid": 500, "currency": "usd",
            "parent": {"type": "subscription_details",
                       "subscription_details": {"subscription": sub_id}},
        });
        let body = event("evt_paid_1", "invoice.paid", invoice.clone());
        let a = webhook(&app, &body, Some(&sign(&signer, &body, WEBHOOK_SECRET, None))).await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.body);
        let events = store.member_events(m.id).await.unwrap();
        assert_eq!((events[0].kind.as_str(), events[0].amount), ("payment", Some(500)));
        assert_eq!(events[0].currency.as_deref(), Some("usd"));

        // A failed payment: past due (still readable while Stripe retries), in the history
        // (the older API's invoice shape, `subscription` at the top).
        let failed = json!({
            "id": "in_2", "object": "invoice", "customer": customer, "status": "open",
            "subscription": sub_id, "amount_due": 500, "amount_paid": 0, "currency": "usd",
        });
        let body = event("evt_failed_1", "invoice.payment_failed", failed);
        let a = webhook(&app, &body, Some(&sign(&signer, &body, WEBHOOK_SECRET, None))).await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.body);
        let m = store.member_by_email("new.reader@example.org").await.unwrap();
        assert_eq!(m.grants[0].stripe_status.as_deref(), Some("past_due"));
        let events = store.member_events(m.id).await.unwrap();
        assert_eq!(events[0].detail, "payment of 5.00 USD failed");
        assert_eq!(events[0].amount, None);

        // Stripe moves the subscription to the yearly price and it is active again.
        let mut updated = fake.subscription(&sub_id);
        let yearly = fake.price(prices.yearly.as_deref().unwrap());
        updated["items"]["data"][0]["price"] = yearly;
        let body = event("evt_updated_1", "customer.subscription.updated", updated);
        let a = webhook(&app, &body, Some(&sign(&signer, &body, WEBHOOK_SECRET, None))).await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.body);
        let m = store.member_by_email("new.reader@example.org").await.unwrap();
        let g = &m.grants[0];
        assert_eq!(
            (g.stripe_status.as_deref(), g.cadence.as_deref(), g.amount),
            (Some("active"), Some("year"), Some(5000))
        );
        assert_eq!(m.status, MemberStatus::Paid);

        // Unknown kinds: answered, recorded, ignored.
        let body = event("evt_other_kind", "customer.created", json!({"id": customer}));
        let a = webhook(&app, &body, Some(&sign(&signer, &body, WEBHOOK_SECRET, None))).await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.body);
        assert!(a.body.contains("ignored"), "{}", a.body);
        assert!(store.stripe_event_seen("evt_other_kind").await.unwrap());

        // The real cancellation ends access.
        let sig = sign(&signer, &cancel, WEBHOOK_SECRET, None);
        let a = webhook(&app, &cancel, Some(&sig)).await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.body);
        let m = store.member_by_email("new.reader@example.org").await.unwrap();
        assert_eq!(m.status, MemberStatus::Free);
        assert!(m.grants.is_empty());
        assert!(!paid(store, &m).await);
        let events = store.member_events(m.id).await.unwrap();
        assert_eq!(events[0].detail, "Stripe subscription to Paid ended");
        fake.assert_no_violations();
    }
}

#[tokio::test]
async fn a_signed_in_member_checks_out_as_their_customer_and_reaches_the_billing_portal() {
    for db in databases().await {
        let store = &db.store;
        let fake = FakeStripe::start().await;
        let (app, state) = app_with_stripe(store, &fake);
        let input = MemberInput { email: "ann@example.org".into(), ..Default::default() };
        let ann = store.add_member(input.validate().unwrap(), Joined::SignUp, None).await.unwrap();
        let ann_cookie = cookie(&state, &ann).await;

        // No billing yet: nothing to manage, and no call to Stripe.
        let billing =
            post(&app, "/members/billing/", String::new(), &[("cookie", &ann_cookie)]).await;
        assert_eq!(billing.status, StatusCode::CONFLICT, "{}", billing.body);
        assert!(billing.body.contains("no billing with Stripe"), "{}", billing.body);
        // Not signed in: refused.
        let anonymous = post(&app, "/members/billing/", String::new(), &[]).await;
        assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);

        // The account page offers the paid tier, each price a button to checkout.
        let account = common::get_with(&app, "/members/account/", &[("cookie", &ann_cookie)]).await;
        assert_eq!(account.attrs("#upgrade ~ .member-offer input[name=tier]", "value"), ["paid"]);
        let buttons = account.texts(".member-checkout button");
        assert_eq!(buttons, ["5.00 USD a month", "50.00 USD a year"], "{}", account.body);
        assert_eq!(
            account.attrs(".member-checkout button", "value"),
            ["month", "year"],
            "the cadence each button sends"
        );
        assert_eq!(account.attrs("form.member-checkout", "action"), ["/members/checkout/"]);

        // Checkout signed in: Stripe is asked for a customer by address, one is made and kept,
        // and the session names it and the member.
        let headers = [FORM, ("cookie", ann_cookie.as_str())];
        let a = post(&app, "/members/checkout/", "tier=paid&cadence=year".into(), &headers).await;
        assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
        assert!(a.location.unwrap().starts_with("https://checkout.stripe.com/"));
        let calls = fake.calls();
        assert_eq!(calls[..2], ["POST /v1/products", "POST /v1/prices"]);
        assert_eq!(
            calls[2..],
            ["GET /v1/customers", "POST /v1/customers", "POST /v1/checkout/sessions"]
        );
        let ann = store.member(ann.id).await.unwrap();
        let customer = ann.stripe_customer_id.clone().expect("the customer is kept");
        let session = fake.last_checkout_session();
        assert_eq!(session["customer"], customer.as_str());
        assert_eq!(session["customer_email"], Value::Null);
        assert_eq!(session["client_reference_id"], ann.id.to_string());
        assert_eq!(session["metadata"]["member_id"], ann.id.to_string());
        assert_eq!(session["subscription_data"]["metadata"]["tier"], "paid");
        assert_eq!(session["success_url"], format!("{BASE}/members/account/?checkout=done"));
        // A second checkout reuses the customer.
        let a = post(&app, "/members/checkout/", "tier=paid&cadence=year".into(), &headers).await;
        assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
        assert_eq!(fake.calls().iter().filter(|c| c.contains("/v1/customers")).count(), 2);

        // The billing portal, for the member's own customer.
        let billing =
            post(&app, "/members/billing/", String::new(), &[("cookie", &ann_cookie)]).await;
        assert_eq!(billing.status, StatusCode::SEE_OTHER, "{}", billing.body);
        let url = billing.location.unwrap();
        assert!(url.starts_with("https://billing.stripe.com/p/session/"), "{url}");
        let portal = fake.books.lock().unwrap().portal_sessions.last().cloned().unwrap();
        assert_eq!(portal["customer"], customer.as_str());
        assert_eq!(portal["return_url"], format!("{BASE}/members/account/"));

        // Once Stripe says Ann pays, a second subscription to the same tier is refused.
        let (_, prices) = store.tier_stripe_prices("paid").await.unwrap();
        let done = CheckoutCompleted {
            member_id: Some(ann.id),
            email: ann.email.clone(),
            name: None,
            customer: customer.clone(),
            subscription: SubscriptionState {
                id: "sub_ann".into(),
                customer: Some(customer.clone()),
                status: "active".into(),
                price: prices.yearly.clone().unwrap(),
                cadence: Some("year".into()),
                amount: Some(5000),
                currency: "usd".into(),
                period_end: None,
                tier_hint: None,
            },
        };
        let id = StripeEventId { id: "evt_ann", kind: "checkout.session.completed" };
        assert_eq!(
            store.stripe_checkout_completed(id, &done).await.unwrap(),
            Handled::Done(Some(ann.id))
        );
        assert_eq!(store.stripe_checkout_completed(id, &done).await.unwrap(), Handled::Replay);
        // Held: no longer offered.
        let account = common::get_with(&app, "/members/account/", &[("cookie", &ann_cookie)]).await;
        assert!(account.texts(".member-checkout button").is_empty(), "{}", account.body);
        assert!(account.texts(".member-tiers li").iter().any(|t| t.contains("Subscription")));
        let a = post(&app, "/members/checkout/", "tier=paid&cadence=month".into(), &headers).await;
        assert_eq!(a.status, StatusCode::CONFLICT, "{}", a.body);
        assert!(a.body.contains("already pay for Paid"), "{}", a.body);

        // Bad input is named, and asks nothing of Stripe.
        let before = fake.calls().len();
        for (form, field) in [
            ("tier=paid&cadence=week&email=a%40example.org", "cadence: "),
            ("tier=gold&cadence=month&email=a%40example.org", "tier: "),
            ("tier=free&cadence=month&email=a%40example.org", "tier: "),
            ("tier=paid&cadence=month&email=not-an-address", "email: "),
            ("tier=paid&cadence=month", "email: "),
            ("tier=pa%00id&cadence=month&email=a%40example.org", "the form"),
        ] {
            let a = post(&app, "/members/checkout/", form.into(), &[FORM]).await;
            assert_eq!(a.status, StatusCode::BAD_REQUEST, "{form}: {}", a.body);
            assert!(a.body.starts_with(field), "{form}: {}", a.body);
        }
        assert_eq!(fake.calls().len(), before);
        // A form posted from another site is refused.
        let a = post(
            &app,
            "/members/checkout/",
            "tier=paid&cadence=month&email=a%40example.org".into(),
            &[FORM, ("origin", "https://evil.example"), ("sec-fetch-site", "cross-site")],
        )
        .await;
        assert_eq!(a.status, StatusCode::FORBIDDEN);
        assert_eq!(fake.calls().len(), before);
        fake.assert_no_violations();
    }
}

#[tokio::test]
async fn without_stripe_settings_paid_tiers_are_granted_not_sold() {
    for db in databases().await {
        let app = common::app(db.store.clone(), Theme::load(None).unwrap());
        let a = post(
            &app,
            "/members/checkout/",
            "tier=paid&cadence=month&email=a%40example.org".into(),
            &[FORM],
        )
        .await;
        assert_eq!(a.status, StatusCode::CONFLICT);
        assert!(a.body.contains("Paid tiers are granted by the publication"), "{}", a.body);
        let body = event("evt_1", "invoice.paid", json!({}));
        let a = webhook(&app, &body, Some("t=1,v1=00")).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST);
        let err: Value = serde_json::from_str(&a.body).unwrap();
        assert!(err["error"]["message"].as_str().unwrap().contains("Stripe is not set up"));
        assert!(!db.store.stripe_event_seen("evt_1").await.unwrap());
    }
}

#[tokio::test]
async fn deleting_a_paying_member_cancels_their_subscription_first() {
    let Some(signer) = signer() else { return };
    for db in databases().await {
        let store = &db.store;
        let fake = FakeStripe::start().await;
        let (app, state) = app_with_stripe(store, &fake);
        let form = "tier=paid&cadence=month&email=leaving%40example.org".to_owned();
        let a = post(&app, "/members/checkout/", form, &[FORM]).await;
        assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
        let session = fake.last_checkout_session();
        let completed = fake.complete_checkout(session["id"].as_str().unwrap(), 1_800_000_000);
        let sub_id = completed["subscription"].as_str().unwrap().to_owned();
        let body = event("evt_checkout_leaving", "checkout.session.completed", completed);
        let a = webhook(&app, &body, Some(&sign(&signer, &body, WEBHOOK_SECRET, None))).await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.body);
        let m = store.member_by_email("leaving@example.org").await.unwrap();
        assert_eq!(m.status, MemberStatus::Paid);

        // The member deletes their account: Stripe is told first, then they are gone.
        let c = cookie(&state, &m).await;
        let headers = [FORM, ("cookie", c.as_str()), ("origin", BASE)];
        let a = post(
            &app,
            "/members/account/delete/",
            "confirm=leaving%40example.org".into(),
            &headers,
        )
        .await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.body);
        assert!(
            fake.calls().contains(&format!("DELETE /v1/subscriptions/{sub_id}")),
            "{:?}",
            fake.calls()
        );
        assert_eq!(fake.subscription(&sub_id)["status"], "canceled");
        assert!(store.member(m.id).await.unwrap_err().is_not_found());
        fake.assert_no_violations();
    }
}

#[tokio::test]
async fn a_paying_member_is_not_deleted_while_stripe_cannot_cancel() {
    let Some(signer) = signer() else { return };
    for db in databases().await {
        let store = &db.store;
        let fake = FakeStripe::start().await;
        let (app, state) = app_with_stripe(store, &fake);
        let form = "tier=paid&cadence=month&email=stays%40example.org".to_owned();
        post(&app, "/members/checkout/", form, &[FORM]).await;
        let session = fake.last_checkout_session();
        let completed = fake.complete_checkout(session["id"].as_str().unwrap(), 1_800_000_000);
        let body = event("evt_checkout_stays", "checkout.session.completed", completed);
        let a = webhook(&app, &body, Some(&sign(&signer, &body, WEBHOOK_SECRET, None))).await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.body);
        let m = store.member_by_email("stays@example.org").await.unwrap();

        // The same site without Stripe settings cannot cancel: nothing is deleted.
        let bare = router(AppState::new(store.clone(), Theme::load(None).unwrap(), BASE));
        let c = cookie(&state, &m).await;
        let headers = [FORM, ("cookie", c.as_str()), ("origin", BASE)];
        let a =
            post(&bare, "/members/account/delete/", "confirm=stays%40example.org".into(), &headers)
                .await;
        assert_eq!(a.status, StatusCode::BAD_GATEWAY, "{}", a.body);
        assert!(a.body.contains("Nothing was deleted"), "{}", a.body);
        assert_eq!(store.member(m.id).await.unwrap(), m);
    }
}
