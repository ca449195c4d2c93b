//! The static export has no readers to tell apart: a gated article is exported as its
//! preview and a call to join, exactly as the server shows it to an anonymous reader, and its
//! gated text is in no exported file (pages, lists, feeds, sitemaps). Both databases.

use axum::body::Body;
use axum::http::Request;
use byline_export::{Options, export};
use byline_import::SourceFile;
use byline_render::Theme;
use byline_store::testing::databases;
use http_body_util::BodyExt;
use tower::ServiceExt;

const BASE: &str = "https://static.example";

/// The served page without its comments section: the static export has no comments (nobody
/// could post them), and is otherwise the page the server sends.
fn without_comments(page: &str) -> String {
    let Some(start) = page.find("<section class=\"comments\"") else { return page.to_owned() };
    // From the start of its line.
    let start = page[..start].trim_end_matches(' ').len();
    let end = page[start..].find("\n</section>\n").map_or(page.len(), |e| start + e + 12);
    format!("{}{}", &page[..start], &page[end..])
}
const SECRET: &str = "EXPORT-SECRET-3141";

fn all_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() { all_files(&p, out) } else { out.push(p) }
    }
}

#[tokio::test]
async fn gated_articles_are_exported_as_their_previews_only() {
    for db in databases().await {
        let mut files = byline_import::demo();
        let text = format!(
            "---\ntitle: Export Gated\ndate: 2026-01-02\nauthors: [anna-kowalska]\naccess: paid\n---\nThe free part, EXPORT-FREE.\n\n<!--members-only-->\n\nThe paid part, {SECRET}.\n"
        );
        files.push(SourceFile { path: "articles/export-gated.md".into(), text: Ok(text) });
        let report = byline_import::import(&db.store, &files, chrono::Utc::now()).await;
        assert!(report.errors.is_empty(), "{report}");
        let theme = Theme::load(None).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site");
        let options = Options { base_url: BASE.into(), per_page: 10, threads: 2 };
        export(&db.store, &theme, &options, &out).await.unwrap();

        let mut written = Vec::new();
        all_files(&out, &mut written);
        assert!(written.len() > 50, "the whole site was written");
        for f in &written {
            let bytes = std::fs::read(f).unwrap();
            let text = String::from_utf8_lossy(&bytes);
            assert!(!text.contains(SECRET), "{} carries gated text", f.display());
        }
        // The static search index holds its free part (and nothing gated: checked above),
        // marked gated.
        let doc = written
            .iter()
            .filter(|f| f.to_string_lossy().contains("search/index/docs/"))
            .flat_map(|f| {
                let v: serde_json::Value =
                    serde_json::from_slice(&std::fs::read(f).unwrap()).unwrap();
                v.as_array().unwrap().clone()
            })
            .find(|d| d["u"] == "/articles/export-gated/")
            .expect("the gated article is in the search index");
        assert_eq!(doc["g"], true);
        assert!(doc["x"].as_str().unwrap().contains("EXPORT-FREE"), "{doc}");
        let page = std::fs::read_to_string(out.join("articles/export-gated/index.html")).unwrap();
        assert!(page.contains("EXPORT-FREE") && page.contains("/members/join/"));
        assert!(!out.join("articles/export-gated/republish").exists(), "not offered");

        // The exported page is the anonymous reader's page, byte for byte.
        let mut state = byline_web::AppState::new(db.store.clone(), theme.clone(), BASE);
        state.cache = None;
        let app = byline_web::router(state);
        let res = app
            .oneshot(Request::get("/articles/export-gated/").body(Body::empty()).unwrap())
            .await
            .unwrap();
        let served = res.into_body().collect().await.unwrap().to_bytes();
        assert_eq!(page, without_comments(&String::from_utf8_lossy(&served)));
    }
}
