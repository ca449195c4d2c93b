//! Imports of more posts than one batch holds (the importers save posts a few hundred to a
//! transaction), on SQLite and PostgreSQL: a record the store refuses in the middle of a
//! batch is reported with its line and reason while every post around it is saved with its
//! old addresses, and importing the same file again changes nothing.

use byline_import::ghost;
use byline_import::wordpress::{Quiet, WordPressOptions, import_wordpress};
use byline_store::testing::databases;
use byline_store::{ArticleFilter, Destination, Store};

/// More than two batches.
const POSTS: usize = 600;
/// The record the store refuses: a page whose slug is a taxonomy's address.
const BAD: usize = 377;

/// A WXR of `POSTS` items: posts, but a page with the slug `categories` at `BAD`. Returns
/// the file and the line of that page's `<item>`.
fn wxr() -> (String, usize) {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n\
         <rss version=\"2.0\" xmlns:excerpt=\"http://wordpress.org/export/1.2/excerpt/\" \
         xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" \
         xmlns:dc=\"http://purl.org/dc/elements/1.1/\" \
         xmlns:wp=\"http://wordpress.org/export/1.2/\">\n<channel>\n\
         <title>Batches</title>\n<wp:wxr_version>1.2</wp:wxr_version>\n\
         <wp:base_site_url>http://old.example</wp:base_site_url>\n\
         <wp:base_blog_url>http://old.example</wp:base_blog_url>\n\
         <wp:author><wp:author_id>1</wp:author_id><wp:author_login>ann</wp:author_login>\
         <wp:author_email>ann@old.example</wp:author_email>\
         <wp:author_display_name>Ann Lee</wp:author_display_name></wp:author>\n\
         <wp:category><wp:term_id>1</wp:term_id><wp:category_nicename>news</wp:category_nicename>\
         <wp:category_parent></wp:category_parent><wp:cat_name>News</wp:cat_name></wp:category>\n",
    );
    let mut bad_line = 0;
    for i in 0..POSTS {
        let (kind, slug) = if i == BAD {
            bad_line = out.lines().count() + 1;
            ("page", "categories".to_owned())
        } else {
            ("post", format!("post-{i}"))
        };
        out.push_str(&format!(
            "<item>\n<title>Post {i}</title>\n<link>http://old.example/{slug}/</link>\n\
             <dc:creator>ann</dc:creator>\n<guid isPermaLink=\"false\">http://old.example/?p={id}</guid>\n\
             <content:encoded><![CDATA[<p>Body of post {i}.</p>]]></content:encoded>\n\
             <wp:post_id>{id}</wp:post_id>\n<wp:post_date_gmt>2024-01-02 03:04:05</wp:post_date_gmt>\n\
             <wp:post_name>{slug}</wp:post_name>\n<wp:status>publish</wp:status>\n\
             <wp:post_type>{kind}</wp:post_type>\n\
             <category domain=\"category\" nicename=\"news\"><![CDATA[News]]></category>\n</item>\n",
            id = i + 1
        ));
    }
    out.push_str("</channel>\n</rss>\n");
    (out, bad_line)
}

async fn articles(store: &Store) -> u64 {
    store.published_articles(&ArticleFilter::All, 1, 1).await.unwrap().total
}

