//! Staff accounts through the admin: password reset by emailed link, invitations,
//! two-factor sign-in, rate limits on sign-in, staff management for every role, ownership
//! transfer, and the session cookie's flags. Email is captured in memory.

mod common;

use axum::Router;
use axum::http::header;
use byline_core::staff::Role;
use byline_render::Theme;
use byline_store::testing::{TestDb, databases};
use byline_store::{Purpose, Store};
use byline_web::mail::{Mailer, Outbox};
use byline_web::{AppState, router};
use common::client::{Client, PASSWORD, signed_in, staff};

const NEW_PASSWORD: &str = "a brand new passphrase";

/// The demo site with a capturing mailer.
async fn site(db: &TestDb) -> (Router, Outbox) {
    let _ = common::site(db).await;
    let (mailer, outbox) = Mailer::capture();
    let mut state = AppState::new(db.store.clone(), Theme::load(None).unwrap(), common::BASE);
    state.mailer = mailer;
    (router(state), outbox)
}

/// The one link in the newest message to `to`.
fn link_in_mail(outbox: &Outbox, to: &str) -> String {
    let mails = outbox.lock().unwrap();
    let mail = mails.iter().rev().find(|m| m.to == to).unwrap_or_else(|| panic!("no mail to {to}"));
    let start = mail.body.find(common::BASE).expect("a link in the mail");
    let link: String = mail.body[start..].chars().take_while(|c| !c.is_whitespace()).collect();
    link.trim_start_matches(common::BASE).to_owned()
}

async fn audit_actions(store: &Store) -> Vec<String> {
    store.audit_log(1, 100).await.unwrap().items.into_iter().map(|e| e.action).collect()
}

#[tokio::test]
async fn a_password_reset_link_works_once_and_signs_out_every_session() {
    for db in databases().await {
        let (app, outbox) = site(&db).await;
        let (mut elsewhere, rita) = signed_in(&app, &db.store, "Rita Reporter", Role::Editor).await;
        let mut c = Client::new(&app);
        assert_eq!(
            c.get("/admin/signin").await.attrs("a[href='/admin/password/forgot']", "href").len(),
            1
        );
        assert_eq!(c.get("/admin/password/forgot").await.status, 200);
        let known =
            c.post("/admin/password/forgot", &[("email", " RITA-reporter@example.org")]).await;
        let unknown = c.post("/admin/password/forgot", &[("email", "nobody@example.org")]).await;
        assert_eq!((known.status.as_u16(), unknown.status.as_u16()), (200, 200));
        assert_eq!(known.texts("main"), unknown.texts("main"), "the same answer either way");
        assert_eq!(outbox.lock().unwrap().len(), 1, "mail only for the account");
        let link = link_in_mail(&outbox, &rita.email);
        assert!(link.starts_with("/admin/password/reset?token="), "{link}");

        let form = c.get(&link).await;
        assert_eq!(form.status, 200, "{}", form.body);
        let token = link.split("token=").nth(1).unwrap();
        let short =
            c.post("/admin/password/reset", &[("token", token), ("password", "short")]).await;
        assert_eq!(short.status, 422);
        assert!(short.texts("#password-error")[0].contains("at least 10"));
        let done =
            c.post("/admin/password/reset", &[("token", token), ("password", NEW_PASSWORD)]).await;
        assert_eq!(done.status, 303, "{}", done.body);
        assert_eq!(elsewhere.get("/admin/").await.status, 303, "the other session ended");
        assert_eq!(c.get(&link).await.status, 410, "the link works once");
        let again =
            c.post("/admin/password/reset", &[("token", token), ("password", NEW_PASSWORD)]).await;
        assert_eq!(again.status, 410);
        c.get("/admin/signin").await;
        let old = c.post("/admin/signin", &[("email", &rita.email), ("password", PASSWORD)]).await;
        assert_eq!(old.status, 401);
        let new =
            c.post("/admin/signin", &[("email", &rita.email), ("password", NEW_PASSWORD)]).await;
        assert_eq!(new.status, 303);
        assert!(audit_actions(&db.store).await.contains(&"staff.password_reset".to_owned()));

        // An expired link is refused.
        let stale = db
            .store
            .issue_one_time(
                Purpose::PasswordReset,
                Some(rita.id),
                Some(&rita.email),
                None,
                chrono::Duration::seconds(-1),
            )
            .await
            .unwrap();
        let gone = Client::new(&app).get(&format!("/admin/password/reset?token={stale}")).await;
        assert_eq!(gone.status, 410);
        assert!(gone.texts("h1")[0].contains("no longer works"));
    }
}

