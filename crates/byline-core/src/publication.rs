//! The publication itself: its name, addresses, copyright and policies.

use crate::error::{Checker, Invalid, non_blank};
use crate::{License, markdown};
use serde::{Deserialize, Serialize};

/// A publication's settings. Markdown fields keep their source and the HTML made from it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Publication {
    pub title: String,
    pub tagline: Option<String>,
    pub description: Option<String>,
    /// A BCP 47 language tag such as `en` or `pt-BR`.
    pub language: String,
    /// The public address without a trailing slash; `None` means "derive from where we listen".
    pub base_url: Option<String>,
    pub logo: Option<String>,
    /// The site's icon (an image URL or a path such as `/media/icon.png`); `None`: the
    /// theme's built-in `favicon.ico`.
    pub favicon: Option<String>,
    pub contact_email: Option<String>,
    pub media_email: Option<String>,
    /// The site-wide copyright line, e.g. `© The Meridian Review`.
    pub copyright: Option<String>,
    pub disclaimer: Option<String>,
    pub disclaimer_html: Option<String>,
    pub republish_policy: Option<String>,
    pub republish_policy_html: Option<String>,
    /// The licence of articles that do not choose their own.
    pub default_license: License,
    /// May other sites republish articles (each article can override this)?
    pub allow_republishing: bool,
}

impl Default for Publication {
    fn default() -> Self {
        Self {
            title: "A new publication".into(),
            tagline: None,
            description: None,
            language: "en".into(),
            base_url: None,
            logo: None,
            favicon: None,
            contact_email: None,
            media_email: None,
            copyright: None,
            disclaimer: None,
            disclaimer_html: None,
            republish_policy: None,
            republish_policy_html: None,
            default_license: License::AllRightsReserved,
            allow_republishing: true,
        }
    }
}

impl Publication {
    /// Checks every field and renders the Markdown ones; the result is ready to store.
    pub fn validate(self) -> Result<Self, Invalid> {
        let mut c = Checker::default();
        let title = c.required("title", &self.title);
        let language = self.language.trim().to_owned();
        let lang_ok = !language.is_empty()
            && language.len() <= 35
            && language
                .split('-')
                .all(|p| !p.is_empty() && p.chars().all(|ch| ch.is_ascii_alphanumeric()));
        if !lang_ok {
            c.fail(
                "language",
                format!("must be a language tag such as en or pt-BR, not {language:?}"),
            );
        }
        let base_url = base_url(&mut c, self.base_url.as_deref());
        let logo = c.url_or_path("logo", self.logo.as_deref());
        let favicon = c.url_or_path("favicon", self.favicon.as_deref());
        let contact_email = c.email("contact_email", self.contact_email.as_deref());
        let media_email = c.email("media_email", self.media_email.as_deref());
        let disclaimer = non_blank(self.disclaimer.as_deref());
        let republish_policy = non_blank(self.republish_policy.as_deref());
        c.finish(Self {
            title,
            tagline: non_blank(self.tagline.as_deref()),
            description: non_blank(self.description.as_deref()),
            language,
            base_url,
            logo,
            favicon,
            contact_email,
            media_email,
            copyright: non_blank(self.copyright.as_deref()),
            disclaimer_html: disclaimer.as_deref().map(markdown::to_html),
            disclaimer,
            republish_policy_html: republish_policy.as_deref().map(markdown::to_html),
            republish_policy,
            default_license: self.default_license,
            allow_republishing: self.allow_republishing,
        })
    }
}

/// The address the site is served from: an absolute http(s) URL with a host and at most a
/// path, written only with characters that need no escaping in HTML, XML or URLs (it is
/// pasted before paths everywhere), without its trailing `/`.
fn base_url(c: &mut Checker, value: Option<&str>) -> Option<String> {
    let raw = c.url("base_url", value)?;
    let u = url::Url::parse(&raw).ok()?;
    let plain = |ch: char| ch.is_ascii_alphanumeric() || "-._~/%".contains(ch);
    let problem = if u.host_str().is_none_or(str::is_empty) {
        Some("must name a host")
    } else if !u.username().is_empty() || u.password().is_some() {
        Some("must not carry a user name or password")
    } else if u.query().is_some() || u.fragment().is_some() {
        Some("must not carry a query (?…) or fragment (#…)")
    } else if !raw
        .split_once("://")
        .is_some_and(|(_, rest)| rest.chars().all(|ch| plain(ch) || ch == ':'))
    {
        Some("may hold only letters, digits and - . _ ~ / : % after the scheme")
    } else {
        None
    };
    if let Some(why) = problem {
        c.fail("base_url", format!("{why}: {raw:?}"));
        return None;
    }
    Some(u.as_str().trim_end_matches('/').to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_names_each_bad_field() {
        let p = Publication {
            title: " ".into(),
            language: "en us".into(),
            base_url: Some("ftp://x".into()),
            contact_email: Some("nobody".into()),
            ..Publication::default()
        };
        let err = p.validate().unwrap_err();
        let fields: Vec<_> = err.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["title", "language", "base_url", "contact_email"]);
    }

    #[test]
    fn base_url_is_an_address_that_needs_no_escaping() {
        for bad in [
            "https://x.example/\"><script>alert(1)</script>",
            "https://x.example/'onload='x",
            "https://x.example/a b",
            "https://x.example/?q=1",
            "https://x.example/#top",
            "https://user:pw@x.example",
            "javascript:alert(1)",
            "/relative",
            "x.example",
        ] {
            let p = Publication { base_url: Some(bad.into()), ..Publication::default() };
            let err = p.validate().expect_err(bad);
            assert_eq!(err.0[0].field, "base_url", "{bad}");
        }
        let p = Publication {
            base_url: Some("HTTPS://X.example/news/".into()),
            ..Publication::default()
        };
        assert_eq!(p.validate().unwrap().base_url.as_deref(), Some("https://x.example/news"));
    }

    #[test]
    fn renders_markdown_and_trims_base_url() {
        let p = Publication {
            base_url: Some("https://example.org/".into()),
            disclaimer: Some("Views are *the authors'* own.".into()),
            ..Publication::default()
        }
        .validate()
        .unwrap();
        assert_eq!(p.base_url.as_deref(), Some("https://example.org"));
        assert!(p.disclaimer_html.unwrap().contains("<em>"));
    }
}
