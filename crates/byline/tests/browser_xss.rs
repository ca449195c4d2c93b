//! The XSS corpus in a real browser: every payload of `xss/corpus.rs` (over 800, generated
//! from the OWASP filter-evasion families, mutation XSS, SVG/MathML, URL schemes and
//! encoding tricks, each in the contexts it can land in) is written through every
//! user-controlled field (article, author, term, page and publication fields by the Admin
//! API; front matter by `byline import markdown`; member names by the join form) into a real
//! `byline serve` on SQLite and PostgreSQL, and every public surface is loaded in Debian's
//! chromium: articles, lists, author, term and page archives, search, the republish kit's
//! HTML, the feeds' HTML (RSS, Atom, JSON Feed) written into a page, JSON-LD parsed with the
//! browser's JSON.parse, and the member emails with the account page.
//!
//! The site's Content-Security-Policy is switched off in the browser (DevTools'
//! `Page.setBypassCSP`), so the only thing between a payload and an execution is Byline's
//! escaping and sanitising. A hook installed before any page script (`__xss`, and `alert`,
//! `confirm`, `prompt`) records each call; the test asserts it recorded none, after a control
//! shows the hook does record one. Links and frames whose target would run script when
//! followed (`javascript:`, `vbscript:`, `data:text/html`, `srcdoc`) count too.

#[path = "xss/corpus.rs"]
mod corpus;
#[path = "browser/harness.rs"]
#[allow(dead_code)]
mod harness;
mod proc;
#[path = "xss/scan.rs"]
mod scan;
#[path = "../../byline-web/tests/common/smtp.rs"]
#[allow(dead_code)]
mod smtp;

use corpus::{Payload, corpus, packed};
use harness::{Browser, browser_binaries};
use proc::{Db, Publication, Server, request, wait_healthy};
use serde_json::{Value, json};
use std::time::Instant;

/// The HTML a feed gives each item, as a feed reader would render it.
const FEED_HTML: &str = r#"
var text = arguments[0], kind = arguments[1], out = [];
if (kind === 'json') {
  JSON.parse(text).items.forEach(function (i) { if (i.content_html) out.push(i.content_html); });
} else {
  var doc = new DOMParser().parseFromString(text, 'application/xml');
  if (doc.getElementsByTagName('parsererror').length) return ['PARSE ERROR'];
  // What a reader shows as HTML: an RSS item's description and content:encoded, and an Atom
  // entry's content or summary of type html (type text, the default, is shown as text).
  ['item', 'entry'].forEach(function (parent) {
    Array.prototype.forEach.call(doc.getElementsByTagName(parent), function (item) {
      Array.prototype.forEach.call(item.children, function (el) {
        var rss = parent === 'item' && (el.tagName === 'description' || el.tagName === 'content:encoded');
        var atom = parent === 'entry' && (el.tagName === 'content' || el.tagName === 'summary')
          && el.getAttribute('type') === 'html';
        if (rss || atom) out.push(el.textContent);
      });
    });
  });
}
return out;
"#;

/// Writes HTML into the current page, as a mail client or feed reader would show it.
const WRITE: &str = "document.open(); document.write(arguments[0]); document.close();";

/// A browser session that counts what pages run.
struct Run {
    b: Browser,
    base: String,
    failures: Vec<String>,
    pages: usize,
    renders: usize,
    corpus: Vec<Payload>,
}

impl Run {
    async fn scan(&mut self, label: &str) -> Value {
        let (v, failures) = scan::scan(&self.b, &self.corpus, label).await;
        self.failures.extend(failures);
        v
    }

    async fn visit(&mut self, path: &str) {
        self.pages += 1;
        self.b.goto(&format!("{}{path}", self.base)).await;
        self.scan(path).await;
    }

    /// Shows `html` as a document of the site's origin (scripts in it run), in place of
    /// the page the browser is on.
    async fn render(&mut self, label: &str, html: &str) {
        self.renders += 1;
        self.b.web.execute(WRITE, vec![json!(html)]).await.unwrap();
        self.scan(label).await;
    }
}

