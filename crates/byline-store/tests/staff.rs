//! The staff and account use cases through the store, on both databases: each writes its
//! audit line in its own transaction, and a step that fails leaves nothing half-done (no
//! account, no used link, no audit line, no changed password or role).

use byline_core::audit::Actor;
use byline_core::limits::{CODE_PER_ACCOUNT, SIGN_IN_PER_ACCOUNT};
use byline_core::staff::{Role, StaffInput, StaffUser};
use byline_store::testing::databases;
use byline_store::{AccountError, Purpose, SignInStep, Store, StoreError};
use chrono::Duration;

const PASSWORD: &str = "correct horse battery";

async fn add(s: &Store, name: &str, role: Role) -> StaffUser {
    let email = format!("{}@example.org", byline_core::slugify(name));
    let input =
        StaffInput { email, name: name.into(), role: Some(role), password: PASSWORD.into() };
    s.create_staff(&input).await.unwrap()
}

/// The audit log as (action, subject, actor), oldest first.
async fn log(s: &Store) -> Vec<(String, String, String)> {
    let mut lines: Vec<_> = s
        .audit_log(1, 500)
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|e| (e.action, e.subject, e.actor))
        .collect();
    lines.reverse();
    lines
}

/// The actions logged since `before` lines.
async fn since(s: &Store, before: usize) -> Vec<String> {
    log(s).await.into_iter().skip(before).map(|l| l.0).collect()
}

fn fields(e: StoreError) -> Vec<String> {
    match e {
        StoreError::Invalid(i) => i.0.into_iter().map(|f| f.field).collect(),
        other => panic!("expected field errors, got {other}"),
    }
}

