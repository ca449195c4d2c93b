//! The public site's URL scheme, in one place: routes, templates, feeds and exports all ask
//! here. Paths are site-relative and end in a slash.

/// `/articles/{slug}/`
pub fn article(slug: &str) -> String {
    format!("/articles/{slug}/")
}

/// `/articles/{slug}/republish/`: what another site needs to republish an article.
pub fn republish(slug: &str) -> String {
    format!("/articles/{slug}/republish/")
}

/// `/authors/{slug}/`
pub fn author(slug: &str) -> String {
    format!("/authors/{slug}/")
}

/// `/{taxonomy}/`: the list of a taxonomy's terms.
pub fn taxonomy(taxonomy: &str) -> String {
    format!("/{taxonomy}/")
}

/// `/{taxonomy}/{term}/`
pub fn term(taxonomy: &str, term: &str) -> String {
    format!("/{taxonomy}/{term}/")
}

/// `/{slug}/`: a static page.
pub fn page(slug: &str) -> String {
    format!("/{slug}/")
}

/// Page `n` of a list that starts at `base`: the base itself for page 1, else
/// `{base}page/{n}/`.
pub fn paged(base: &str, n: u64) -> String {
    if n <= 1 { base.to_owned() } else { format!("{base}page/{n}/") }
}

/// An asset of the theme: `/assets/{path}`.
pub fn asset(path: &str) -> String {
    format!("/assets/{path}")
}

/// Where readers join (the page the accounts side serves).
pub const MEMBERS_JOIN: &str = "/members/join/";
/// Where a signed-in member upgrades: the paid tiers on their account page.
pub const MEMBERS_UPGRADE: &str = "/members/account/#upgrade";

/// Where members sign in.
pub const MEMBERS_SIGNIN: &str = "/members/signin/";

/// `/members/feed/{token}/{file}`: a paid member's private full-text feed (`feed.xml`,
/// `atom.xml` or `feed.json`); the token is `byline_core::gating::feed_token`.
pub fn member_feed(token: &str, file: &str) -> String {
    format!("/members/feed/{token}/{file}")
}

/// The site search page.
pub fn search() -> String {
    "/search/".to_owned()
}

#[cfg(test)]
mod tests {
    #[test]
    fn paginates_from_any_base() {
        assert_eq!(super::paged("/", 1), "/");
        assert_eq!(super::paged("/", 3), "/page/3/");
        assert_eq!(super::paged("/regions/europe/", 2), "/regions/europe/page/2/");
    }
}
