//! A reader joins in a real browser against a real `byline serve`: the sign-up link travels
//! through a real SMTP server (aiosmtpd), the link's page asks for a button press, and then
//! a members-only article shows in full while a paid one shows its preview and a call to
//! upgrade.

#[path = "browser/harness.rs"]
#[allow(dead_code)]
mod harness;
#[path = "../../byline-web/tests/common/smtp.rs"]
#[allow(dead_code)]
mod smtp;

use harness::{Browser, Site, browser_binaries, byline};

const MEMBERS_TEXT: &str = "Only members read this sentence";
const PAID_TEXT: &str = "Only paying readers read this sentence";

#[tokio::test(flavor = "multi_thread")]
async fn a_reader_joins_by_email_and_reads_what_members_may() {
    let Some((driver, chromium)) = browser_binaries() else { return };
    let Some(mail) = smtp::SmtpServer::start() else { return };
    let port = mail.port.to_string();
    let site = Site::start_with(&[
        ("BYLINE_SMTP_HOST", "127.0.0.1"),
        ("BYLINE_SMTP_PORT", &port),
        ("BYLINE_SMTP_TLS", "none"),
        ("BYLINE_SMTP_FROM", "The Review <desk@example.org>"),
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
