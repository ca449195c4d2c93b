//! Whatever a reader types (any Unicode, stray quotes, operators alone, very long text),
//! parsing and searching answer without an error.

use byline_core::{ArticleInput, ArticleStatus};
use byline_search::{MAX_QUERY_CHARS, SearchIndex, SearchRequest, Sort, parse};
use proptest::prelude::*;

fn index_with_a_few_articles() -> (SearchIndex, tempfile::TempDir, byline_store::testing::TestDb) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let db = byline_store::testing::sqlite().await;
        for (i, title) in
            ["Gas and grids", "Łódź after the mills", "Ünïcödé “quotes”"].iter().enumerate()
        {
            let a = ArticleInput {
                title: (*title).into(),
                body: format!("Body {i} about \"quoted\" words and (brackets) and AND OR NOT."),
                status: ArticleStatus::Published,
                published_at: Some(
                    chrono::DateTime::from_timestamp(1_700_000_000 + i as i64, 0).unwrap(),
                ),
                authors: vec!["Anna".into()],
                ..Default::default()
            };
            db.store.save_article(&a.validate().unwrap(), None).await.unwrap();
        }
        let dir = tempfile::tempdir().unwrap();
        let (index, _) = SearchIndex::open(dir.path(), "en").unwrap();
        index.rebuild(&db.store, |_, _| {}).await.unwrap();
        (index, dir, db)
    })
}

#[test]
fn operators_quotes_and_long_text_never_fail() {
    let (index, _dir, _db) = index_with_a_few_articles();
    for q in [
        "\"",
        "\"\"\"",
        "AND",
        "-",
        "+",
        "( )",
        "*",
        "title:",
        "\"gas",
        "gas\"",
        "~^!",
        "",
        " ",
        "\u{0}",
        "🦀",
        "a".repeat(10_000).as_str(),
    ] {
        let r = index.search(&SearchRequest { q: q.into(), ..Default::default() }).unwrap();
        assert!(r.query.chars().count() <= MAX_QUERY_CHARS, "{q:?}");
    }
    let r = index.search(&SearchRequest { q: "\"gas and".into(), ..Default::default() }).unwrap();
    assert_eq!(r.total, 1, "an unpaired quote is ignored: {r:#?}");
    let long = format!("gas {}", "x".repeat(500));
    let r = index.search(&SearchRequest { q: long, ..Default::default() }).unwrap();
    assert!(r.cut);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn parsing_any_text_is_bounded(q in any::<String>()) {
        let p = parse(&q);
        prop_assert!(p.text.chars().count() <= MAX_QUERY_CHARS);
        prop_assert!(p.words.len() + p.phrases.len() <= byline_search::MAX_PARTS);
    }
}

#[test]
fn searching_any_text_never_fails() {
    let (index, _dir, _db) = index_with_a_few_articles();
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(300));
    let text = prop_oneof![any::<String>(), "[\"a-zA-Z0-9 ()+\\-:~*^!ÄÖÜłŁ“”«»]{0,60}",];
    runner
        .run(&(text, any::<bool>(), 0usize..200), |(q, by_date, page)| {
            let sort = if by_date { Sort::Date } else { Sort::Relevance };
            let req = SearchRequest { q, sort, page, year: Some(2023), ..Default::default() };
            index.search(&req).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let req = SearchRequest { year: None, ..req };
            index.search(&req).map_err(|e| TestCaseError::fail(e.to_string()))?;
            Ok(())
        })
        .unwrap();
}
