//! The members' own pages: join, sign in, "check your inbox", the link's confirmation, the
//! account page, and the page that says why something did not work. None is cached or
//! indexed.

use super::shared::display_date;
use super::site::{MetaView, SiteView};
use byline_core::members::{GrantSource, Member, Tier};
use byline_core::tiers::money;
use chrono::{DateTime, Utc};
use serde::Serialize;

fn meta(site: &SiteView, title: &str, path: &str) -> MetaView {
    let mut meta = site.meta(Some(title), None, path);
    meta.noindex = true;
    meta
}

/// The join or sign-in form (`member_join.html`, `member_signin.html`).
#[derive(Debug, Serialize)]
pub struct MemberFormPage<'a> {
    pub site: &'a SiteView,
    pub meta: MetaView,
    pub email: String,
    pub name: String,
    /// What is wrong with what was sent, to show beside the form.
    pub error: Option<String>,
    /// The newsletters a joining reader may choose (the join page only).
    pub newsletters: Vec<super::NewsletterChoice>,
}

impl<'a> MemberFormPage<'a> {
    pub fn new(site: &'a SiteView, title: &str, path: &str) -> Self {
        Self {
            site,
            meta: meta(site, title, path),
            email: String::new(),
            name: String::new(),
            error: None,
            newsletters: Vec::new(),
        }
    }
}

/// A page that only says something (`member_message.html`): "check your inbox", an expired
/// link, too many requests.
#[derive(Debug, Serialize)]
pub struct MemberMessagePage<'a> {
    pub site: &'a SiteView,
    pub meta: MetaView,
    pub heading: String,
    pub message: String,
    /// Where to go next: (words, same-site path).
    pub next: Option<(String, String)>,
}

impl<'a> MemberMessagePage<'a> {
    pub fn new(site: &'a SiteView, heading: &str, message: &str, path: &str) -> Self {
        Self {
            site,
            meta: meta(site, heading, path),
            heading: heading.to_owned(),
            message: message.to_owned(),
            next: None,
        }
    }
}

/// The link's landing page (`member_confirm.html`): one button that spends it.
#[derive(Debug, Serialize)]
pub struct MemberConfirmPage<'a> {
    pub site: &'a SiteView,
    pub meta: MetaView,
    pub heading: String,
    pub button: String,
    pub token: String,
    /// Where the button posts the token.
    pub action: String,
}

impl<'a> MemberConfirmPage<'a> {
    pub fn new(site: &'a SiteView, heading: &str, button: &str, token: &str) -> Self {
        Self {
            site,
            meta: meta(site, heading, "/members/confirm/"),
            heading: heading.to_owned(),
            button: button.to_owned(),
            token: token.to_owned(),
            action: "/members/confirm/".to_owned(),
        }
    }
}

/// A tier the member holds, as the account page lists it.
#[derive(Debug, Serialize)]
pub struct HeldTier {
    pub name: String,
    /// "Complimentary" or "Subscription".
    pub how: &'static str,
    pub until: Option<String>,
    pub current: bool,
}

/// A paid tier the account page offers through Stripe Checkout (`#upgrade`).
#[derive(Debug, Serialize)]
pub struct TierOffer {
    pub slug: String,
    pub name: String,
    pub description: Option<String>,
    pub benefits: Vec<String>,
    /// `5.00 USD`, when the tier has a monthly (yearly) price.
    pub monthly: Option<String>,
    pub yearly: Option<String>,
}

impl TierOffer {
    pub fn of(t: &Tier) -> Self {
        Self {
            slug: t.slug.clone(),
            name: t.name.clone(),
            description: t.description.clone(),
            benefits: t.benefits.clone(),
            monthly: t.monthly_price.map(|a| money(a, &t.currency)),
            yearly: t.yearly_price.map(|a| money(a, &t.currency)),
        }
    }
}

/// The member's account page (`member_account.html`).
#[derive(Debug, Serialize)]
pub struct MemberAccountPage<'a> {
    pub site: &'a SiteView,
    pub meta: MetaView,
    pub email: String,
    pub name: String,
    pub since: String,
    pub tiers: Vec<HeldTier>,
    /// Offer "Manage billing" (Stripe's billing portal).
    pub billing: bool,
    /// The newsletters on offer, ticked where the member receives them.
    pub newsletters: Vec<super::NewsletterChoice>,
    /// Paid tiers the member may buy (Stripe configured, not already held).
    pub offers: Vec<TierOffer>,
    /// What just happened ("Your name is saved").
    pub notice: Option<String>,
    pub error: Option<String>,
}

impl<'a> MemberAccountPage<'a> {
    pub fn new(site: &'a SiteView, m: &Member, billing: bool, now: DateTime<Utc>) -> Self {
        Self {
            site,
            meta: meta(site, "Your account", "/members/account/"),
            email: m.email.clone(),
            name: m.name.clone().unwrap_or_default(),
            since: display_date(m.created_at),
            tiers: m
                .grants
                .iter()
                .map(|g| HeldTier {
                    name: g.tier_name.clone(),
                    how: match g.source {
                        GrantSource::Comp => "Complimentary",
                        GrantSource::Stripe => "Subscription",
                    },
                    until: g.expires_at.map(display_date),
                    current: g.is_current(now),
                })
                .collect(),
            billing,
            newsletters: Vec::new(),
            offers: Vec::new(),
            notice: None,
            error: None,
        }
    }
}