#[tokio::test]
async fn an_invitation_creates_an_account_with_its_role() {
    for db in databases().await {
        let (app, outbox) = site(&db).await;
        let (mut admin, _) = signed_in(&app, &db.store, "Ada Admin", Role::Administrator).await;
        let existing = staff(&db.store, "Erin Editor", Role::Editor).await;

        admin.get("/admin/staff").await;
        let taken = admin
            .post("/admin/staff/invitations", &[("email", &existing.email), ("role", "author")])
            .await;
        assert_eq!(taken.status, 422);
        assert!(taken.texts("#email-error")[0].contains("already has"), "{}", taken.body);
        let owner = admin
            .post("/admin/staff/invitations", &[("email", "new@example.org"), ("role", "owner")])
            .await;
        assert_eq!(owner.status, 422);
        assert_eq!(owner.attrs("#email", "value"), ["new@example.org"], "typed values kept");
        assert!(!owner.texts("#role-error").is_empty());
        assert!(outbox.lock().unwrap().is_empty());

        let sent = admin
            .post("/admin/staff/invitations", &[("email", "New@Example.org"), ("role", "editor")])
            .await;
        assert_eq!(sent.status, 303, "{}", sent.body);
        let list = admin.get("/admin/staff").await;
        assert!(list.texts(".invitations li")[0].contains("new@example.org as editor"));
        let link = link_in_mail(&outbox, "new@example.org");

        let mut invitee = Client::new(&app);
        let form = invitee.get(&link).await;
        assert_eq!(form.status, 200, "{}", form.body);
        let token = link.split("token=").nth(1).unwrap();
        let bad = invitee
            .post("/admin/invitation", &[("token", token), ("name", ""), ("password", "short")])
            .await;
        assert_eq!(bad.status, 422);
        assert!(!bad.texts("#name-error").is_empty() && !bad.texts("#password-error").is_empty());
        let ok = invitee
            .post(
                "/admin/invitation",
                &[("token", token), ("name", "Nina New"), ("password", PASSWORD)],
            )
            .await;
        assert_eq!(ok.status, 303, "{}", ok.body);
        assert_eq!(invitee.get("/admin/").await.status, 200, "signed in");
        let nina = db.store.staff_by_email("new@example.org").await.unwrap();
        assert_eq!((nina.name.as_str(), nina.role), ("Nina New", Role::Editor));
        assert_eq!(Client::new(&app).get(&link).await.status, 410, "used");
        assert!(admin.get("/admin/staff").await.texts(".invitations li").is_empty());

        // A withdrawn invitation no longer works.
        admin
            .post("/admin/staff/invitations", &[("email", "late@example.org"), ("role", "author")])
            .await;
        let link = link_in_mail(&outbox, "late@example.org");
        let pending = db.store.pending_one_time(Purpose::Invitation).await.unwrap();
        let revoke =
            admin.post(&format!("/admin/staff/invitations/{}/revoke", pending[0].id), &[]).await;
        assert_eq!(revoke.status, 303);
        assert_eq!(Client::new(&app).get(&link).await.status, 410);
        let actions = audit_actions(&db.store).await;
        for a in ["invitation.create", "staff.join", "invitation.revoke"] {
            assert!(actions.contains(&a.to_owned()), "{a} in {actions:?}");
        }
    }
}

fn code_at(secret: &str, offset: i64) -> String {
    let t = byline_core::two_factor::totp(secret, "x", "x").unwrap();
    t.generate((chrono::Utc::now().timestamp() + offset) as u64).to_string()
}

