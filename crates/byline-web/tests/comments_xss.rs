//! The reliability suite's XSS corpus (`byline/tests/xss/corpus.rs`, over 800 payloads)
//! through comment bodies, members' names and guests' names, on both databases: the article
//! page, its later comment pages, the desk and the moderation queue carry no element, event
//! handler or script URL that any payload tried to bring in. The same comments in chromium,
//! with a hook that records any execution: `byline/tests/browser_comment_xss.rs`.

mod common;

#[path = "../../byline/tests/xss/comments.rs"]
mod comments;
#[path = "../../byline/tests/xss/corpus.rs"]
#[allow(dead_code)]
mod corpus;

use byline_core::staff::Role;
use byline_store::testing::databases;
use common::client::{Client, signed_in};
use common::members::site;
use common::{Page, add_articles, get};

const TALK: &str =
    "---\ntitle: Talk of the town\ndate: 2026-11-26T10:00:00Z\n---\nSay something.\n";

/// Every way a payload could run, found in `scope` of `page`: a named element, an event
/// handler attribute, a URL attribute with a script scheme, or `srcdoc`.
fn dangers(page: &Page, scope: &str) -> Vec<String> {
    let html = page.html();
    let sel = scraper::Selector::parse(&format!("{scope} *")).unwrap();
    let mut out = Vec::new();
    for e in html.select(&sel) {
        let v = e.value();
        if matches!(
            v.name(),
            "script"
                | "iframe"
                | "object"
                | "embed"
                | "svg"
                | "math"
                | "style"
                | "img"
                | "video"
                | "audio"
                | "source"
                | "input"
                | "select"
                | "textarea"
                | "details"
                | "body"
                | "base"
                | "meta"
                | "link"
                | "frame"
                | "frameset"
                | "marquee"
                | "form"
        ) {
            out.push(format!("<{}>", v.name()));
        }
        for (k, val) in v.attrs() {
            let k = k.to_ascii_lowercase();
            let t: String = val.chars().filter(|c| !c.is_whitespace() && !c.is_control()).collect();
            let t = t.to_ascii_lowercase();
            if k.starts_with("on") || k == "srcdoc" || k == "style" {
                out.push(format!("<{} {k}>", v.name()));
            }
            let url = matches!(k.as_str(), "href" | "src" | "action" | "formaction" | "xlink:href");
            if url && ["javascript:", "vbscript:", "data:"].iter().any(|s| t.starts_with(s)) {
                out.push(format!("<{} {k}={val}>", v.name()));
            }
        }
    }
    out
}

#[tokio::test]
async fn no_payload_of_the_corpus_survives_in_comments_or_names() {
    let c = corpus::corpus();
    for db in databases().await {
        let (app, state, _) = site(&db).await;
        add_articles(&db, &[("articles/talk.md", TALK)]).await;
        let article = state.store.published_article("talk").await.unwrap().id;
        let seeded = comments::seed(&state.store, article, &c).await;

        let total = seeded.comments;
        let first = get(&app, "/articles/talk/").await;
        assert_eq!(first.texts("#comments-title"), [format!("{total} comments")]);
        let mut pages = vec![first];
        for p in 2..=total.div_ceil(100) {
            pages.push(get(&app, &format!("/articles/talk/comments/oldest/{p}/")).await);
        }
        let mut shown_names = Vec::new();
        for (i, page) in pages.iter().enumerate() {
            assert_eq!(page.status, 200);
            let found = dangers(page, ".comments");
            assert!(found.is_empty(), "{:?}: page {}: {found:?}", db.backend(), i + 1);
            shown_names.extend(page.texts(".comment-author"));
        }
        // Every name shows as the text it was.
        for name in &seeded.names {
            assert!(shown_names.contains(name), "{name:?} not shown as text");
        }

        let (mut editor, _) = signed_in(&app, &state.store, "Eda Editor", Role::Editor).await;
        let queue = editor.get("/admin/comments?status=approved").await;
        assert_eq!(queue.status, 200);
        assert!(!queue.texts(".comment-list .comment-body").is_empty());
        for scope in [".comment-list .comment-body", ".comment-list .comment-who"] {
            let found = dangers(&queue, scope);
            assert!(found.is_empty(), "the moderation queue's {scope}: {found:?}");
        }
        let desk = Client::new(&app).get("/articles/talk/comments/desk/?reply_to=1").await;
        assert_eq!(desk.status, 200);
        assert!(!desk.texts(".comment-replying .comment-body").is_empty());
        assert!(dangers(&desk, ".comment-replying").is_empty());
    }
}
