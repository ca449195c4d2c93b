//! Property tests over the Markdown pipeline: any text up to a few KiB, including the
//! syntax that trips parsers (nested emphasis, links, raw HTML, tables, footnotes), turns
//! into HTML and excerpts without a panic, and the output keeps its promises.

use byline_core::markdown::{clean_html, excerpt, to_html, truncate_words};
use proptest::prelude::*;

/// Markdown-ish text: runs of syntax characters, words, HTML fragments and newlines.
fn markdownish() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        "[a-zA-Zé ]{0,12}",
        Just("\n".to_owned()),
        Just("\n\n".to_owned()),
        "[*_`#>\\[\\]()!|~:-]{1,6}",
        Just("<script>alert(1)</script>".to_owned()),
        Just("<img src=x onerror=alert(1)>".to_owned()),
        Just("[x](javascript:alert(1))".to_owned()),
        Just("| a | b |\n|---|---|\n| 1 | 2 |".to_owned()),
        Just("[^1]\n\n[^1]: note".to_owned()),
        Just("```\ncode\n".to_owned()),
        ".{0,8}",
    ];
    proptest::collection::vec(piece, 0..200).prop_map(|v| v.concat())
}

/// The tags in `html` (text is escaped, so every `<` opens one), lower-cased.
fn tags(html: &str) -> Vec<String> {
    html.split('<')
        .skip(1)
        .map(|rest| format!("<{}", rest.split('>').next().unwrap_or("")).to_ascii_lowercase())
        .collect()
}

/// Whether a tag has an `on…=` attribute (outside quoted values).
fn has_handler(tag: &str) -> bool {
    let mut quoted = None;
    let b = tag.as_bytes();
    for i in 0..b.len() {
        match (quoted, b[i]) {
            (Some(q), c) if c == q => quoted = None,
            (Some(_), _) => {}
            (None, c @ (b'"' | b'\'')) => quoted = Some(c),
            (None, c) if c.is_ascii_whitespace() && tag[i + 1..].starts_with("on") => {
                let name: String =
                    tag[i + 1..].chars().take_while(|c| c.is_ascii_alphabetic()).collect();
                if tag[i + 1 + name.len()..].trim_start().starts_with('=') {
                    return true;
                }
            }
            _ => {}
        }
    }
    false
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn markdown_never_panics_and_never_lets_script_through(md in markdownish()) {
        let html = to_html(&md);
        for tag in tags(&html) {
            prop_assert!(!tag.starts_with("<script"), "{tag} in {html}");
            prop_assert!(!has_handler(&tag), "an event handler: {tag} in {html}");
            prop_assert!(!tag.contains("javascript:"), "{tag} in {html}");
        }
        prop_assert!(tags(&clean_html(&html)).iter().all(|t| !t.starts_with("<script")));
    }

    #[test]
    fn excerpts_stay_within_their_length(md in markdownish(), max in 1usize..400) {
        let e = excerpt(&md, max);
        // An ellipsis may be added after the cut.
        prop_assert!(e.chars().count() <= max + 1, "{} > {max}: {e:?}", e.chars().count());
        let t = truncate_words(&md, max);
        prop_assert!(t.chars().count() <= max + 1, "{} > {max}: {t:?}", t.chars().count());
    }
}
