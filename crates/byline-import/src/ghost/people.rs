//! Ghost's people: staff users as authors (with their social profiles as links), products
//! as tiers, and members with their labels, Stripe customer and complimentary tiers.

use super::file::{text, time};
use super::{IdMap, Run};
use byline_core::audit::Actor;
use byline_core::members::{FREE_TIER, MemberInput, TierInput};
use byline_core::{AuthorInput, AuthorLink, slugify};
use byline_store::{ImportOutcome, ImportedMember, Outcome, StoreError};
use serde_json::{Map, Value};
use std::collections::HashMap;

/// Social fields of a Ghost user, with the address each handle goes to.
const SOCIAL: &[(&str, &str, &str)] = &[
    ("twitter", "X", "https://x.com/"),
    ("facebook", "Facebook", "https://www.facebook.com/"),
    ("threads", "Threads", "https://www.threads.net/@"),
    ("bluesky", "Bluesky", "https://bsky.app/profile/"),
    ("mastodon", "Mastodon", "https://"),
    ("tiktok", "TikTok", "https://www.tiktok.com/@"),
    ("youtube", "YouTube", "https://www.youtube.com/"),
    ("instagram", "Instagram", "https://www.instagram.com/"),
    ("linkedin", "LinkedIn", "https://www.linkedin.com/in/"),
];

/// A Ghost user as an author. Passwords, tours and notification choices are not read.
pub(crate) fn author(user: &Map<String, Value>) -> Result<AuthorInput, String> {
    let name = text(user, "name").ok_or("a user needs a `name`")?;
    let mut links = Vec::new();
    for (key, title, prefix) in SOCIAL {
        if let Some(handle) = text(user, key) {
            let url = if handle.starts_with("http://") || handle.starts_with("https://") {
                handle
            } else if *key == "mastodon" {
                // `@who@host` or `host/@who`.
                match handle.trim_start_matches('@').split_once('@') {
                    Some((who, host)) => format!("https://{host}/@{who}"),
                    None => format!("{prefix}{handle}"),
                }
            } else {
                format!("{prefix}{}", handle.trim_start_matches('@'))
            };
            links.push(AuthorLink { title: (*title).to_owned(), url });
        }
    }
    let input = AuthorInput {
        slug: Some(text(user, "slug").unwrap_or_else(|| slugify(&name))),
        name,
        bio: text(user, "bio"),
        photo: text(user, "profile_image").map(|u| absolute(&u)),
        website: text(user, "website").map(|u| absolute(&u)),
        email: text(user, "email"),
        links,
        guest: false,
    };
    input.validate().map_err(|e| e.to_string())?;
    Ok(input)
}

