//! Values written into script, HTML and XML stay what they are: JSON-LD parses as JSON whatever
//! the article says, and a hostile site address cannot add markup to feeds or the republish kit.
//! On SQLite and (when configured) PostgreSQL.

mod common;

use byline_render::Theme;
use byline_store::testing::databases;
use byline_web::{AppState, router};
use common::{add_articles, get, site};
use scraper::{Html, Selector};

const TRICKY: &str = "<!-- x </script><script>alert(1)</script> & \"q\" 'a' -->";

#[tokio::test]
async fn json_ld_is_valid_json_whatever_the_values_hold() {
    for db in databases().await {
        let app = site(&db).await;
        let md = format!(
            "---\ntitle: '{}'\nsubtitle: '<!--'\ndate: 2026-11-01\nsource_name: '</script><!--'\n---\nBody.\n",
            TRICKY.replace('\'', "''")
        );
        add_articles(&db, &[("articles/tricky.md", &md)]).await;
        let page = get(&app, "/articles/tricky/").await;
        let ld = page.raw_text("script[type=\"application/ld+json\"]");
        let ld: serde_json::Value = serde_json::from_str(&ld).expect("JSON-LD parses as JSON");
        assert_eq!(ld["headline"], TRICKY);
        assert_eq!(ld["isBasedOn"]["name"], "</script><!--");
        let script = &page.body[page.body.find("application/ld+json\">").unwrap() + 21..];
        let inside = &script[..script.find("</script>").unwrap()];
        assert!(!inside.contains('<') && !inside.contains('>'), "{inside}");
    }
}

/// Elements in `html` that the writer of `base_url` would have put there.
fn bold_in(html: &str) -> usize {
    Html::parse_fragment(html).select(&Selector::parse("b").unwrap()).count()
}

#[tokio::test]
async fn a_hostile_base_url_is_escaped_in_feeds_and_the_republish_kit() {
    for db in databases().await {
        let _demo = site(&db).await;
        add_articles(&db, &[("articles/linked.md", "---\ntitle: Linked\ndate: 2026-11-26T08:00:00Z\n---\nSee [the other](/articles/full/) and ![own](/media/own.jpg).\n")]).await;
        let hostile = "http://h.example/\"><b>x</b>";
        let theme = Theme::load(None).expect("default theme");
        let app = router(AppState::new(db.store.clone(), theme, hostile));
        let rss = get(&app, "/feed.xml").await;
        let channel = rss::Channel::read_from(rss.body.as_bytes()).expect("RSS parses");
        let linked = channel.items().iter().find(|i| i.title() == Some("Linked")).unwrap();
        let content = linked.content().unwrap();
        assert!(
            content.contains("h.example/&quot;&gt;&lt;b&gt;x&lt;/b&gt;/articles/full/"),
            "{content}"
        );
        assert_eq!(bold_in(content), 0, "{content}");
        let kit = get(&app, "/articles/linked/republish/").await;
        let html = kit.raw_text("#republish-html");
        assert!(html.contains("/r/"), "{html}");
        assert_eq!(bold_in(&html), 0, "{html}");
    }
}
