//! Every feed format, fed a corpus of script payloads through the fields a writer controls
//! (title, excerpt, a body that shows the payload as inline code, author name, term name), is
//! parsed as its format and checked: wherever the format expects HTML, no payload is markup.
//! On SQLite and (when configured) PostgreSQL.

mod common;

use axum::http::StatusCode;
use byline_store::testing::databases;
use common::{add_articles, get, site};
use scraper::{Html, Selector};

/// Payloads from the families attackers use: tags, handlers, URL schemes, SVG/MathML,
/// comments and CDATA ends, entity tricks, broken markup that mutates when parsed.
const PAYLOADS: &[&str] = &[
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<img src=\"x\" onerror=\"alert(1)\">",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<iframe src=javascript:alert(1)>",
    "<a href=\"javascript:alert(1)\">x</a>",
    "<a href=\"jAvAsCrIpT:alert(1)\">x</a>",
    "<a href=\"&#106;avascript:alert(1)\">x</a>",
    "<body onload=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    "<object data=\"data:text/html,<script>alert(1)</script>\">",
    "<embed src=\"javascript:alert(1)\">",
    "<style>@import 'http://evil.example/x.css';</style>",
    "<link rel=stylesheet href=http://evil.example/x.css>",
    "<meta http-equiv=refresh content=\"0;url=javascript:alert(1)\">",
    "<base href=\"http://evil.example/\">",
    "<form action=javascript:alert(1)><button>x</button></form>",
    "]]><script>alert(1)</script>",
    "]]><img src=x onerror=alert(1)><![CDATA[",
    "<![CDATA[<script>alert(1)</script>]]>",
    "<!--<img src=x onerror=alert(1)>-->",
    "--><script>alert(1)</script>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;img src=x onerror=alert(1)&#62;",
    "<scr<script>ipt>alert(1)</script>",
    "<img/src=x/onerror=alert(1)>",
    "<img src=x onerror=alert`1`>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
    "<textarea></textarea><img src=x onerror=alert(1)>",
    "<title></title><img src=x onerror=alert(1)>",
    "\"><img src=x onerror=alert(1)>",
    "'><svg/onload=alert(1)>",
    "<marquee onstart=alert(1)>",
    "<isindex type=image src=1 onerror=alert(1)>",
];

/// Single-quoted YAML.
fn yaml(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// The files that put payload `i` into every writer-controlled field.
fn files(i: usize, p: &str) -> Vec<(String, String)> {
    let author =
        format!("---\nname: {}\nbio: {}\n---\nBio.\n", yaml(&format!("Author {i} {p}")), yaml(p));
    // Every second article has no excerpt, so it is made from the body's text.
    let excerpt = if i.is_multiple_of(2) {
        format!("excerpt: {}\n", yaml(&format!("Ex {p}")))
    } else {
        String::new()
    };
    let article = format!(
        "---\ntitle: {}\ndate: 2026-11-2{}T08:00:00Z\nauthors: [evil-{i}]\ntags: [{}]\n{excerpt}---\nShown as code: `` {p} `` and no more.\n",
        yaml(&format!("P{i} {p}")),
        i % 5,
        yaml(&format!("t{i} {}", p.replace('/', "|"))), // `/` nests terms
    );
    vec![(format!("authors/evil-{i}.md"), author), (format!("articles/evil-{i}.md"), article)]
}

/// What a feed reader that renders `html` as HTML would find: any element or attribute that
/// could run script or load something, or any of the payload's markup at all when the field
/// is text the publication wrote as text (`plain`).
fn markup_in(html: &str, plain: bool, what: &str) {
    let doc = Html::parse_fragment(html);
    let all = Selector::parse("*").unwrap();
    for el in doc.select(&all) {
        let name = el.value().name();
        if plain {
            assert!(name == "html", "{what}: text became a <{name}> element: {html}");
            continue;
        }
        for bad in [
            "script", "iframe", "object", "embed", "svg", "math", "style", "link", "meta", "base",
            "form", "input",
        ] {
            assert_ne!(name, bad, "{what}: <{bad}> in HTML: {html}");
        }
        for (attr, value) in el.value().attrs() {
            assert!(!attr.starts_with("on"), "{what}: handler {attr} in HTML: {html}");
            let v = value.trim().to_ascii_lowercase();
            assert!(
                !v.starts_with("javascript:") && !v.starts_with("data:"),
                "{what}: {attr}={value}"
            );
        }
    }
}

#[tokio::test]
async fn no_payload_is_markup_in_any_feed_format() {
    let mut all = Vec::new();
    for (i, p) in PAYLOADS.iter().enumerate() {
        all.extend(files(i, p));
    }
    let all: Vec<(&str, &str)> = all.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    for db in databases().await {
        let app = site(&db).await;
        add_articles(&db, &all).await;
        let page = get(&app, "/feed.xml").await;
        assert_eq!(page.status, StatusCode::OK);
        let channel = rss::Channel::read_from(page.body.as_bytes()).expect("RSS parses");
        assert!(channel.items().iter().any(|i| i.title().unwrap_or_default().contains("onerror")));
        for item in channel.items() {
            let what = format!("rss {:?}", item.title());
            // RSS readers render `description` as HTML: the excerpt is text, so no markup.
            markup_in(item.description().unwrap_or_default(), true, &what);
            markup_in(item.content().unwrap_or_default(), false, &what);
        }
        let atom = get(&app, "/atom.xml").await;
        let feed = atom_syndication::Feed::read_from(atom.body.as_bytes()).expect("Atom parses");
        let mut seen = 0;
        for e in feed.entries() {
            let what = format!("atom {}", e.title().value);
            for text in [Some(e.title()), e.summary()].into_iter().flatten() {
                // A `text` construct is read as text; an `html` one must hold no markup.
                if text.r#type == atom_syndication::TextType::Html {
                    markup_in(&text.value, true, &what);
                }
                assert_ne!(text.r#type, atom_syndication::TextType::Xhtml, "{what}");
            }
            if let Some(c) = e.content().and_then(|c| c.value()) {
                markup_in(c, false, &what);
            }
            seen += e.title().value.contains("onerror") as usize;
        }
        assert!(seen > 0, "the corpus reached the Atom feed");
        let json = get(&app, "/feed.json").await;
        let v: serde_json::Value = serde_json::from_str(&json.body).expect("JSON Feed parses");
        for item in v["items"].as_array().unwrap() {
            let what = format!("json {}", item["title"]);
            markup_in(item["content_html"].as_str().unwrap_or_default(), false, &what);
            assert!(item.get("summary").is_none_or(|s| s.is_string()), "{what}");
        }
    }
}