#[tokio::test]
async fn two_factor_sign_in_asks_for_a_code_after_the_password() {
    for db in databases().await {
        let (app, _) = site(&db).await;
        let (mut c, user) = signed_in(&app, &db.store, "Tess Two", Role::Author).await;
        assert!(c.get("/admin/account").await.texts(".two-factor-state")[0].starts_with("Off"));
        assert_eq!(c.post("/admin/account/two-factor/start", &[]).await.status, 303);
        let enrol = c.get("/admin/account/two-factor").await;
        assert_eq!(enrol.status, 200, "{}", enrol.body);
        assert!(enrol.body.contains("<svg"), "a QR code drawn here");
        let secret = enrol.texts(".totp-secret")[0].clone();
        let wrong = c.post("/admin/account/two-factor", &[("code", "000000")]).await;
        assert_eq!(wrong.status, 422);
        assert!(!wrong.texts("#code-error").is_empty());
        let on = c.post("/admin/account/two-factor", &[("code", &code_at(&secret, 0))]).await;
        assert_eq!(on.status, 200, "{}", on.body);
        let recovery = on.texts(".recovery-codes code");
        assert_eq!(recovery.len(), 8);
        assert!(db.store.two_factor(user.id).await.unwrap().unwrap().enabled);

        // The password alone gives no access.
        let mut d = Client::new(&app);
        d.get("/admin/signin").await;
        let step = d.post("/admin/signin", &[("email", &user.email), ("password", PASSWORD)]).await;
        assert_eq!(step.status, 303);
        assert_eq!(step.headers[header::LOCATION], "/admin/signin/code");
        assert_eq!(d.get("/admin/").await.status, 303, "not signed in yet");
        d.get("/admin/signin/code").await;
        let bad = d.post("/admin/signin/code", &[("code", "123456")]).await;
        assert_eq!(bad.status, 401);
        // The enrolment's code step is used; the next step's code works (one step of skew).
        let good = d.post("/admin/signin/code", &[("code", &code_at(&secret, 30))]).await;
        assert_eq!(good.status, 303, "{}", good.body);
        assert_eq!(d.get("/admin/").await.status, 200);

        // A recovery code works once.
        for (attempt, want) in [(1, 303), (2, 401)] {
            let mut e = Client::new(&app);
            e.get("/admin/signin").await;
            e.post("/admin/signin", &[("email", &user.email), ("password", PASSWORD)]).await;
            e.get("/admin/signin/code").await;
            let r = e.post("/admin/signin/code", &[("code", &recovery[0].to_uppercase())]).await;
            assert_eq!(r.status, want, "recovery attempt {attempt}: {}", r.body);
        }

        // Switching off needs the password.
        c.get("/admin/account").await;
        let no =
            c.post("/admin/account/two-factor/off", &[("off_password", "wrong password!")]).await;
        assert_eq!(no.status, 422);
        assert!(!no.texts("#off_password-error").is_empty());
        let off = c.post("/admin/account/two-factor/off", &[("off_password", PASSWORD)]).await;
        assert_eq!(off.status, 303);
        assert!(db.store.two_factor(user.id).await.unwrap().is_none());
        let actions = audit_actions(&db.store).await;
        for a in ["staff.two_factor_on", "staff.recovery_code_used", "staff.two_factor_off"] {
            assert!(actions.contains(&a.to_owned()), "{a} in {actions:?}");
        }
    }
}

#[tokio::test]
async fn your_account_changes_name_and_password() {
    for db in databases().await {
        let (app, _) = site(&db).await;
        let (mut c, user) = signed_in(&app, &db.store, "Pat Person", Role::Contributor).await;
        let (mut other, _) = (Client::new(&app), ());
        other.sign_in(&user.email).await;
        c.get("/admin/account").await;
        let empty = c.post("/admin/account", &[("name", " ")]).await;
        assert_eq!(empty.status, 422);
        assert!(!empty.texts("#name-error").is_empty());
        assert_eq!(c.post("/admin/account", &[("name", "Pat Renamed")]).await.status, 303);
        assert_eq!(db.store.staff_by_id(user.id).await.unwrap().name, "Pat Renamed");
        let wrong = c
            .post(
                "/admin/account/password",
                &[("current", "not it at all"), ("password", NEW_PASSWORD)],
            )
            .await;
        assert_eq!(wrong.status, 422);
        assert!(!wrong.texts("#current-error").is_empty());
        let ok = c
            .post("/admin/account/password", &[("current", PASSWORD), ("password", NEW_PASSWORD)])
            .await;
        assert_eq!(ok.status, 303);
        assert_eq!(c.get("/admin/").await.status, 200, "this session stays");
        assert_eq!(other.get("/admin/").await.status, 303, "the other one ends");
    }
}
