//! What every object needs from the site: absolute URLs and Ghost's date format, and the
//! `settings` object.

use byline_core::{Page, Publication};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

/// The Ghost version these answers follow (`Content-Version` and `settings.version`).
pub const CONTENT_VERSION: &str = "v5.0";

#[derive(Debug, Clone)]
pub struct Site {
    /// Without a trailing slash: `https://example.org`.
    pub base_url: String,
}

impl Site {
    pub fn new(base_url: &str) -> Self {
        Self { base_url: base_url.trim_end_matches('/').to_owned() }
    }

    /// A site path (`/articles/x/`) or an absolute URL made absolute.
    pub fn url(&self, path_or_url: &str) -> String {
        if path_or_url.starts_with("http://") || path_or_url.starts_with("https://") {
            path_or_url.to_owned()
        } else if path_or_url.starts_with('/') {
            format!("{}{path_or_url}", self.base_url)
        } else {
            format!("{}/{path_or_url}", self.base_url)
        }
    }

    pub fn opt_url(&self, path_or_url: Option<&str>) -> Value {
        path_or_url.map_or(Value::Null, |u| Value::String(self.url(u)))
    }
}

/// Ghost's timestamps: `2024-05-01T10:00:00.000+00:00`.
pub fn date(d: DateTime<Utc>) -> Value {
    Value::String(d.format("%Y-%m-%dT%H:%M:%S%.3f+00:00").to_string())
}

pub fn opt_date(d: Option<DateTime<Utc>>) -> Value {
    d.map_or(Value::Null, date)
}

/// The `settings` object: the publication's, with Ghost's keys Byline has no notion of
/// set to Ghost's defaults.
pub fn settings(site: &Site, p: &Publication, pages: &[Page]) -> Value {
    let navigation: Vec<Value> = std::iter::once(json!({"label": "Home", "url": "/"}))
        .chain(
            pages
                .iter()
                .filter(|pg| pg.in_nav)
                .map(|pg| json!({"label": pg.title, "url": byline_render::urls::page(&pg.slug)})),
        )
        .collect();
    json!({
        "title": p.title,
        "description": p.description.clone().or_else(|| p.tagline.clone()).unwrap_or_default(),
        "logo": site.opt_url(p.logo.as_deref()),
        "icon": site.opt_url(p.favicon.as_deref()),
        "accent_color": null,
        "cover_image": null,
        "facebook": null,
        "twitter": null,
        "lang": p.language,
        "locale": p.language,
        "timezone": "Etc/UTC",
        "codeinjection_head": null,
        "codeinjection_foot": null,
        "navigation": navigation,
        "secondary_navigation": [],
        "meta_title": null,
        "meta_description": p.description,
        "og_image": null,
        "og_title": null,
        "og_description": null,
        "twitter_image": null,
        "twitter_title": null,
        "twitter_description": null,
        "members_support_address": p.contact_email.clone().unwrap_or_else(|| "noreply".into()),
        "members_enabled": true,
        "members_invite_only": false,
        "paid_members_enabled": true,
        "firstpromoter_account": null,
        "portal_button_style": "icon-and-text",
        "portal_button_signup_text": "Subscribe",
        "portal_button_icon": null,
        "portal_plans": ["free"],
        "portal_name": true,
        "portal_button": true,
        "portal_signup_checkbox_required": false,
        "portal_signup_terms_html": null,
        "comments_enabled": "off",
        "recommendations_enabled": false,
        "url": format!("{}/", site.base_url),
        "version": CONTENT_VERSION.trim_start_matches('v'),
    })
}