fn refused<T: std::fmt::Debug>(r: Result<T, AccountError>) -> String {
    match r {
        Err(AccountError::Refused(why)) => why,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// Sessions the store keeps for `staff_id`, as the admin's session store writes them.
async fn session_for(s: &Store, id: &str, staff_id: i64) {
    let data = format!("{{\"staff_id\":{staff_id}}}");
    s.save_session(id, &data, chrono::Utc::now() + Duration::days(1)).await.unwrap();
}

#[tokio::test]
async fn adding_an_account_is_logged_and_a_refused_one_leaves_no_line() {
    for db in databases().await {
        let s = &db.store;
        let ed = add(s, "Ed Editor", Role::Editor).await;
        assert_eq!(
            log(s).await,
            [("staff.add".into(), ed.email.clone(), "command line".into())],
            "one line, by the command line"
        );
        let dup = StaffInput {
            email: ed.email.to_uppercase(),
            name: "Other".into(),
            role: None,
            password: PASSWORD.into(),
        };
        assert!(matches!(s.create_staff(&dup).await, Err(StoreError::Conflict(_))));
        assert_eq!(log(s).await.len(), 1);
        assert_eq!(s.staff_count().await.unwrap(), 1);
    }
}

#[tokio::test]
async fn setup_makes_the_owner_once_and_a_refused_setup_keeps_its_link() {
    for db in databases().await {
        let s = &db.store;
        let day = Duration::days(1);
        let token = s.issue_one_time(Purpose::Setup, None, None, None, day).await.unwrap();
        let input = StaffInput {
            email: "olga@example.org".into(),
            name: "Olga".into(),
            role: Some(Role::Contributor),
            password: "short".into(),
        };
        assert_eq!(fields(s.setup_owner(&token, &input).await.unwrap_err()), ["password"]);
        assert!(s.peek_one_time(Purpose::Setup, &token).await.is_ok(), "a typo keeps the link");

        let input = StaffInput { password: PASSWORD.into(), ..input };
        let owner = s.setup_owner(&token, &input).await.unwrap();
        assert_eq!(owner.role, Role::Owner, "setup makes the owner whatever the role given");
        assert_eq!(since(s, 0).await, ["staff.setup", "session.sign_in"]);
        assert!(s.setup_owner(&token, &input).await.unwrap_err().is_not_found(), "used once");

        // A second setup link on a publication that has its owner: refused, link kept.
        let again = s.issue_one_time(Purpose::Setup, None, None, None, day).await.unwrap();
        let other = StaffInput { email: "x@example.org".into(), ..input };
        assert!(matches!(s.setup_owner(&again, &other).await, Err(StoreError::Conflict(_))));
        assert!(s.peek_one_time(Purpose::Setup, &again).await.is_ok());
        assert_eq!(s.staff_count().await.unwrap(), 1);
        assert_eq!(log(s).await.len(), 2);
    }
}

#[tokio::test]
async fn invitations_are_made_revoked_and_accepted_with_their_lines() {
    for db in databases().await {
        let s = &db.store;
        let admin = add(s, "Ada Admin", Role::Administrator).await;
        let editor = add(s, "Ed Editor", Role::Editor).await;
        let week = Duration::days(7);
        let before = log(s).await.len();

        let why = refused(s.invite(&editor.actor(), "new@example.org", "author", week).await);
        assert!(why.contains("editor"), "{why}");
        let bad = s.invite(&admin.actor(), "not an email", "owner", week).await.unwrap_err();
        let AccountError::Store(bad) = bad else { panic!("{bad:?}") };
        assert_eq!(fields(bad), ["email", "role"], "both fields at once");
        let taken = s.invite(&admin.actor(), &editor.email, "author", week).await.unwrap_err();
        assert!(taken.to_string().contains("already has a staff account"), "{taken}");
        assert!(s.pending_one_time(Purpose::Invitation).await.unwrap().is_empty());
        assert_eq!(log(s).await.len(), before, "nothing refused is logged");

        let gone = s.invite(&admin.actor(), "gone@example.org", "editor", week).await.unwrap();
        let id = s.pending_one_time(Purpose::Invitation).await.unwrap()[0].id;
        refused(s.revoke_invitation(&editor.actor(), id).await);
        s.revoke_invitation(&admin.actor(), id).await.unwrap();
        assert!(
            s.accept_invitation(&gone.token, "Gone", PASSWORD).await.unwrap_err().is_not_found()
        );

        let inv = s.invite(&admin.actor(), " New@Example.org ", "author", week).await.unwrap();
        assert_eq!((inv.email.as_str(), inv.role), ("new@example.org", Role::Author));
        let short = s.accept_invitation(&inv.token, "Nia New", "short").await.unwrap_err();
        assert_eq!(fields(short), ["password"]);
        assert!(s.peek_one_time(Purpose::Invitation, &inv.token).await.is_ok(), "link kept");
        let nia = s.accept_invitation(&inv.token, "Nia New", PASSWORD).await.unwrap();
        assert_eq!((nia.email.as_str(), nia.role), ("new@example.org", Role::Author));
        assert_eq!(
            since(s, before).await,
            [
                "invitation.create",
                "invitation.revoke",
                "invitation.create",
                "staff.join",
                "session.sign_in"
            ]
        );
        let lines = log(s).await;
        assert_eq!(lines[before + 3].2, "Nia New", "the invitee joins as themselves");
    }
}

#[tokio::test]
async fn an_invitation_whose_email_got_an_account_meanwhile_stays_unused() {
    for db in databases().await {
        let s = &db.store;
        let admin = add(s, "Ada Admin", Role::Administrator).await;
        let week = Duration::days(7);
        let inv = s.invite(&admin.actor(), "bo@example.org", "editor", week).await.unwrap();
        let bo = add(s, "Bo", Role::Author).await;
        assert_eq!(bo.email, "bo@example.org");
        let before = log(s).await.len();
        let r = s.accept_invitation(&inv.token, "Bo Again", PASSWORD).await;
        assert!(matches!(r, Err(StoreError::Conflict(_))), "{r:?}");
        assert!(s.peek_one_time(Purpose::Invitation, &inv.token).await.is_ok());
        assert_eq!(log(s).await.len(), before);
        assert_eq!(s.staff_count().await.unwrap(), 2);
    }
}

#[tokio::test]
async fn signing_in_forgets_failures_and_waits_for_the_code_when_two_factor_is_on() {
    for db in databases().await {
        let s = &db.store;
        let ed = add(s, "Ed Editor", Role::Editor).await;
        s.note_attempt(SIGN_IN_PER_ACCOUNT, &ed.email).await.unwrap();
        let before = log(s).await.len();
        assert_eq!(s.password_accepted(&ed).await.unwrap(), SignInStep::SignedIn);
        assert_eq!(since(s, before).await, ["session.sign_in"]);
        let next = s.note_attempt(SIGN_IN_PER_ACCOUNT, &ed.email).await.unwrap();
        let strict = byline_core::limits::Limit { max: 1, ..SIGN_IN_PER_ACCOUNT };
        assert_eq!(s.retry_after(strict, &ed.email, next).await.unwrap(), None, "forgotten");

        let secret = byline_core::two_factor::new_secret();
        s.start_two_factor(ed.id, &secret).await.unwrap();
        s.enable_two_factor(ed.id, 1, &["aaaaa-bbbbb".into(), "ccccc-ddddd".into()]).await.unwrap();
        let before = log(s).await.len();
        assert_eq!(s.password_accepted(&ed).await.unwrap(), SignInStep::CodeNeeded);
        assert_eq!(since(s, before).await, Vec::<String>::new(), "not signed in yet");
    }
}

#[tokio::test]
async fn codes_sign_in_once_and_a_wrong_code_changes_nothing() {
    for db in databases().await {
        let s = &db.store;
        let ed = add(s, "Ed Editor", Role::Editor).await;
        let secret = byline_core::two_factor::new_secret();
        s.start_two_factor(ed.id, &secret).await.unwrap();
        s.enable_two_factor(ed.id, 1, &["aaaaa-bbbbb".into(), "ccccc-ddddd".into()]).await.unwrap();
        assert_eq!(since(s, 1).await, ["staff.two_factor_on"]);
        let id = ed.id.to_string();
        s.note_attempt(CODE_PER_ACCOUNT, &id).await.unwrap();

        let before = log(s).await.len();
        assert!(!s.code_entered(&ed, "000000").await.unwrap());
        assert!(!s.code_entered(&ed, "zzzzz-zzzzz").await.unwrap());
        assert_eq!(log(s).await.len(), before, "a wrong code writes nothing");

        let now = chrono::Utc::now().timestamp();
        let totp = byline_core::two_factor::totp(&secret, "Byline", &ed.email).unwrap();
        let code = totp.generate(now as u64).to_string();
        assert!(s.code_entered(&ed, &code).await.unwrap());
        assert!(!s.code_entered(&ed, &code).await.unwrap(), "a code's step is accepted once");
        assert_eq!(since(s, before).await, ["session.sign_in"]);
        let next = s.note_attempt(CODE_PER_ACCOUNT, &id).await.unwrap();
        let strict = byline_core::limits::Limit { max: 1, ..CODE_PER_ACCOUNT };
        assert_eq!(s.retry_after(strict, &id, next).await.unwrap(), None, "failures forgotten");

        assert!(s.code_entered(&ed, "AAAAA BBBBB").await.unwrap(), "recovery codes as typed");
        assert!(!s.code_entered(&ed, "aaaaa-bbbbb").await.unwrap(), "once");
        assert_eq!(
            since(s, before).await,
            ["session.sign_in", "staff.recovery_code_used", "session.sign_in"]
        );
        assert_eq!(s.recovery_codes_left(ed.id).await.unwrap(), 1);
    }
}

#[tokio::test]
async fn two_factor_goes_off_by_one_use_case_for_the_admin_and_the_command_line() {
    for db in databases().await {
        let s = &db.store;
        let ed = add(s, "Ed Editor", Role::Editor).await;
        let before = log(s).await.len();
        let off = s.disable_two_factor(&ed.actor(), ed.id).await.unwrap_err();
        assert!(off.to_string().contains("does not use two-factor"), "{off}");
        assert_eq!(log(s).await.len(), before);

        for actor in [ed.actor(), Actor::command_line()] {
            s.start_two_factor(ed.id, &byline_core::two_factor::new_secret()).await.unwrap();
            s.enable_two_factor(ed.id, 1, &["aaaaa-bbbbb".into()]).await.unwrap();
            s.disable_two_factor(&actor, ed.id).await.unwrap();
            assert_eq!(s.two_factor(ed.id).await.unwrap(), None);
            assert_eq!(s.recovery_codes_left(ed.id).await.unwrap(), 0);
            let last = log(s).await.pop().unwrap();
            assert_eq!(last, ("staff.two_factor_off".into(), ed.email.clone(), actor.name));
        }
        assert_eq!(log(s).await.len(), before + 4, "on, off, on, off");
    }
}

#[tokio::test]
async fn a_password_reset_is_asked_for_and_used_once() {
    for db in databases().await {
        let s = &db.store;
        let ed = add(s, "Ed Editor", Role::Editor).await;
        let hour = Duration::hours(1);
        let before = log(s).await.len();
        assert!(s.request_password_reset("nobody@example.org", hour).await.unwrap().is_none());
        assert_eq!(log(s).await.len(), before, "nothing happened, nothing logged");

        let link = s.request_password_reset("ED-EDITOR@example.org", hour).await.unwrap().unwrap();
        assert_eq!(link.staff.id, ed.id);
        let asked = log(s).await.pop().unwrap();
        assert_eq!(asked.0, "staff.password_reset_request");
        assert!(asked.2.contains("not signed in"), "{asked:?}");

        session_for(s, "ed-phone", ed.id).await;
        s.note_attempt(SIGN_IN_PER_ACCOUNT, &ed.email).await.unwrap();
        let short = s.reset_password(&link.token, "short").await.unwrap_err();
        assert_eq!(fields(short), ["password"]);
        assert!(s.peek_one_time(Purpose::PasswordReset, &link.token).await.is_ok(), "kept");
        assert!(s.session("ed-phone").await.unwrap().is_some(), "nothing ended yet");

        let before = log(s).await.len();
        s.reset_password(&link.token, "a brand new passphrase").await.unwrap();
        assert_eq!(since(s, before).await, ["staff.password_reset"]);
        assert!(s.session("ed-phone").await.unwrap().is_none(), "every session ends");
        assert!(s.verify_staff_password(&ed.email, PASSWORD).await.unwrap().is_none());
        assert!(
            s.verify_staff_password(&ed.email, "a brand new passphrase").await.unwrap().is_some()
        );
        let next = s.note_attempt(SIGN_IN_PER_ACCOUNT, &ed.email).await.unwrap();
        let strict = byline_core::limits::Limit { max: 1, ..SIGN_IN_PER_ACCOUNT };
        assert_eq!(s.retry_after(strict, &ed.email, next).await.unwrap(), None);
        let again = s.reset_password(&link.token, "another new passphrase").await.unwrap_err();
        assert!(again.is_not_found(), "used once");
        assert_eq!(log(s).await.len(), before + 1);
    }
}

#[tokio::test]
async fn changing_a_password_needs_the_current_one_and_keeps_this_session() {
    for db in databases().await {
        let s = &db.store;
        let ed = add(s, "Ed Editor", Role::Editor).await;
        session_for(s, "here", ed.id).await;
        session_for(s, "there", ed.id).await;
        let before = log(s).await.len();
        let wrong = s.change_password(&ed, "not it at all", "a new passphrase", Some("here"));
        assert_eq!(fields(wrong.await.unwrap_err()), ["current"]);
        let short = s.change_password(&ed, PASSWORD, "short", Some("here")).await.unwrap_err();
        assert_eq!(fields(short), ["password"]);
        assert!(s.verify_staff_password(&ed.email, PASSWORD).await.unwrap().is_some());
        assert_eq!(log(s).await.len(), before, "refused changes are not logged");

        s.change_password(&ed, PASSWORD, "a new passphrase", Some("here")).await.unwrap();
        assert_eq!(since(s, before).await, ["staff.password_change"]);
        assert!(s.session("here").await.unwrap().is_some());
        assert!(s.session("there").await.unwrap().is_none());

        s.rename_staff(&ed, "  Edward Editor ").await.unwrap();
        assert_eq!(s.staff_by_id(ed.id).await.unwrap().name, "Edward Editor");
        assert_eq!(fields(s.rename_staff(&ed, " ").await.unwrap_err()), ["name"]);
        assert_eq!(since(s, before).await, ["staff.password_change", "staff.rename"]);
    }
}

#[tokio::test]
async fn roles_and_access_change_only_as_the_manager_may() {
    for db in databases().await {
        let s = &db.store;
        let owner = add(s, "Olga Owner", Role::Owner).await;
        let admin = add(s, "Ada Admin", Role::Administrator).await;
        let editor = add(s, "Ed Editor", Role::Editor).await;
        let before = log(s).await.len();

        refused(s.change_staff_role(&editor.actor(), admin.id, Role::Author).await);
        refused(s.change_staff_role(&admin.actor(), owner.id, Role::Editor).await);
        refused(s.change_staff_role(&admin.actor(), admin.id, Role::Editor).await);
        refused(s.set_staff_disabled(&admin.actor(), owner.id, true).await);
        let owner_role = s.change_staff_role(&admin.actor(), editor.id, Role::Owner).await;
        assert!(matches!(owner_role, Err(AccountError::Store(StoreError::Invalid(_)))));
        assert_eq!(log(s).await.len(), before, "nothing refused is logged");
        assert_eq!(s.staff_by_id(editor.id).await.unwrap().role, Role::Editor);

        let now = s.change_staff_role(&admin.actor(), editor.id, Role::Author).await.unwrap();
        assert_eq!(now.role, Role::Author);
        s.change_staff_role(&admin.actor(), editor.id, Role::Author).await.unwrap();
        session_for(s, "ed-laptop", editor.id).await;
        let off = s.set_staff_disabled(&admin.actor(), editor.id, true).await.unwrap();
        assert!(off.disabled);
        assert!(
            s.session("ed-laptop").await.unwrap().is_none(),
            "a disabled account's sessions end"
        );
        assert!(s.verify_staff_password(&editor.email, PASSWORD).await.unwrap().is_none());
        s.set_staff_disabled(&admin.actor(), editor.id, false).await.unwrap();
        assert_eq!(
            since(s, before).await,
            ["staff.role", "staff.disable", "staff.enable"],
            "the same role again changes nothing"
        );
        let lines = log(s).await;
        assert_eq!(lines[before].2, "Ada Admin");
    }
}

#[tokio::test]
async fn ownership_is_transferred_with_the_password_in_one_step() {
    for db in databases().await {
        let s = &db.store;
        let owner = add(s, "Olga Owner", Role::Owner).await;
        let admin = add(s, "Ada Admin", Role::Administrator).await;
        let before = log(s).await.len();

        refused(s.transfer_ownership(&admin, Some(owner.id), PASSWORD).await);
        let wrong = s.transfer_ownership(&owner, Some(owner.id), "not my password").await;
        let Err(AccountError::Store(wrong)) = wrong else { panic!("{wrong:?}") };
        assert_eq!(fields(wrong), ["to", "password"]);
        let wrong = s.transfer_ownership(&owner, Some(admin.id), "not my password").await;
        let Err(AccountError::Store(wrong)) = wrong else { panic!("{wrong:?}") };
        assert_eq!(fields(wrong), ["password"]);
        assert_eq!(s.staff_by_id(owner.id).await.unwrap().role, Role::Owner);
        assert_eq!(log(s).await.len(), before);

        let heir = s.transfer_ownership(&owner, Some(admin.id), PASSWORD).await.unwrap();
        assert_eq!(heir.role, Role::Owner);
        assert_eq!(s.staff_by_id(owner.id).await.unwrap().role, Role::Administrator);
        assert_eq!(s.staff_by_id(admin.id).await.unwrap().role, Role::Owner);
        let last = log(s).await.pop().unwrap();
        assert_eq!(last, ("staff.transfer_ownership".into(), admin.email, "Olga Owner".into()));
        assert_eq!(log(s).await.len(), before + 1);
    }
}