impl Run<'_> {
    /// Users as authors; returns user id → author slug.
    pub(crate) async fn authors(&mut self) -> IdMap {
        let mut ids = IdMap::new();
        let users = match self.export.table("users") {
            Ok(u) => u,
            Err(p) => {
                self.report.fail("authors", p);
                return ids;
            }
        };
        let total = users.len();
        for (i, u) in users.into_iter().enumerate() {
            self.tick("authors", i + 1, total);
            let input = match author(u) {
                Ok(a) => a,
                Err(why) => {
                    let p = self.export.record_problem("users", u, why);
                    self.report.fail("authors", p);
                    continue;
                }
            };
            let slug = input.slug.clone().unwrap_or_default();
            if let Some(id) = text(u, "id") {
                ids.insert(id, slug.clone());
            }
            if self.dry_run {
                self.report.counts_mut("authors").created += 1;
                self.keep_addresses(super::addresses::author(&slug, 0), None).await;
                continue;
            }
            match self.store.save_author(&input).await {
                Ok(s) => {
                    self.report.counts_mut("authors").add(s.outcome);
                    let old = super::addresses::author(&slug, s.value.id);
                    self.keep_addresses(old, None).await;
                }
                Err(e) => {
                    let p = self.export.record_problem("users", u, e.to_string());
                    self.report.fail("authors", p);
                }
            }
        }
        ids
    }

    /// Products as tiers (Ghost's free product is Byline's free tier); returns product id →
    /// tier slug.
    pub(crate) async fn tiers(&mut self) -> IdMap {
        let mut ids = IdMap::new();
        let products = match self.export.table("products") {
            Ok(p) => p,
            Err(p) => {
                self.report.fail("tiers", p);
                return ids;
            }
        };
        let existing: HashMap<String, byline_core::members::Tier> = match self.store.tiers().await {
            Ok(t) => t.into_iter().map(|t| (t.slug.clone(), t)).collect(),
            Err(e) => {
                self.report.fail("tiers", self.export.problem(None, e.to_string()));
                return ids;
            }
        };
        // Ghost 4 kept prices in `stripe_prices`, named by the product's price ids.
        let prices: HashMap<String, (i64, String)> = self
            .export
            .table("stripe_prices")
            .unwrap_or_default()
            .into_iter()
            .filter_map(|r| {
                Some((text(r, "id")?, (r.get("amount")?.as_i64()?, text(r, "currency")?)))
            })
            .collect();
        let actor = Actor::command_line();
        for p in products {
            let Some(id) = text(p, "id") else { continue };
            let free = text(p, "type").as_deref() == Some("free")
                || (text(p, "type").is_none() && text(p, "slug").as_deref() == Some("free"));
            if free {
                ids.insert(id, FREE_TIER.to_owned());
                self.report.counts_mut("tiers").unchanged += 1;
                continue;
            }
            let name = text(p, "name").unwrap_or_default();
            let slug = text(p, "slug").map(|s| slugify(&s)).unwrap_or_else(|| slugify(&name));
            let stripe = |k: &str| text(p, k).and_then(|id| prices.get(&id));
            let price = |k: &str, id: &str| {
                p.get(k)
                    .and_then(Value::as_i64)
                    .or_else(|| stripe(id).map(|s| s.0))
                    .filter(|v| *v > 0)
            };
            let currency = text(p, "currency").or_else(|| {
                stripe("monthly_price_id")
                    .or_else(|| stripe("yearly_price_id"))
                    .map(|s| s.1.clone())
            });
            let input = TierInput {
                slug: Some(slug.clone()),
                name,
                description: text(p, "description"),
                benefits: Vec::new(),
                monthly_price: price("monthly_price", "monthly_price_id"),
                yearly_price: price("yearly_price", "yearly_price_id"),
                currency: currency.map(|c| c.to_ascii_lowercase()),
                visible: text(p, "visibility").as_deref() != Some("none"),
                active: p.get("active").is_none() || super::file::flag(p, "active"),
            };
            if let Err(e) = input.validate(byline_core::members::TierKind::Paid) {
                let problem = self.export.record_problem("products", p, e.to_string());
                self.report.fail("tiers", problem);
                continue;
            }
            ids.insert(id, slug.clone());
            let saved = match existing.get(&slug) {
                Some(t) if same_tier(t, &input) => {
                    self.report.counts_mut("tiers").unchanged += 1;
                    continue;
                }
                _ if self.dry_run => {
                    let kind = if existing.contains_key(&slug) {
                        Outcome::Updated
                    } else {
                        Outcome::Created
                    };
                    self.report.counts_mut("tiers").add(kind);
                    continue;
                }
                Some(_) => {
                    self.store.update_tier(&slug, &input, &actor).await.map(|_| Outcome::Updated)
                }
                None => self.store.create_tier(&input, &actor).await.map(|_| Outcome::Created),
            };
            match saved {
                Ok(o) => self.report.counts_mut("tiers").add(o),
                Err(e) => {
                    let problem = self.export.record_problem("products", p, e.to_string());
                    self.report.fail("tiers", problem);
                }
            }
        }
        ids
    }

    /// Members with their labels, Stripe customer, tiers and newsletters.
    pub(crate) async fn members(&mut self, tiers: &IdMap, newsletters: &IdMap) {
        let members = match self.export.table("members") {
            Ok(m) => m,
            Err(p) => return self.report.fail("members", p),
        };
        if members.is_empty() {
            return;
        }
        let labels: IdMap = self
            .export
            .table("labels")
            .unwrap_or_default()
            .into_iter()
            .filter_map(|l| Some((text(l, "id")?, text(l, "name")?)))
            .collect();
        let mut labels_of: HashMap<String, Vec<String>> = HashMap::new();
        for ml in self.export.table("members_labels").unwrap_or_default() {
            if let (Some(m), Some(name)) =
                (text(ml, "member_id"), text(ml, "label_id").and_then(|l| labels.get(&l)))
            {
                labels_of.entry(m).or_default().push(name.clone());
            }
        }
        let mut customer_of: HashMap<String, String> = HashMap::new();
        for c in self.export.table("members_stripe_customers").unwrap_or_default() {
            if let (Some(m), Some(c)) = (text(c, "member_id"), text(c, "customer_id")) {
                customer_of.insert(m, c);
            }
        }
        let mut tiers_of: HashMap<String, Vec<String>> = HashMap::new();
        for mp in self.export.table("members_products").unwrap_or_default() {
            if let (Some(m), Some(t)) =
                (text(mp, "member_id"), text(mp, "product_id").and_then(|p| tiers.get(&p)))
            {
                tiers_of.entry(m).or_default().push(t.clone());
            }
        }
        let subscriptions = super::newsletters::subscriptions(self.export, newsletters);
        let actor = Actor::command_line();
        let total = members.len();
        let mut paid = 0;
        for (i, m) in members.into_iter().enumerate() {
            self.tick("members", i + 1, total);
            let id = text(m, "id").unwrap_or_default();
            let status = text(m, "status").unwrap_or_else(|| "free".into());
            let input = MemberInput {
                email: text(m, "email").unwrap_or_default(),
                name: text(m, "name"),
                note: text(m, "note"),
                labels: labels_of.remove(&id).unwrap_or_default(),
            };
            let created_at = time(m, "created_at");
            let checked = input.validate().map_err(|e| e.to_string()).and_then(|fields| {
                Ok(ImportedMember {
                    fields,
                    complimentary: false,
                    stripe_customer_id: customer_of.get(&id).cloned(),
                    created_at: created_at?,
                    // Ghost before 4.x marks it on the member; later exports leave it out
                    // (the publication's default newsletters then).
                    subscribed: m.get("subscribed").and_then(serde_json::Value::as_bool),
                    newsletters: subscriptions
                        .as_ref()
                        .map(|s| s.get(&id).cloned().unwrap_or_default()),
                })
            });
            let member = match checked {
                Ok(m) => m,
                Err(why) => {
                    let p = self.export.record_problem("members", m, why);
                    self.report.fail("members", p);
                    continue;
                }
            };
            if status == "paid" {
                paid += 1;
            }
            if self.dry_run {
                self.report.counts_mut("members").created += 1;
                continue;
            }
            let comped: Vec<String> = match status.as_str() {
                "comped" => tiers_of
                    .remove(&id)
                    .unwrap_or_else(|| vec![byline_store::IMPORT_COMP_TIER.to_owned()]),
                _ => Vec::new(),
            };
            match self.import_member(&member, &comped, &actor).await {
                Ok(ImportOutcome::Added) => self.report.counts_mut("members").created += 1,
                Ok(ImportOutcome::Updated) => self.report.counts_mut("members").updated += 1,
                Err(e) => {
                    let p = self.export.record_problem("members", m, e.to_string());
                    self.report.fail("members", p);
                }
            }
        }
        if paid > 0 {
            self.report.warnings.push(self.export.problem(
                None,
                format!(
                    "{paid} paid member(s): their subscriptions stay in Stripe; they are linked \
                     by their Stripe customer and hold their tier once Stripe reports it to Byline"
                ),
            ));
        }
    }

    async fn import_member(
        &self,
        member: &ImportedMember,
        comped: &[String],
        actor: &Actor,
    ) -> Result<ImportOutcome, StoreError> {
        let outcome = self.store.import_member(member, Some(actor)).await?;
        if !comped.is_empty() {
            let saved = self.store.member_by_email(&member.fields.email).await?;
            for tier in comped {
                let held =
                    saved.grants.iter().any(|g| &g.tier_slug == tier && g.is_current(self.now));
                if !held && tier != FREE_TIER {
                    self.store.grant_complimentary(saved.id, tier, None, actor).await?;
                }
            }
        }
        Ok(outcome)
    }
}

/// Ghost wrote some addresses without their scheme (`//www.gravatar.com/…`).
pub(crate) fn absolute(url: &str) -> String {
    match url.strip_prefix("//") {
        Some(rest) => format!("https://{rest}"),
        None => url.to_owned(),
    }
}

fn same_tier(t: &byline_core::members::Tier, i: &TierInput) -> bool {
    t.name == i.name
        && t.description == i.description
        && t.monthly_price == i.monthly_price
        && t.yearly_price == i.yearly_price
        && Some(&t.currency) == i.currency.as_ref()
        && t.visible == i.visible
        && t.active == i.active
}
