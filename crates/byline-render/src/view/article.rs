//! A whole article as its page shows it: body, bylines with bios, terms grouped by
//! taxonomy, rights and source lines, share and republish links.

use super::share;
use super::shared::{AuthorView, ImageView, NameLink, display_date, iso};
use super::site::{SiteView, TaxonomyLink};
use crate::urls;
use byline_core::members::{Access, Reader};
use byline_core::{Article, License, Publication, TermRef};
use chrono::{DateTime, Utc};
use serde::Serialize;

/// Terms grouped by taxonomy, in the order they come (the store sorts taxonomies).
#[derive(Debug, Clone, Serialize)]
pub struct TermGroup {
    pub taxonomy: TaxonomyLink,
    pub terms: Vec<NameLink>,
}

pub fn term_groups(terms: &[TermRef], taxonomies: &[TaxonomyLink]) -> Vec<TermGroup> {
    let mut groups: Vec<TermGroup> = Vec::new();
    for t in terms {
        let link = NameLink { name: t.name.clone(), url: urls::term(&t.taxonomy_slug, &t.slug) };
        match groups.iter_mut().find(|g| g.taxonomy.slug == t.taxonomy_slug) {
            Some(g) => g.terms.push(link),
            None => {
                let taxonomy =
                    taxonomies.iter().find(|x| x.slug == t.taxonomy_slug).cloned().unwrap_or(
                        TaxonomyLink {
                            name: t.taxonomy_name.clone(),
                            singular: t.taxonomy_name.clone(),
                            slug: t.taxonomy_slug.clone(),
                            url: urls::taxonomy(&t.taxonomy_slug),
                        },
                    );
                groups.push(TermGroup { taxonomy, terms: vec![link] });
            }
        }
    }
    groups
}

#[derive(Debug, Clone, Serialize)]
pub struct LicenseView {
    pub code: &'static str,
    pub name: &'static str,
    pub url: Option<&'static str>,
}

impl From<License> for LicenseView {
    fn from(l: License) -> Self {
        Self { code: l.code(), name: l.name(), url: l.url() }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct CopyrightView {
    pub holder: String,
    pub year: i32,
}

#[derive(Debug, Clone, Serialize)]
pub struct SourceView {
    pub name: String,
    pub url: Option<String>,
}

/// What a reader without access sees after the preview: a call to join (anonymous readers)
/// or to upgrade (members without the tier).
#[derive(Debug, Clone, Serialize)]
pub struct GateView {
    /// `join` or `upgrade`.
    pub kind: &'static str,
    pub title: String,
    pub message: String,
    pub join_url: String,
    /// For anonymous readers: members who already joined sign in.
    pub signin_url: Option<String>,
}

impl GateView {
    fn new(access: &Access, reader: &Reader) -> Self {
        let for_whom = match access {
            Access::Members | Access::Public => "members",
            Access::Paid => "paying members",
            Access::Tiers(_) => "members of some tiers",
        };
        if reader.is_member() {
            Self {
                kind: "upgrade",
                title: "Upgrade to keep reading".into(),
                message: format!("The rest of this article is for {for_whom}."),
                join_url: urls::MEMBERS_UPGRADE.into(),
                signin_url: None,
            }
        } else {
            Self {
                kind: "join",
                title: "Become a member to keep reading".into(),
                message: format!("The rest of this article is for {for_whom}."),
                join_url: urls::MEMBERS_JOIN.into(),
                signin_url: Some(urls::MEMBERS_SIGNIN.into()),
            }
        }
    }
}

/// A whole article as its page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct ArticleView {
    pub title: String,
    pub subtitle: Option<String>,
    pub url: String,
    /// What everyone may read: the whole body of a public article, the part before
    /// `<!--members-only-->` of a gated one, or its preview for a reader without access.
    pub body_html: String,
    /// The members-only rest, for readers with access (the page wraps it in
    /// `.members-only`, the part JSON-LD's `hasPart` names).
    pub members_html: Option<String>,
    /// For readers without access: the call to join or upgrade.
    pub gate: Option<GateView>,
    /// `Members` or `Paid` for a gated article.
    pub access: Option<&'static str>,
    pub excerpt: String,
    pub published: String,
    pub published_iso: String,
    pub updated: Option<String>,
    pub updated_iso: Option<String>,
    pub authors: Vec<AuthorView>,
    pub term_groups: Vec<TermGroup>,
    pub image: Option<ImageView>,
    pub note_html: Option<String>,
    pub source: Option<SourceView>,
    pub copyright: CopyrightView,
    pub license: LicenseView,
    pub canonical_url: Option<String>,
    pub seo_title: Option<String>,
    pub seo_description: Option<String>,
    /// Plain share links (email, Mastodon, Bluesky …).
    pub share: Vec<share::ShareLink>,
    /// The "Republish this article" page, when the article may be republished.
    pub republish_url: Option<String>,
}

impl ArticleView {
    /// The article as `reader` may read it (the one rule: `Reader::may_read`).
    pub fn new(
        a: &Article,
        p: &Publication,
        site: &SiteView,
        now: DateTime<Utc>,
        reader: &Reader,
    ) -> Self {
        let published_at = a.published_at.unwrap_or(now);
        let (body_html, members_html, gate) = if a.readable_by(reader) && !a.preview_only {
            let (free, members) = a.free_and_members_html();
            (free.to_owned(), Some(members.to_owned()).filter(|m| !m.is_empty()), None)
        } else {
            (a.preview_html.clone(), None, Some(GateView::new(&a.access, reader)))
        };
        Self {
            body_html,
            members_html,
            gate,
            access: byline_core::gating::badge(&a.access),
            title: a.title.clone(),
            subtitle: a.subtitle.clone(),
            url: urls::article(&a.slug),
            excerpt: a.excerpt.clone(),
            published: display_date(published_at),
            published_iso: iso(published_at),
            updated: a.updated_at.map(display_date),
            updated_iso: a.updated_at.map(iso),
            authors: a.authors.iter().map(AuthorView::new).collect(),
            term_groups: term_groups(&a.terms, &site.taxonomies),
            image: a.image.as_ref().map(ImageView::new),
            note_html: a.note_html.clone(),
            source: a
                .source
                .as_ref()
                .map(|s| SourceView { name: s.name.clone(), url: s.url.clone() }),
            copyright: CopyrightView {
                holder: a.copyright_holder_or(&p.title).to_owned(),
                year: a.copyright_year_or(now),
            },
            license: a.license.unwrap_or(p.default_license).into(),
            canonical_url: a.canonical_url.clone(),
            seo_title: a.seo_title.clone(),
            seo_description: a.seo_description.clone(),
            share: share::links(
                &format!("{}{}", site.base_url, urls::article(&a.slug)),
                &a.title,
                &site.title,
            ),
            republish_url: a.republishable(p).then(|| urls::republish(&a.slug)),
        }
    }
}
