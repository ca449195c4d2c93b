//! A reader joins in a real browser against a real `byline serve`: the sign-up link travels
//! through a real SMTP server (aiosmtpd), the link's page asks for a button press, and then
//! a members-only article shows in full while a paid one shows its preview and a call to
//! upgrade. The member then pays: a checkout with a stand-in for Stripe's API, and a
//! `checkout.session.completed` signed by Stripe's own library posted to the running server,
//! after which the paid article shows in full. The members' pages fit a phone's width, and
//! the reader joins and confirms at that width.

#[path = "../../byline-web/tests/fake_stripe/mod.rs"]
mod fake_stripe;
#[path = "browser/harness.rs"]
#[allow(dead_code)]
mod harness;
#[path = "proc/mod.rs"]
mod proc;
#[path = "../../byline-web/tests/common/smtp.rs"]
#[allow(dead_code)]
mod smtp;

use fake_stripe::signer::{WEBHOOK_SECRET, event, sign, signer};
use fake_stripe::{FakeStripe, SECRET_KEY};
use harness::{Browser, Site, browser_binaries, byline};
use serde_json::{Value, json};

const MEMBERS_TEXT: &str = "Only members read this sentence";
const PAID_TEXT: &str = "Only paying readers read this sentence";

#[tokio::test(flavor = "multi_thread")]
async fn a_reader_joins_by_email_and_reads_what_members_may() {
    let Some((driver, chromium)) = browser_binaries() else { return };
    let Some(mail) = smtp::SmtpServer::start() else { return };
    let port = mail.port.to_string();
    let stripe = FakeStripe::start().await;
    let site = Site::start_with(&[
        ("BYLINE_SMTP_HOST", "127.0.0.1"),
        ("BYLINE_SMTP_PORT", &port),
        ("BYLINE_SMTP_TLS", "none"),
        ("BYLINE_SMTP_FROM", "The Review <desk@example.org>"),
        ("BYLINE_STRIPE_SECRET_KEY", SECRET_KEY),
        ("BYLINE_STRIPE_WEBHOOK_SECRET", WEBHOOK_SECRET),
        ("BYLINE_STRIPE_API_BASE", &stripe.base),
    ]);

    // Two gated articles, imported beside the running server (it follows the change log).
    let posts = site.dir.path().join("gated/posts");
    std::fs::create_dir_all(&posts).unwrap();
    std::fs::write(
        posts.join("for-members.md"),
        format!(
            "---\ntitle: For Members\ndate: 2026-01-02\naccess: members\n---\n\
             Everyone reads this.\n\n<!--members-only-->\n\n{MEMBERS_TEXT}.\n"
        ),
    )
    .unwrap();
    std::fs::write(
        posts.join("for-paying.md"),
        format!(
            "---\ntitle: For Paying Readers\ndate: 2026-01-03\naccess: paid\n---\n\
             The free part.\n\n<!--members-only-->\n\n{PAID_TEXT}.\n"
        ),
    )
    .unwrap();
    let out = byline(site.dir.path())
        .args(["import", "markdown", "gated", "--data", "site"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let b = Browser::start(&driver, &chromium).await;
    // Not signed in: the preview and a call to join.
    b.goto(&site.url("/articles/for-members/")).await;
    b.wait_for(10, "the members' article", |s| s.contains("Everyone reads this")).await;
    let page = b.source().await;
    assert!(!page.contains(MEMBERS_TEXT), "gated text shown to a visitor");
    assert!(page.contains("gate-join"), "a call to join");

    // At a phone's width the call to join, the join and the sign-in pages fit, and the
    // reader joins and confirms at that width.
    b.phone().await;
    fits_a_phone(&b, &site, "/articles/for-members/", ".gate-join").await;
    fits_a_phone(&b, &site, "/members/signin/", FORM_CONTROLS).await;
    fits_a_phone(&b, &site, "/members/join/", FORM_CONTROLS).await;

    // Join: the form, then the inbox.
    b.goto(&site.url("/members/join/")).await;
    b.fill("#member-email", "reader@example.org").await;
    b.fill("#member-name", "Rae Reader").await;
    b.click("form[action='/members/join/'] button[type=submit]").await;
    b.wait_for(10, "the check-your-inbox page", |s| s.to_lowercase().contains("inbox")).await;
    let messages = mail.wait_for(1);
    assert_eq!(messages.len(), 1, "one email at the SMTP server");
    let m = &messages[0];
    assert!(m.to.contains("reader@example.org"), "{m:?}");
    let link = m
        .text
        .split_whitespace()
        .find(|w| w.contains("/members/confirm/"))
        .unwrap_or_else(|| panic!("no link in {:?}", m.text))
        .to_owned();
    assert!(link.starts_with(&site.base), "the link leads to this site: {link}");

    // Opening the link spends nothing; the button does.
    b.goto(&link).await;
    b.wait_for(10, "the confirmation button", |s| s.contains("action=\"/members/confirm/\"")).await;
    b.click("form[action='/members/confirm/'] button[type=submit]").await;
    b.wait_for(10, "a signed-in page", |s| s.contains("/members/account/")).await;

    // Signed in: the members' article in full; the paid one as a preview with an upgrade.
    b.goto(&site.url("/articles/for-members/")).await;
    b.wait_for(10, "the members' text", |s| s.contains(MEMBERS_TEXT)).await;
    b.goto(&site.url("/articles/for-paying/")).await;
    b.wait_for(10, "the paid article", |s| s.contains("The free part")).await;
    let page = b.source().await;
    assert!(!page.contains(PAID_TEXT), "paid text shown to a free member");
    assert!(page.contains("Upgrade"), "a call to upgrade");
    fits_a_phone(&b, &site, "/articles/for-paying/", ".gate-join").await;
    // The call to upgrade leads to the paid tier on the account page.
    b.click(".gate-join").await;
    b.wait_for(10, "the paid tier on offer", |s| s.contains("id=\"upgrade\"")).await;
    assert_eq!(b.path().await, "/members/account/");
    fits_a_phone(&b, &site, "/members/account/", FORM_CONTROLS).await;

    // The member pays, when Stripe's library is here to sign what Stripe says (in CI it
    // must be).
    if let Some(signer) = signer() {
        pays_and_reads_in_full(&b, &site, &stripe, &signer).await;
    }

    // The link was spent: using it again is refused with a clear page.
    b.goto(&link).await;
    b.wait_for(10, "the confirmation page", |s| s.contains("<main")).await;
    if b.source().await.contains("action=\"/members/confirm/\"") {
        b.click("form[action='/members/confirm/'] button[type=submit]").await;
    }
    b.wait_for(10, "a refusal", |s| {
        let s = s.to_lowercase();
        s.contains("used") || s.contains("expired") || s.contains("no longer")
    })
    .await;
    b.web.clone().quit().await.unwrap();
}

/// The member's checkout (the account page's monthly button, its form sent by the page
/// with the member's pass, not following the redirect to Stripe's own host), Stripe's checkout
/// completed and told to the server by a signed webhook, and then the paid article in full
/// once the member is back on their account page (Stripe's return address).
async fn pays_and_reads_in_full(b: &Browser, site: &Site, stripe: &FakeStripe, signer: &[String]) {
    let posted = b
        .eval(
            "const b = document.querySelector('.member-checkout button[value=month]'); \
             return fetch(b.form.action, {method: 'POST', redirect: 'manual', \
             body: new URLSearchParams(new FormData(b.form, b))}).then(r => r.type);",
            vec![],
        )
        .await;
    assert_eq!(posted, json!("opaqueredirect"), "the checkout redirects to Stripe");
    let session = stripe.last_checkout_session();
    assert_eq!(session["customer_email"], Value::Null, "the member's own Stripe customer");
    assert!(session["client_reference_id"].is_string(), "{session}");
    let chosen = (&session["metadata"]["tier"], &session["metadata"]["cadence"]);
    assert_eq!(chosen, (&json!("paid"), &json!("month")), "the button's tier and cadence");
    let period_end = chrono::Utc::now().timestamp() + 30 * 86_400;
    let completed = stripe.complete_checkout(session["id"].as_str().unwrap(), period_end);
    let sub = completed["subscription"].as_str().unwrap().to_owned();

    // Anything but Stripe's signature is refused; Stripe's is handled.
    let body = event("evt_browser_checkout", "checkout.session.completed", completed);
    let post = |signature: &str| {
        let addr = site.base.trim_start_matches("http://");
        let headers = [("Stripe-Signature", signature)];
        let json = Some(("application/json", body.as_str()));
        proc::request_with(addr, "POST", "/members/stripe/webhook", &headers, json).unwrap()
    };
    let forged = post(&sign(signer, &body, "whsec_someone_else", None));
    assert_eq!(forged.status, 400, "{}", forged.body);
    let a = post(&sign(signer, &body, WEBHOOK_SECRET, None));
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.json()["result"], "handled", "{}", a.body);
    assert!(stripe.calls().contains(&format!("GET /v1/subscriptions/{sub}")), "read from Stripe");
    stripe.assert_no_violations();

    // Back from Stripe on the account page: a subscription; the paid text in full.
    b.goto(&site.url("/members/account/?checkout=done")).await;
    b.wait_for(10, "the subscription", |s| s.contains("Subscription")).await;
    b.goto(&site.url("/articles/for-paying/")).await;
    b.wait_for(10, "the paid text", |s| s.contains(PAID_TEXT)).await;
    assert!(!b.source().await.contains("gate-join"), "no call to upgrade any more");
}

/// What a reader taps on the members' forms.
const FORM_CONTROLS: &str = ".member-form input:not([type=hidden]), .member-form button";

/// Opens `path` at a phone's width: nothing scrolls sideways, and every control `controls`
/// names is shown, inside the screen, big enough to tap and not covered by anything.
async fn fits_a_phone(b: &Browser, site: &Site, path: &str, controls: &str) {
    b.goto(&site.url(path)).await;
    let problems = b
        .eval(
            "const [sel] = arguments; const w = window.innerWidth; const out = [];
             const wide = document.documentElement.scrollWidth;
             if (wide > w) out.push(`the page is ${wide} px wide`);
             const els = [...document.querySelectorAll(sel)];
             if (!els.length) out.push(`nothing matches ${sel}`);
             for (const el of els) {
               el.scrollIntoView({block: 'center', behavior: 'instant'});
               const r = el.getBoundingClientRect();
               const name = el.outerHTML.slice(0, 90);
               if (r.width < 1 || r.height < 1) { out.push(`${name} is not shown`); continue; }
               if (r.left < 0 || r.right > w) out.push(`${name} runs off (${r.left}..${r.right})`);
               const box = el.type === 'checkbox' || el.type === 'radio';
               if (!box && r.height < 24) out.push(`${name} is ${r.height} px tall`);
               const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
               if (!hit || !(hit === el || el.contains(hit) || hit.control === el))
                 out.push(`${name} is under ${hit && hit.outerHTML.slice(0, 90)}`);
             }
             return out;",
            vec![json!(controls)],
        )
        .await;
    assert_eq!(problems, json!([]), "{path} at 390 px");
}
