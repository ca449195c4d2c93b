//! `access:` and `tiers:` in an article's front matter, on SQLite and (when configured)
//! PostgreSQL: who may read it is stored, a second import changes nothing, and a bad word or
//! an unknown tier is reported with its file and line while the other files import.

use byline_core::members::Access;
use byline_import::{SourceFile, import};
use byline_store::testing::databases;
use chrono::Utc;

fn file(path: &str, text: &str) -> SourceFile {
    SourceFile { path: path.into(), text: Ok(text.into()) }
}

fn files(members_access: &str) -> Vec<SourceFile> {
    vec![
        file(
            "posts/for-members.md",
            &format!(
                "---\ntitle: For Members\ndate: 2026-01-02\naccess: {members_access}\n---\nFree.\n\n<!--members-only-->\n\nMembers only.\n"
            ),
        ),
        file(
            "posts/for-a-tier.md",
            "---\ntitle: For a Tier\ndate: 2026-01-03\naccess: tiers\ntiers: [paid]\n---\nBody.\n",
        ),
        file(
            "posts/unknown-tier.md",
            "---\ntitle: Unknown Tier\ndate: 2026-01-04\ntiers: [paid, gold]\n---\nBody.\n",
        ),
        file(
            "posts/bad-word.md",
            "---\ntitle: Bad Word\naccess: vip\ndate: 2026-01-05\n---\nBody.\n",
        ),
    ]
}

#[tokio::test]
async fn access_and_tiers_import_and_bad_ones_are_named_by_line() {
    for db in databases().await {
        let s = &db.store;
        let first = import(s, &files("members"), Utc::now()).await;
        assert_eq!(first.articles.created, 2, "{first}");
        assert_eq!(first.errors.len(), 2, "{first}");
        let err = |name: &str| {
            first
                .errors
                .iter()
                .find(|e| e.path.ends_with(name))
                .unwrap_or_else(|| panic!("{first}"))
        };
        let unknown = err("unknown-tier.md");
        assert_eq!(unknown.line, Some(4), "{first}");
        assert!(unknown.message.contains("gold") && !unknown.message.contains("paid,"), "{first}");
        let bad = err("bad-word.md");
        assert_eq!(bad.line, Some(3), "{first}");
        assert!(bad.message.contains("access") && bad.message.contains("vip"), "{first}");
        assert!(s.published_article("unknown-tier").await.unwrap_err().is_not_found());

        let members = s.published_article("for-members").await.unwrap();
        assert_eq!(members.access, Access::Members);
        assert!(members.preview_html.contains("Free.") && !members.preview_html.contains("only"));
        assert!(members.body_html.contains("Members only."));
        assert!(!members.excerpt.contains("Members only"), "{}", members.excerpt);
        let tier = s.published_article("for-a-tier").await.unwrap();
        assert_eq!(tier.access, Access::Tiers(vec!["paid".into()]));

        let again = import(s, &files("members"), Utc::now()).await;
        assert_eq!((again.articles.unchanged, again.articles.updated), (2, 0), "{again}");
        // Made public by a later import.
        let public = import(s, &files("public"), Utc::now()).await;
        assert_eq!(public.articles.updated, 1, "{public}");
        assert_eq!(s.published_article("for-members").await.unwrap().access, Access::Public);
    }
}
