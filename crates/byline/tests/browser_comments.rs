//! Comments in a real browser against a real `byline serve`, with mail through a real SMTP
//! server (aiosmtpd): a member (named with a script) comments with scripts in the text and is
//! held; an editor approves it; another member replies; once the reply is approved the first
//! member is emailed it. Nothing the readers wrote runs in any page.

#[path = "browser/harness.rs"]
#[allow(dead_code)]
mod harness;
#[path = "../../byline-web/tests/common/smtp.rs"]
#[allow(dead_code)]
mod smtp;

use harness::{Browser, Site, browser_binaries};
use serde_json::Value;
use std::time::Duration;

const PASSWORD: &str = "correct horse battery";
const EVIL_NAME: &str = "<img src=x onerror=\"window.__pwned='name'\">";
const EVIL_BODY: &str = "Good piece. <script>window.__pwned='script'</script> \
    <img src=x onerror=\"window.__pwned='img'\"> [link](javascript:window.__pwned='link')";

async fn pwned(b: &Browser) -> Value {
    b.web.execute("return window.__pwned || null;", vec![]).await.unwrap().json().clone()
}

/// Joins as `email` through the join form and the emailed link; returns once signed in.
async fn join(b: &Browser, site: &Site, mail: &smtp::SmtpServer, seen: &mut usize, email: &str) {
    b.web.delete_all_cookies().await.unwrap();
    b.goto(&site.url("/members/join/")).await;
    b.fill("#member-email", email).await;
    b.click("form[action='/members/join/'] button[type=submit]").await;
    b.wait_for(10, "the check-your-inbox page", |s| s.to_lowercase().contains("inbox")).await;
    *seen += 1;
    let messages = mail.wait_for(*seen);
    let m = messages.iter().rev().find(|m| m.to.contains(email)).expect("the join email");
    let link = m
        .text
        .split_whitespace()
        .find(|w| w.contains("/members/confirm/"))
        .expect("a link in the join email")
        .to_owned();
    b.goto(&link).await;
    b.wait_for(10, "the confirmation button", |s| s.contains("action=\"/members/confirm/\"")).await;
    b.click("form[action='/members/confirm/'] button[type=submit]").await;
    b.wait_for(10, "a signed-in page", |s| s.contains("/members/account/")).await;
}

/// Writes in the desk's form and posts it (after the few seconds a person takes).
async fn write(b: &Browser, text: &str) {
    b.wait_for(10, "the comment form", |s| s.contains("id=\"comment-body\"")).await;
    tokio::time::sleep(Duration::from_secs(4)).await;
    b.fill("#comment-body", text).await;
    b.click("form.comment-form button[type=submit]").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn members_comment_an_editor_moderates_and_the_reply_is_mailed() {
    let Some((driver, chromium)) = browser_binaries() else { return };
    let Some(mail) = smtp::SmtpServer::start() else { return };
    let port = mail.port.to_string();
    let site = Site::start_with(&[
        ("BYLINE_SMTP_HOST", "127.0.0.1"),
        ("BYLINE_SMTP_PORT", &port),
        ("BYLINE_SMTP_TLS", "none"),
        ("BYLINE_SMTP_FROM", "The Review <desk@example.org>"),
    ]);
    let talk = "---\ntitle: Talk\ndate: 2026-11-20\n---\nDiscuss.\n";
    site.import_article("talk", "talk", talk);
    site.add_staff("eda@example.org", "Eda Editor", "editor", PASSWORD);

    let b = Browser::start(&driver, &chromium).await;
    let mut seen = 0;
    let article = site.url("/articles/talk/");

    // Ann, named with a script, comments with scripts in the text: held.
    join(&b, &site, &mail, &mut seen, "ann@example.org").await;
    b.goto(&site.url("/members/account/")).await;
    b.fill("#member-name", EVIL_NAME).await;
    b.click("form[action='/members/account/name/'] button[type=submit]").await;
    b.wait_for(10, "the saved name", |s| s.contains("Your name is saved")).await;
    b.goto(&article).await;
    b.click("a.comment-write").await;
    write(&b, EVIL_BODY).await;
    b.wait_for(10, "the held notice", |s| s.contains("waiting for a moderator")).await;
    assert_eq!(pwned(&b).await, Value::Null, "a script ran on the desk");
    b.goto(&article).await;
    b.wait_for(10, "the article", |s| s.contains("0 comments")).await;

    // The editor approves it.
    b.web.delete_all_cookies().await.unwrap();
    b.sign_in(&site, "eda@example.org", PASSWORD).await;
    b.goto(&site.url("/admin/comments")).await;
    b.wait_for(10, "the queue", |s| s.contains("first comment of a new commenter")).await;
    assert_eq!(pwned(&b).await, Value::Null, "a script ran in the admin");
    b.click("button[name=one][value^='approve:']").await;
    b.wait_for(10, "the approval", |s| s.contains("1 comment approved")).await;

    // Ben sees it, harmless, and replies: held too (his first), then approved.
    join(&b, &site, &mail, &mut seen, "ben@example.org").await;
    b.goto(&article).await;
    b.wait_for(10, "the approved comment", |s| s.contains("1 comment<")).await;
    assert_eq!(pwned(&b).await, Value::Null, "a script ran on the article page");
    let author = b.text(".comment-author").await;
    assert_eq!(author, EVIL_NAME, "the name shows as text");
    b.click(".comment-actions a").await;
    write(&b, "A kind reply to Ann.").await;
    b.wait_for(10, "the held notice", |s| s.contains("waiting for a moderator")).await;
    b.web.delete_all_cookies().await.unwrap();
    b.sign_in(&site, "eda@example.org", PASSWORD).await;
    b.goto(&site.url("/admin/comments")).await;
    b.click("button[name=one][value^='approve:']").await;
    b.wait_for(10, "the approval", |s| s.contains("1 comment approved")).await;

    // The reply reaches Ann at the SMTP server, through the job queue.
    let messages = mail.wait_for(seen + 1);
    let reply = messages
        .iter()
        .find(|m| m.to.contains("ann@example.org") && m.subject.contains("replied"))
        .unwrap_or_else(|| panic!("no reply email among {messages:?}"));
    assert!(reply.text.contains("A kind reply to Ann."), "{}", reply.text);
    assert!(reply.text.contains(&site.url("/articles/talk/#comment-")), "{}", reply.text);

    b.goto(&article).await;
    b.wait_for(10, "both comments", |s| s.contains("2 comments")).await;
    assert_eq!(pwned(&b).await, Value::Null);
    let links: Value = b
        .web
        .execute(
            "return [...document.querySelectorAll('.comments a')].map(a => a.getAttribute('href'));",
            vec![],
        )
        .await
        .unwrap()
        .json()
        .clone();
    assert!(
        links.as_array().unwrap().iter().all(|h| !h.to_string().contains("javascript")),
        "{links}"
    );
    b.web.clone().quit().await.unwrap();
}