/// Creates `doc` at `path`. A field the API refuses (422) is named in the output and
/// dropped (a required name or title loses its control characters instead), and the rest is
/// saved. Returns the answer.
fn create(server: &Server, token: &str, method: &str, path: &str, mut doc: Value) -> Value {
    for _ in 0..8 {
        let a = request(&server.addr, method, path, Some(token), Some(&doc)).unwrap();
        match a.status {
            200 | 201 => return a.json(),
            422 => {
                let v = a.json();
                let fields = v["error"]["fields"].as_array().cloned().unwrap_or_default();
                assert!(!fields.is_empty(), "{path}: 422 naming no field: {v}");
                for f in &fields {
                    let name = f["field"].as_str().unwrap_or_default();
                    eprintln!("note: {path}: {name} refused at the edge: {}", f["message"]);
                    let name = name.split(['.', '[']).next().unwrap();
                    let doc = doc.as_object_mut().unwrap();
                    if matches!(name, "title" | "name") {
                        let plain = doc[name].as_str().unwrap().replace(char::is_control, " ");
                        assert_ne!(doc[name], plain, "{path}: {name} refused: {v}");
                        doc.insert(name.into(), json!(plain));
                    } else {
                        let removed = doc.remove(name);
                        assert!(removed.is_some(), "{path}: 422 names {name}, not sent: {v}");
                    }
                }
            }
            s => panic!("{method} {path} answered {s}: {}\nlog: {}", a.body, server.log()),
        }
    }
    panic!("{path}: still refused after dropping fields")
}

/// One value of a packed field, round-robin.
fn pick(values: &[String], k: usize) -> String {
    values[k % values.len()].clone()
}

/// Publishes the corpus through every field; the paths to visit: (article pages, archive
/// and other pages).
fn seed(
    server: &Server,
    publication: &Publication,
    token: &str,
    c: &[Payload],
) -> (Vec<String>, Vec<String>) {
    let line = packed(c, 280, " ");
    let long = packed(c, 2000, "\n\n");
    let urls = corpus::urls(c);
    let count = line.len();
    let mut articles = Vec::new();
    let mut paths = vec!["/".to_owned(), "/xss-topics/".to_owned(), "/search/?q=onerror".into()];

    let tax = create(
        server,
        token,
        "POST",
        "/api/admin/v1/taxonomies",
        json!({
        "name": "XSS topics", "slug": "xss-topics", "description": pick(&long, 1)}),
    );
    let tax = tax["id"].as_i64().unwrap();
    for k in 0..count {
        create(
            server,
            token,
            "POST",
            &format!("/api/admin/v1/taxonomies/{tax}/terms"),
            json!({
            "name": pick(&line, k + 1), "slug": format!("xss-term-{k}"),
            "description": pick(&long, k)}),
        );
        create(
            server,
            token,
            "POST",
            "/api/admin/v1/authors",
            json!({
            "name": pick(&line, k + 2), "slug": format!("xss-author-{k}"),
            "bio": pick(&long, k + 1), "website": pick(&urls, k),
            "links": [{"title": pick(&line, k + 3), "url": pick(&urls, k + 1)}]}),
        );
        let a = create(
            server,
            token,
            "POST",
            "/api/admin/v1/articles",
            json!({
            "slug": format!("xss-{k}"),
            "title": pick(&line, k), "subtitle": pick(&line, k + 4), "excerpt": pick(&line, k + 5),
            "body": format!("{}\n\n{}", pick(&long, k), pick(&long, k + 2)),
            "note": pick(&line, k + 6), "source_name": pick(&line, k + 7),
            "source_url": pick(&urls, k + 2), "copyright_holder": pick(&line, k + 8),
            "seo_title": pick(&line, k + 9), "seo_description": pick(&line, k + 10),
            "canonical_url": pick(&urls, k + 3), "image_alt": pick(&line, k + 11),
            "image_caption": pick(&line, k + 12),
            "authors": [format!("xss-author-{k}")],
            "terms": [{"taxonomy": "xss-topics", "term": format!("xss-term-{k}")},
                      {"taxonomy": "xss-topics", "term": format!("xss-term-{}", k / 20)}],
            // A licence that allows copies: an article from another outlet offers its
            // republish kit only then.
            "republish": true, "license": "cc-by-4.0", "status": "published"}),
        );
        articles.push(format!("/articles/{}/", a["slug"].as_str().unwrap()));
        // Names show in every article's byline and term links; an archive's own page adds
        // its bio or description (long values: fewer) and the name in its head.
        if k < long.len() || k % 3 == 0 {
            paths.push(format!("/authors/xss-author-{k}/"));
            paths.push(format!("/xss-topics/xss-term-{k}/"));
        }
    }
    for k in 0..long.len().div_ceil(4) {
        create(
            server,
            token,
            "POST",
            "/api/admin/v1/pages",
            json!({
            "title": pick(&line, k + 13), "slug": format!("xss-page-{k}"),
            "body": pick(&long, k + 3), "in_nav": k == 0}),
        );
        paths.push(format!("/xss-page-{k}/"));
    }

    // Front matter: the same values through `byline import markdown`, as YAML strings.
    let dir = publication.dir.path().join("fm/articles");
    std::fs::create_dir_all(&dir).unwrap();
    let yaml = |s: String| format!("'{}'", s.replace('\'', "''").replace('\n', " "));
    for k in 0..count.div_ceil(4) {
        let text = format!(
            "---\ntitle: {}\nsubtitle: {}\nsummary: {}\ndate: 2026-03-01T08:00:00Z\n\
             authors: [xss-author-{k}]\nsource_name: {}\nimage_alt: {}\nnote: {}\n\
             copyright: {}\n---\n{}\n",
            yaml(pick(&line, k)),
            yaml(pick(&line, k + 44)),
            yaml(pick(&line, k + 88)),
            yaml(pick(&line, k + 132)),
            yaml(pick(&line, k + 22)),
            yaml(pick(&line, k + 66)),
            yaml(pick(&line, k + 110)),
            pick(&long, k + 4)
        );
        std::fs::write(dir.join(format!("fm-{k}.md")), text).unwrap();
        paths.push(format!("/articles/fm-{k}/"));
    }
    let out = proc::byline(publication.dir.path())
        .args(["import", "markdown", "fm"])
        .args(publication.args())
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "front matter import: {report}");
    (articles, paths)
}

