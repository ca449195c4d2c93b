//! End-to-end tests in a real browser (headless chromium through chromedriver) against a real
//! `byline serve`: the newsroom as its people use it.

#[path = "browser/harness.rs"]
#[allow(dead_code)]
mod harness;

use harness::{Browser, Site, browser_binaries};
use std::io::{Read, Write};
use std::net::TcpListener;

const PASSWORD: &str = "correct horse battery";

/// Serves one page from another origin: a form that posts to the publication's admin, as a
/// forged request would.
fn evil_site(target: &str) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let page = format!(
        "<!doctype html><title>Win a prize</title><form method=post action=\"{target}\">\
         <input type=hidden name=csrf value=guessed><button id=go>Claim</button></form>"
    );
    std::thread::spawn(move || {
        for stream in listener.incoming().take(4) {
            let Ok(mut s) = stream else { continue };
            let mut buf = [0u8; 4096];
            let _ = s.read(&mut buf);
            let _ = write!(
                s,
                "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{page}",
                page.len()
            );
        }
    });
    format!("http://{addr}/")
}

#[tokio::test(flavor = "multi_thread")]
async fn setup_sign_in_and_a_forged_request_from_another_origin() {
    let Some((driver, chromium)) = browser_binaries() else { return };
    let site = Site::start();
    let b = Browser::start(&driver, &chromium).await;

    // The owner opens the setup link that `serve` printed.
    b.goto(&site.setup_link).await;
    b.fill("#name", "Olga Owner").await;
    b.fill("#email", "olga@example.org").await;
    b.fill("#password", PASSWORD).await;
    b.click("form[action='/admin/setup'] button[type=submit]").await;
    b.wait_for(10, "the dashboard", |s| s.contains("<h1>Dashboard</h1>")).await;
    assert!(b.source().await.contains("Olga Owner"));
    b.sign_out().await;
    b.sign_in(&site, "olga@example.org", PASSWORD).await;

    // A page on another origin posts to the admin with the owner's cookie: refused.
    let evil = evil_site(&site.url("/admin/signout"));
    b.goto(&evil).await;
    b.click("#go").await;
    b.wait_for(10, "the refusal", |s| s.contains("cross-site request refused")).await;
    b.goto(&site.url("/admin/")).await;
    assert!(b.source().await.contains("<h1>Dashboard</h1>"), "still signed in");

    b.web.clone().quit().await.unwrap();
}
