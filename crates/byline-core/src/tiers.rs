//! Tiers: the free one every publication has and the paid ones members hold, as stored and
//! as staff type them.

use crate::error::{Checker, Invalid};
use crate::slug::slugify;
use serde::{Deserialize, Serialize};

/// Whether a tier is the free one or one members pay for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TierKind {
    Free,
    Paid,
}

impl TierKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TierKind::Free => "free",
            TierKind::Paid => "paid",
        }
    }

    pub fn parse(s: &str) -> Option<TierKind> {
        match s {
            "free" => Some(TierKind::Free),
            "paid" => Some(TierKind::Paid),
            _ => None,
        }
    }
}

/// A tier as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tier {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub description: Option<String>,
    /// One line each, shown as a list.
    pub benefits: Vec<String>,
    pub kind: TierKind,
    /// Prices in the currency's smallest unit (cents); `None` for the free tier.
    pub monthly_price: Option<i64>,
    pub yearly_price: Option<i64>,
    /// ISO 4217, lowercase (`usd`, `eur`).
    pub currency: String,
    /// Offered on the join page (`true`) or only granted by staff.
    pub visible: bool,
    /// Archived tiers keep their members but are not offered.
    pub active: bool,
    pub sort_order: i32,
}

impl Tier {
    /// Offered for payment: a paid tier, active and visible, with a price.
    pub fn on_sale(&self) -> bool {
        self.kind == TierKind::Paid
            && self.active
            && self.visible
            && (self.monthly_price.is_some() || self.yearly_price.is_some())
    }
}

/// An amount in the currency's smallest unit, as readers and staff read it: `12.50 EUR`
/// (two decimals; zero-decimal currencies read oddly, which is rare enough to live with).
pub fn money(amount: i64, currency: &str) -> String {
    format!("{}.{:02} {}", amount / 100, (amount % 100).abs(), currency.to_uppercase())
}

/// A tier as staff type it in the admin or the Admin API.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TierInput {
    pub slug: Option<String>,
    pub name: String,
    pub description: Option<String>,
    pub benefits: Vec<String>,
    pub monthly_price: Option<i64>,
    pub yearly_price: Option<i64>,
    pub currency: Option<String>,
    pub visible: bool,
    pub active: bool,
}

/// A checked [`TierInput`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TierFields {
    pub slug: String,
    pub name: String,
    pub description: Option<String>,
    pub benefits: Vec<String>,
    pub monthly_price: Option<i64>,
    pub yearly_price: Option<i64>,
    pub currency: String,
    pub visible: bool,
    pub active: bool,
}

impl TierInput {
    /// Checks every field; `kind` is the tier's (a free tier has no prices, a paid one needs
    /// at least one).
    pub fn validate(&self, kind: TierKind) -> Result<TierFields, Invalid> {
        let mut c = Checker::default();
        let name = c.required("name", &self.name);
        if name.chars().count() > 191 {
            c.fail("name", "is longer than 191 characters");
        }
        let slug = match self.slug.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(s) if slugify(s) == s => s.to_owned(),
            Some(s) => {
                c.fail(
                    "slug",
                    format!("may hold only a-z, 0-9 and hyphens (try {:?})", slugify(s)),
                );
                String::new()
            }
            None => slugify(&name),
        };
        let currency = self.currency.as_deref().unwrap_or("usd").trim().to_ascii_lowercase();
        if currency.len() != 3 || !currency.bytes().all(|b| b.is_ascii_lowercase()) {
            c.fail("currency", format!("must be a three-letter ISO 4217 code, not {currency:?}"));
        }
        for (field, price) in
            [("monthly_price", self.monthly_price), ("yearly_price", self.yearly_price)]
        {
            match (kind, price) {
                (TierKind::Free, Some(p)) if p != 0 => {
                    c.fail(field, "must be empty: the free tier has no price")
                }
                (TierKind::Paid, Some(p)) if p <= 0 => {
                    c.fail(field, "must be more than zero (in cents)")
                }
                (_, Some(p)) if p > 100_000_000 => c.fail(field, "is more than 1,000,000.00"),
                _ => {}
            }
        }
        if kind == TierKind::Paid && self.monthly_price.is_none() && self.yearly_price.is_none() {
            c.fail("monthly_price", "a paid tier needs a monthly or a yearly price");
        }
        let benefits: Vec<String> =
            self.benefits.iter().map(|b| b.trim().to_owned()).filter(|b| !b.is_empty()).collect();
        if benefits.iter().any(|b| b.chars().count() > 191) {
            c.fail("benefits", "each benefit must be at most 191 characters");
        }
        c.finish(TierFields {
            slug,
            name,
            description: self
                .description
                .as_deref()
                .map(str::trim)
                .filter(|d| !d.is_empty())
                .map(str::to_owned),
            benefits,
            monthly_price: self.monthly_price.filter(|_| kind == TierKind::Paid),
            yearly_price: self.yearly_price.filter(|_| kind == TierKind::Paid),
            currency,
            visible: self.visible,
            active: self.active,
        })
    }
}
