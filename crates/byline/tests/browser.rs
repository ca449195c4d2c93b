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

/// Adds a staff account through the command line, as an operator would.
fn add_staff(site: &Site, email: &str, name: &str, role: &str) {
    let mut child = harness::byline(site.dir.path())
        .args(["user", "add", "--email", email, "--name", name, "--role", role, "--data", "site"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(format!("{PASSWORD}\n").as_bytes()).unwrap();
    assert!(child.wait().unwrap().success(), "byline user add {email}");
}

/// Sets a form field's value the way a date picker would.
async fn set_value(b: &Browser, id: &str, value: &str) {
    b.web
        .execute(
            "document.getElementById(arguments[0]).value = arguments[1];",
            vec![serde_json::json!(id), serde_json::json!(value)],
        )
        .await
        .unwrap();
}

/// Waits until a public address answers 200 (the scheduler publishes on its own clock).
async fn wait_until_public(site: &Site, path: &str, secs: u64) -> String {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(secs);
    loop {
        let (status, body) = http_get(&site.url(path));
        if status == 200 {
            return body;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{path} still answers {status} after {secs} s"
        );
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
}

/// A plain HTTP/1.1 GET without the browser: (status, body).
fn http_get(url: &str) -> (u16, String) {
    let rest = url.strip_prefix("http://").unwrap();
    let (host, path) = rest.split_once('/').map(|(h, p)| (h, format!("/{p}"))).unwrap();
    let mut s = std::net::TcpStream::connect(host).unwrap();
    write!(s, "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    let status = out.split_whitespace().nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    let body = out.split_once("\r\n\r\n").map(|(_, b)| b.to_owned()).unwrap_or_default();
    (status, body)
}

async fn set_up_owner(b: &Browser, site: &Site) {
    b.goto(&site.setup_link).await;
    b.fill("#name", "Olga Owner").await;
    b.fill("#email", "olga@example.org").await;
    b.fill("#password", PASSWORD).await;
    b.click("form[action='/admin/setup'] button[type=submit]").await;
    b.wait_for(10, "the dashboard", |s| s.contains("<h1>Dashboard</h1>")).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn write_preview_schedule_and_the_article_appears_after_its_time() {
    let Some((driver, chromium)) = browser_binaries() else { return };
    let site = Site::start();
    let b = Browser::start(&driver, &chromium).await;
    set_up_owner(&b, &site).await;

    b.goto(&site.url("/admin/articles/new")).await;
    b.fill("#title", "Night Trains Return to the Baltic").await;
    b.fill("#subtitle", "Three capitals, one sleeper").await;
    b.fill(
        "#body",
        "The first train left at dusk.\n\n## Live preview works\n\nA *second* paragraph.",
    )
    .await;
    // The live preview shows the rendered Markdown while the author types.
    b.wait_for(10, "the live preview", |s| s.contains("<h2>Live preview works</h2>")).await;
    b.screenshot("editor").await;

    let when = chrono::Utc::now() + chrono::Duration::seconds(12);
    set_value(&b, "published_at", &when.format("%Y-%m-%dT%H:%M:%S").to_string()).await;
    b.click("button[name=intent][value=schedule]").await;
    b.wait_for(10, "the scheduled article", |s| s.contains("status-scheduled")).await;
    let (status, _) = http_get(&site.url("/articles/night-trains-return-to-the-baltic/"));
    assert_eq!(status, 404, "not public before its time");

    b.goto(&site.url("/admin/articles")).await;
    assert!(b.source().await.contains("Night Trains Return to the Baltic"));
    b.screenshot("articles").await;

    let page = wait_until_public(&site, "/articles/night-trains-return-to-the-baltic/", 45).await;
    assert!(page.contains("Three capitals, one sleeper"), "the public page shows the article");
    assert!(page.contains("<h2 id=") || page.contains("<h2>"), "with its body");
    b.web.clone().quit().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_contributor_submits_and_an_editor_publishes() {
    let Some((driver, chromium)) = browser_binaries() else { return };
    let site = Site::start();
    add_staff(&site, "carla@example.org", "Carla Contributor", "contributor");
    add_staff(&site, "eddie@example.org", "Eddie Editor", "editor");
    let b = Browser::start(&driver, &chromium).await;

    b.sign_in(&site, "carla@example.org", PASSWORD).await;
    b.goto(&site.url("/admin/articles/new")).await;
    b.fill("#title", "Field Notes from the Delta").await;
    b.fill("#body", "What the river leaves behind.").await;
    let source = b.source().await;
    assert!(!source.contains("value=\"publish\""), "a contributor is offered no Publish button");
    b.click("button[name=intent][value=submit]").await;
    b.wait_for(10, "the submitted draft", |s| s.contains("status-review")).await;
    b.sign_out().await;

    b.sign_in(&site, "eddie@example.org", PASSWORD).await;
    assert!(
        b.source().await.contains("Field Notes from the Delta"),
        "awaiting review on the dashboard"
    );
    b.goto(&site.url("/admin/articles?status=review")).await;
    let link = b.web.find(thirtyfour::By::LinkText("Field Notes from the Delta")).await.unwrap();
    link.click().await.unwrap();
    b.wait_for(10, "the editor", |s| s.contains("value=\"publish\"")).await;
    b.click("button[name=intent][value=publish]").await;
    b.wait_for(10, "the published article", |s| s.contains("status-published")).await;
    let page = wait_until_public(&site, "/articles/field-notes-from-the-delta/", 10).await;
    assert!(page.contains("Carla Contributor"), "the byline is the contributor's");
    b.web.clone().quit().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn an_uploaded_image_appears_in_the_articles_srcset() {
    let Some((driver, chromium)) = browser_binaries() else { return };
    let site = Site::start();
    let b = Browser::start(&driver, &chromium).await;
    set_up_owner(&b, &site).await;

    let png = site.dir.path().join("harbour.png");
    image::RgbImage::from_fn(1800, 1000, |x, y| image::Rgb([(x / 8) as u8, (y / 5) as u8, 120]))
        .save(&png)
        .unwrap();
    b.goto(&site.url("/admin/media")).await;
    let file = b.web.find(thirtyfour::By::Css("#file")).await.unwrap();
    file.send_keys(png.to_string_lossy()).await.unwrap();
    b.fill("#alt", "The harbour at dawn").await;
    b.click("form.media-upload button[type=submit]").await;
    b.wait_for(90, "the uploaded image", |s| s.contains("The harbour at dawn")).await;

    // The editor's picker link leads to the library; "Use this image" comes back with it.
    b.goto(&site.url("/admin/articles/new")).await;
    let picker = b
        .web
        .find(thirtyfour::By::Css("a.media-pick-link"))
        .await
        .unwrap()
        .attr("href")
        .await
        .unwrap()
        .expect("the picker's address");
    b.goto(&site.url(&picker)).await;
    b.click("a.media-use").await;
    b.wait_for(10, "the editor with the image", |s| s.contains("id=\"title\"")).await;
    let picked =
        b.web.find(thirtyfour::By::Css("#image")).await.unwrap().prop("value").await.unwrap();
    let url = picked.expect("the image field");
    assert!(url.starts_with("/media/"), "{url}");
    let alt =
        b.web.find(thirtyfour::By::Css("#image_alt")).await.unwrap().prop("value").await.unwrap();
    assert_eq!(alt.as_deref(), Some("The harbour at dawn"));
    b.fill("#title", "Harbour Lights").await;
    b.fill("#body", "Boats come in.").await;
    b.click("button[name=intent][value=publish]").await;
    b.wait_for(10, "the published article", |s| s.contains("status-published")).await;

    // The copies are made by a job in the server's own workers, after the upload answered;
    // the page offers them once they exist (a guard against hanging, not a timing check).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !http_get(&site.url("/articles/harbour-lights/")).1.contains("480w") {
        assert!(std::time::Instant::now() < deadline, "the copies never reached the page");
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    b.goto(&site.url("/articles/harbour-lights/")).await;
    let img = b.web.find(thirtyfour::By::Css("article img")).await.unwrap();
    let srcset = img.attr("srcset").await.unwrap().unwrap_or_default();
    assert!(
        srcset.contains("480w") && srcset.contains("960w") && srcset.contains("1600w"),
        "{srcset}"
    );
    let webp = b.web.find(thirtyfour::By::Css("picture source[type='image/webp']")).await.unwrap();
    assert!(webp.attr("srcset").await.unwrap().unwrap_or_default().contains(".webp"));
    // The browser really loaded one of the variants.
    let loaded: bool = b
        .web
        .execute("return document.querySelector('article img').naturalWidth > 0;", vec![])
        .await
        .unwrap()
        .convert()
        .unwrap();
    assert!(loaded, "the image loads");
    b.web.clone().quit().await.unwrap();
}

/// Serves a folder over HTTP as any static host would (index.html for a folder), for the
/// static export's own pages.
fn static_host(root: std::path::PathBuf) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut s) = stream else { continue };
            let mut buf = [0u8; 8192];
            let n = s.read(&mut buf).unwrap_or(0);
            let head = String::from_utf8_lossy(&buf[..n]);
            let target = head.split_whitespace().nth(1).unwrap_or("/");
            let path = target.split('?').next().unwrap_or("/").trim_start_matches('/');
            let mut file = root.join(path);
            if path.is_empty() || path.ends_with('/') {
                file = file.join("index.html");
            }
            let kind = match file.extension().and_then(|e| e.to_str()) {
                Some("html") => "text/html; charset=utf-8",
                Some("js") => "text/javascript",
                Some("json") => "application/json",
                Some("css") => "text/css",
                _ => "application/octet-stream",
            };
            let (status, body) = match std::fs::read(&file) {
                Ok(b) if !path.contains("..") => ("200 OK", b),
                _ => ("404 Not Found", b"not found".to_vec()),
            };
            let _ = write!(
                s,
                "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = s.write_all(&body);
        }
    });
    format!("http://{addr}")
}

/// The static export's search page answers from its prebuilt index in the browser: words,
/// the start of a word, a filter, and a query that is markup shows as text.
#[tokio::test(flavor = "multi_thread")]
async fn the_static_export_searches_in_the_browser() {
    let Some((driver, chromium)) = browser_binaries() else { return };
    let site = Site::start();
    let out = site.dir.path().join("exported");
    let done = harness::byline(site.dir.path())
        .args(["export", "static", "exported", "--data", "site", "--base-url", "https://x.example"])
        .output()
        .unwrap();
    assert!(done.status.success(), "{}", String::from_utf8_lossy(&done.stderr));
    let host = static_host(out);
    let b = Browser::start(&driver, &chromium).await;

    b.goto(&format!("{host}/search/?q=glaciers+kyrgyzstan")).await;
    b.wait_for(15, "results", |s| s.contains("1 result") && s.contains("<mark>")).await;
    let page = b.source().await;
    assert!(page.contains("/articles/central-asia-glaciers/"), "{page}");
    assert!(page.contains("Glaciers Are Paying Out"), "{page}");
    assert!(page.contains("<mark>glaciers</mark>") || page.contains("<mark>Glaciers</mark>"));

    // The start of a word finds it; a filter narrows; the form keeps the query.
    b.goto(&format!("{host}/search/?q=glacie&regions=kyrgyzstan")).await;
    b.wait_for(15, "a prefix search", |s| s.contains("/articles/central-asia-glaciers/")).await;
    let value = b.web.find(thirtyfour::By::Css("#search-page-q")).await.unwrap();
    assert_eq!(value.value().await.unwrap().as_deref(), Some("glacie"));
    b.goto(&format!("{host}/search/?q=glaciers&regions=armenia")).await;
    b.wait_for(15, "no results", |s| s.contains("0 results")).await;

    // Markup in the query is text, never a tag.
    b.goto(&format!("{host}/search/?q=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E")).await;
    b.wait_for(15, "an answer", |s| s.contains("results") || s.contains("Type a word")).await;
    let page = b.source().await;
    assert!(!page.contains("<img src=\"x\""), "{page}");
}