/// Publication settings: a few rounds of values, each with the pages that show them.
fn settings(server: &Server, token: &str, line: &[String], long: &[String], k: usize) {
    create(
        server,
        token,
        "PUT",
        "/api/admin/v1/settings",
        json!({
        "title": pick(line, k), "tagline": pick(line, k + 1), "description": pick(line, k + 2),
        "language": "en", "copyright": pick(line, k + 3), "disclaimer": pick(long, k),
        "republish_policy": pick(long, k + 1), "allow_republishing": true}),
    );
}

/// Seeds the corpus on `db` and loads every `stride`-th page of each kind.
async fn corpus_on(db: &Db, stride: usize, driver: &std::path::Path, chromium: &std::path::Path) {
    let started = Instant::now();
    let c = corpus();
    assert!(c.len() >= 500, "the corpus has {} payloads", c.len());
    let mail = smtp::SmtpServer::start().expect("the XSS suite needs aiosmtpd for member emails");
    let port = mail.port.to_string();
    let publication = Publication::new(db);
    let server = publication.serve(
        &[],
        &[
            ("BYLINE_SMTP_HOST", "127.0.0.1"),
            ("BYLINE_SMTP_PORT", &port),
            ("BYLINE_SMTP_TLS", "none"),
            ("BYLINE_SMTP_FROM", "Desk <desk@example.org>"),
            ("BYLINE_CACHE_MB", "0"),
        ],
    );
    wait_healthy(&server.addr);
    let token = publication.token("administrator");
    let (articles, paths) = seed(&server, &publication, &token, &c);

    let b = Browser::start(driver, chromium).await;
    scan::install(&b).await;
    let mut run = Run {
        b,
        base: format!("http://{}", server.addr),
        failures: vec![],
        pages: 0,
        renders: 0,
        corpus: c.clone(),
    };

    // The control: the hook records a handler that runs, and the scan sees a script link,
    // on a page served with its CSP (which would block both without the bypass).
    run.visit("/").await;
    scan::control(&run.b).await;

    let line = packed(&c, 280, " ");
    let long = packed(&c, 2000, "\n\n");
    for k in 0..3 {
        settings(&server, &token, &line, &long, k * 7);
        for p in ["/", "/articles/xss-0/", "/articles/xss-0/republish/", "/search/?q=onerror"] {
            run.visit(p).await;
        }
    }
    for (i, p) in articles.iter().enumerate().filter(|(i, _)| i % stride == 0) {
        run.visit(p).await;
        let kit_path = format!("{p}republish/");
        run.visit(&kit_path).await;
        let kit = run.b.web.execute(
            "var t = document.querySelector('#republish-html'); \
             return t ? (t.value !== undefined ? t.value : t.textContent) : null;",
            vec![],
        );
        let kit = kit.await.unwrap().json().as_str().map(str::to_owned);
        let kit = kit.unwrap_or_else(|| panic!("{kit_path} has no republish HTML"));
        run.render(&format!("{kit_path} (the kit's HTML, article {i})"), &kit).await;
    }
    for p in paths.iter().step_by(stride) {
        run.visit(p).await;
    }
    // Lists, page by page.
    for list in ["/", "/authors/xss-author-0/", "/search/?q=onerror", "/search/?q=script"] {
        let mut next = Some(list.to_owned());
        for _ in 0..40 {
            let Some(p) = next.take() else { break };
            run.visit(&p).await;
            let href = run.b.web.execute(
                "var a = document.querySelector('a[rel=next]'); return a ? a.getAttribute('href') : null;",
                vec![],
            );
            next = href.await.unwrap().json().as_str().map(str::to_owned);
        }
    }
    // Feeds, as a feed reader shows their HTML.
    // Term k/20 holds articles 20k..20k+19: its feeds carry every article between them.
    let mut feeds = vec![("/feed.xml".to_owned(), "xml"), ("/atom.xml".into(), "xml")];
    for k in (0..line.len().div_ceil(20)).step_by(stride) {
        for (file, kind) in [("feed.xml", "xml"), ("atom.xml", "xml"), ("feed.json", "json")] {
            feeds.push((format!("/xss-topics/xss-term-{k}/{file}"), kind));
        }
    }
    for (path, kind) in &feeds {
        let text = request(&server.addr, "GET", path, None, None).unwrap();
        assert_eq!(text.status, 200, "{path}");
        run.b.goto(&format!("{}/healthz", run.base)).await;
        let items =
            run.b.web.execute(FEED_HTML, vec![json!(text.body), json!(kind)]).await.unwrap();
        let items: Vec<String> = serde_json::from_value(items.json().clone()).unwrap();
        assert!(!items.contains(&"PARSE ERROR".to_owned()), "{path} is not XML");
        run.render(&format!("{path} (items' HTML)"), &items.join("\n<hr>\n")).await;
    }
    // Members: names through the join form, emails carrying the publication's name.
    for j in 0..4 {
        settings(&server, &token, &line, &long, 3 + j * 11);
        run.b.web.delete_all_cookies().await.unwrap();
        run.b.goto(&format!("{}/members/join/", run.base)).await;
        // Typed into the form: control characters (a tab moves the focus) become spaces.
        let name: String = line[(j * 17) % line.len()].replace(char::is_control, " ");
        let name: String = name.chars().take(180).collect();
        run.b.fill("#member-email", &format!("reader{j}@example.org")).await;
        run.b.fill("#member-name", &name).await;
        // Pressed by script: with the CSP off, a payload's styles may lay something over
        // the button, and what is tested here is what the names do, not the layout.
        press(&run, "form[action='/members/join/'] button[type=submit]").await;
        run.scan("/members/join/ (sent)").await;
        let to = format!("reader{j}@example.org");
        let messages = mail.wait_for(j + 1);
        let m = messages.iter().find(|m| m.to.contains(&to)).expect("the join email arrived");
        run.render(&format!("email to {}", m.to), &m.html).await;
        let link = m.text.split_whitespace().find(|w| w.contains("/members/confirm/")).unwrap();
        let link = &link[link.find("/members/confirm/").unwrap()..];
        run.b.goto(&format!("{}{link}", run.base)).await;
        press(&run, "form[action='/members/confirm/'] button[type=submit]").await;
        run.b.wait_for(10, "signed in", |s| s.contains("/members/account/")).await;
        run.visit("/members/account/").await;
        run.visit("/articles/xss-1/").await;
    }
    let failures = std::mem::take(&mut run.failures);
    let (pages, renders) = (run.pages, run.renders);
    run.b.web.clone().quit().await.unwrap();
    assert!(
        failures.is_empty(),
        "{}: {} of the corpus's payloads ran or left script behind:\n{}",
        db.name(),
        failures.len(),
        failures.join("\n")
    );
    eprintln!(
        "{}: {} payloads in {} values per one-line field, {pages} pages and {renders} documents \
         loaded (every {stride}), 0 executions, {:.0} s",
        db.name(),
        c.len(),
        line.len(),
        started.elapsed().as_secs_f64()
    );
}

// Two tests, so that the test binary runs the databases side by side (each with its own
// server and browser): most of the time is spent waiting on the browser and the server.

#[tokio::test(flavor = "multi_thread")]
async fn no_payload_of_the_corpus_runs_on_any_surface_on_sqlite() {
    let Some((driver, chromium)) = browser_binaries() else { return };
    // Every page.
    corpus_on(&Db::Sqlite, 1, &driver, &chromium).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn no_payload_of_the_corpus_runs_on_any_surface_on_postgresql() {
    let Some((driver, chromium)) = browser_binaries() else { return };
    // Every third page: the same values are stored and read back, and the rendering is the
    // same code as on SQLite.
    for db in Db::all().into_iter().filter(|d| matches!(d, Db::Postgres(_))) {
        corpus_on(&db, 3, &driver, &chromium).await;
    }
}

/// Presses a button by script, wherever it is on the page.
async fn press(run: &Run, css: &str) {
    let found = run
        .b
        .web
        .execute(
            "var b = document.querySelector(arguments[0]); if (b) { b.click(); } return !!b;",
            vec![json!(css)],
        )
        .await
        .unwrap();
    assert_eq!(found.json(), &json!(true), "no {css}");
}
