//! Slugs: the readable, stable part of a URL (`/articles/belarus-energy/`).

/// The longest slug Byline makes, in bytes; longer titles are cut at a word boundary.
pub const MAX_SLUG_LEN: usize = 80;

/// Turns any text into a slug: transliterated to ASCII (`Łukaszenka` → `lukaszenka`,
/// `Ўсход` → `usxod`), lower case, words joined by single hyphens, at most [`MAX_SLUG_LEN`] bytes.
/// Returns an empty string when nothing usable is left (for example for `"!!!"`).
pub fn slugify(text: &str) -> String {
    let ascii = deunicode::deunicode(text);
    let mut slug = String::with_capacity(ascii.len());
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') && c != '\'' {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-');
    if slug.len() <= MAX_SLUG_LEN {
        return slug.to_owned();
    }
    let cut = &slug[..MAX_SLUG_LEN];
    match cut.rfind('-') {
        Some(i) if i > MAX_SLUG_LEN / 2 => cut[..i].to_owned(),
        _ => cut.trim_end_matches('-').to_owned(),
    }
}

/// Is this already a normalised slug (what [`slugify`] would return for it)?
pub fn is_slug(text: &str) -> bool {
    !text.is_empty() && slugify(text) == text
}

/// Makes `base` unique by appending `-2`, `-3`, … until `taken` says the candidate is free.
pub fn unique_slug(base: &str, mut taken: impl FnMut(&str) -> bool) -> String {
    if !taken(base) {
        return base.to_owned();
    }
    (2..)
        .map(|n| format!("{base}-{n}"))
        .find(|candidate| !taken(candidate))
        .expect("an unbounded range always yields a free slug")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_text() {
        assert_eq!(slugify("Hello, World!"), "hello-world");
        assert_eq!(slugify("  Energy -- and   the State "), "energy-and-the-state");
        assert_eq!(slugify("Łukasz Wróbel's notes"), "lukasz-wrobels-notes");
        assert_eq!(slugify("Ўсход"), "uskhod");
        assert_eq!(slugify("!!!"), "");
        assert_eq!(slugify("2026: a year"), "2026-a-year");
    }

    #[test]
    fn cuts_long_titles_at_a_word() {
        let long = "word ".repeat(40);
        let s = slugify(&long);
        assert!(s.len() <= MAX_SLUG_LEN, "{s}");
        assert!(s.ends_with("word"), "{s}");
    }

    #[test]
    fn makes_slugs_unique() {
        let taken = ["a", "a-2"];
        assert_eq!(unique_slug("a", |s| taken.contains(&s)), "a-3");
        assert_eq!(unique_slug("b", |s| taken.contains(&s)), "b");
    }

    #[test]
    fn recognises_slugs() {
        assert!(is_slug("europe"));
        assert!(!is_slug("Europe"));
        assert!(!is_slug(""));
    }
}