#[tokio::test]
async fn a_refused_wordpress_item_leaves_the_posts_around_it_saved() {
    let dir = tempfile::tempdir().unwrap();
    let (text, bad_line) = wxr();
    let file = dir.path().join("many.xml");
    std::fs::write(&file, text).unwrap();
    for db in databases().await {
        let s = &db.store;
        let r = import_wordpress(s, &file, &WordPressOptions::default(), &Quiet).await;
        assert_eq!((r.articles.created, r.pages.failed), (POSTS - 1, 1), "{r}");
        assert_eq!(r.errors.len(), 1, "{r}");
        let shown = r.errors[0].to_string();
        assert!(shown.contains(&format!("many.xml:{bad_line}: page {}", BAD + 1)), "{shown}");
        assert!(shown.contains("categories"), "{shown}");
        assert_eq!(articles(s).await, (POSTS - 1) as u64);
        // The posts on either side of it, and the last, with their old addresses.
        for i in [BAD - 1, BAD + 1, POSTS - 1] {
            let slug = format!("post-{i}");
            let to = s.old_address_destination(&format!("/{slug}/"), None).await.unwrap();
            assert_eq!(to, Destination::Article(slug.clone()));
            let q = format!("p={}", i + 1);
            assert_eq!(s.old_address_destination("/", Some(&q)).await.unwrap(), to);
            let a = s.published_article(&slug).await.unwrap();
            assert_eq!(a.authors[0].slug, "ann-lee");
            assert_eq!(a.terms[0].slug, "news");
        }
        let again = import_wordpress(s, &file, &WordPressOptions::default(), &Quiet).await;
        assert_eq!((again.articles.created, again.articles.unchanged), (0, POSTS - 1), "{again}");
        assert_eq!((again.redirects.created, again.redirects.updated), (0, 0), "{again}");
        assert_eq!(again.redirects.unchanged, r.redirects.created, "{again}");
        assert_eq!(again.errors.len(), 1, "{again}");
        assert_eq!(articles(s).await, (POSTS - 1) as u64);
    }
}

/// A Ghost export of `POSTS` posts tagged `news`, with a page whose slug is `tags` at `BAD`.
fn ghost_export() -> String {
    let posts: Vec<serde_json::Value> = (0..POSTS)
        .map(|i| {
            let (kind, slug) =
                if i == BAD { ("page", "tags".to_owned()) } else { ("post", format!("post-{i}")) };
            serde_json::json!({
                "id": format!("p{i}"), "title": format!("Post {i}"), "slug": slug,
                "type": kind, "status": "published", "html": format!("<p>Body of post {i}.</p>"),
                "published_at": "2024-01-02T03:04:05.000Z", "updated_at": "2024-01-02T03:04:05.000Z",
            })
        })
        .collect();
    let posts_tags: Vec<serde_json::Value> = (0..POSTS)
        .map(|i| serde_json::json!({"post_id": format!("p{i}"), "tag_id": "t1", "sort_order": 0}))
        .collect();
    serde_json::json!({"db": [{"meta": {"version": "5.130.6"}, "data": {
        "posts": posts,
        "tags": [{"id": "t1", "name": "News", "slug": "news"}],
        "posts_tags": posts_tags,
    }}]})
    .to_string()
}

#[tokio::test]
async fn a_refused_ghost_page_leaves_the_posts_around_it_saved() {
    let text = ghost_export();
    let options = ghost::Options::default();
    for db in databases().await {
        let s = &db.store;
        let now = chrono::Utc::now();
        let r = ghost::import(s, "many.json", &text, &options, now, &|_, _, _| {}).await;
        assert_eq!(r.kind("articles").created, POSTS - 1, "{r}");
        assert_eq!(r.kind("pages").failed, 1, "{r}");
        assert_eq!(r.errors.len(), 1, "{r}");
        assert!(r.errors[0].to_string().contains("\"tags\""), "{r}");
        assert_eq!(articles(s).await, (POSTS - 1) as u64);
        for i in [BAD - 1, BAD + 1, POSTS - 1] {
            let slug = format!("post-{i}");
            let to = s.old_address_destination(&format!("/{slug}/amp/"), None).await.unwrap();
            assert_eq!(to, Destination::Article(slug.clone()));
            assert_eq!(s.published_article(&slug).await.unwrap().terms[0].slug, "news");
        }
        let again = ghost::import(s, "many.json", &text, &options, now, &|_, _, _| {}).await;
        let (a, redirects) = (again.kind("articles"), again.kind("redirects"));
        assert_eq!((a.created, a.updated, a.unchanged), (0, 0, POSTS - 1), "{again}");
        assert_eq!((redirects.created, redirects.updated), (0, 0), "{again}");
        assert_eq!(redirects.unchanged, r.kind("redirects").created, "{again}");
        assert_eq!(articles(s).await, (POSTS - 1) as u64);
    }
}
