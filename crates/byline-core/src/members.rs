//! Members: readers who join by email, the tiers they hold, and the one rule that decides
//! who may read an article in full ([`Reader::may_read`]). Every surface that shows an
//! article's text (pages, lists, feeds, JSON-LD, republishing, search, email, export) asks
//! that one function.

use crate::error::{Checker, Invalid};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub use crate::tiers::{Tier, TierFields, TierInput, TierKind};

/// The slug of the free tier every publication has.
pub const FREE_TIER: &str = "free";

/// Who may read an article in full. Everyone else sees its preview and a call to join or
/// upgrade.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase", tag = "access", content = "tiers")]
pub enum Access {
    /// Anyone.
    #[default]
    Public,
    /// Any signed-in member, free or paid.
    Members,
    /// Members holding any paid tier (bought or complimentary).
    Paid,
    /// Members holding one of these tiers (slugs, sorted, no repeats).
    Tiers(Vec<String>),
}

impl Access {
    /// The word stored and shown for it: `public`, `members`, `paid` or `tiers`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Access::Public => "public",
            Access::Members => "members",
            Access::Paid => "paid",
            Access::Tiers(_) => "tiers",
        }
    }

    /// Reads `public`, `members`, `paid` or `tiers` (with `tiers` naming the tiers; a list
    /// of tiers alone also means `tiers`). `field` names the input for the error.
    pub fn parse(field: &str, word: Option<&str>, tiers: &[String]) -> Result<Access, Invalid> {
        let word = word.map(|w| w.trim().to_ascii_lowercase()).filter(|w| !w.is_empty());
        let mut slugs: Vec<String> =
            tiers.iter().map(|t| t.trim().to_owned()).filter(|t| !t.is_empty()).collect();
        slugs.sort();
        slugs.dedup();
        match (word.as_deref(), slugs.is_empty()) {
            (None, true) | (Some("public"), true) => Ok(Access::Public),
            (Some("members"), true) => Ok(Access::Members),
            (Some("paid"), true) => Ok(Access::Paid),
            (None | Some("tiers"), false) => Ok(Access::Tiers(slugs)),
            (Some("tiers"), true) => {
                Err(Invalid::one(field, "is `tiers` but names no tiers (give `tiers: [slug, …]`)"))
            }
            (Some(w @ ("public" | "members" | "paid")), false) => Err(Invalid::one(
                field,
                format!("is `{w}` but tiers are named too; use `tiers` with a list of tiers"),
            )),
            (Some(other), _) => Err(Invalid::one(
                field,
                format!("must be public, members, paid or tiers, not {other:?}"),
            )),
        }
    }

    pub fn is_public(&self) -> bool {
        matches!(self, Access::Public)
    }

    /// The tiers it names (empty unless `Tiers`).
    pub fn tiers(&self) -> &[String] {
        match self {
            Access::Tiers(t) => t,
            _ => &[],
        }
    }
}

/// The reader of a page, as far as access goes. Pages are cached per [`Reader::cache_key`],
/// never per person.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum Reader {
    /// Not signed in as a member.
    #[default]
    Anonymous,
    /// A signed-in member.
    Member {
        /// Holds at least one paid tier now.
        paid: bool,
        /// The slugs of the tiers held now (always including `free`), sorted.
        tiers: Vec<String>,
    },
}

impl Reader {
    /// A member holding `tiers` now; `paid_tiers` says which of all tiers are paid.
    pub fn member(mut tiers: Vec<String>, paid_tiers: &[String]) -> Reader {
        if !tiers.iter().any(|t| t == FREE_TIER) {
            tiers.push(FREE_TIER.to_owned());
        }
        tiers.sort();
        tiers.dedup();
        let paid = tiers.iter().any(|t| paid_tiers.contains(t));
        Reader::Member { paid, tiers }
    }

    /// The one rule: may this reader read an article with `access` in full?
    pub fn may_read(&self, access: &Access) -> bool {
        match (access, self) {
            (Access::Public, _) => true,
            (_, Reader::Anonymous) => false,
            (Access::Members, Reader::Member { .. }) => true,
            (Access::Paid, Reader::Member { paid, .. }) => *paid,
            (Access::Tiers(wanted), Reader::Member { tiers, .. }) => {
                wanted.iter().any(|w| tiers.contains(w))
            }
        }
    }

    pub fn is_member(&self) -> bool {
        matches!(self, Reader::Member { .. })
    }

    /// What cached pages are keyed by: the same for every reader with the same access.
    pub fn cache_key(&self) -> String {
        match self {
            Reader::Anonymous => "anon".to_owned(),
            Reader::Member { paid, tiers } => {
                format!("member:{}:{}", if *paid { "paid" } else { "free" }, tiers.join(","))
            }
        }
    }
}

/// Where a member's hold on a tier comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GrantSource {
    /// Given by staff (complimentary), possibly until a date.
    Comp,
    /// A Stripe subscription.
    Stripe,
}

impl GrantSource {
    pub fn as_str(self) -> &'static str {
        match self {
            GrantSource::Comp => "comp",
            GrantSource::Stripe => "stripe",
        }
    }

    pub fn parse(s: &str) -> Option<GrantSource> {
        match s {
            "comp" => Some(GrantSource::Comp),
            "stripe" => Some(GrantSource::Stripe),
            _ => None,
        }
    }
}

/// One tier a member holds (or held).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    pub tier_slug: String,
    pub tier_name: String,
    pub source: GrantSource,
    /// Complimentary until, or the end of the paid period; `None`: open-ended.
    pub expires_at: Option<DateTime<Utc>>,
    /// Stripe's subscription id and status (`active`, `past_due`, `canceled` …).
    pub stripe_subscription_id: Option<String>,
    pub stripe_status: Option<String>,
    /// `month` or `year` for subscriptions.
    pub cadence: Option<String>,
    /// What one period costs, in the currency's smallest unit.
    pub amount: Option<i64>,
    pub currency: Option<String>,
}

impl Grant {
    /// Does it give access at `now`? Expired grants and ended subscriptions do not.
    pub fn is_current(&self, now: DateTime<Utc>) -> bool {
        let unexpired = self.expires_at.is_none_or(|e| e > now);
        let live = match self.source {
            GrantSource::Comp => true,
            GrantSource::Stripe => matches!(
                self.stripe_status.as_deref(),
                None | Some("active" | "trialing" | "past_due")
            ),
        };
        unexpired && live
    }
}

/// A member's standing, for lists and filters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MemberStatus {
    Free,
    /// Holds a paid tier through Stripe.
    Paid,
    /// Holds a paid tier only by complimentary grant.
    Comped,
}

impl MemberStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            MemberStatus::Free => "free",
            MemberStatus::Paid => "paid",
            MemberStatus::Comped => "comped",
        }
    }

    pub fn parse(s: &str) -> Option<MemberStatus> {
        match s {
            "free" => Some(MemberStatus::Free),
            "paid" => Some(MemberStatus::Paid),
            "comped" | "complimentary" => Some(MemberStatus::Comped),
            _ => None,
        }
    }
}

/// A member as stored, with their tiers and labels.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub id: i64,
    /// Stable public identifier (exports, unsubscribe links), never the row id.
    pub uuid: String,
    pub email: String,
    pub name: Option<String>,
    /// Staff's private note.
    pub note: Option<String>,
    pub status: MemberStatus,
    pub labels: Vec<String>,
    /// Paid and complimentary tiers, current or not (the free tier is implied).
    pub grants: Vec<Grant>,
    pub stripe_customer_id: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Member {
    /// The reader this member is at `now`; `paid_tiers` lists the slugs of paid tiers.
    pub fn reader(&self, now: DateTime<Utc>, paid_tiers: &[String]) -> Reader {
        let held =
            self.grants.iter().filter(|g| g.is_current(now)).map(|g| g.tier_slug.clone()).collect();
        Reader::member(held, paid_tiers)
    }
}

/// A member as staff or an import give them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberInput {
    pub email: String,
    pub name: Option<String>,
    pub note: Option<String>,
    pub labels: Vec<String>,
}

/// A checked [`MemberInput`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberFields {
    pub email: String,
    pub name: Option<String>,
    pub note: Option<String>,
    pub labels: Vec<String>,
}

impl MemberInput {
    pub fn validate(&self) -> Result<MemberFields, Invalid> {
        let mut c = Checker::default();
        let email = match check_member_email(&self.email) {
            Ok(e) => e,
            Err(e) => {
                c.fail("email", e);
                String::new()
            }
        };
        let name = self.name.as_deref().map(str::trim).filter(|n| !n.is_empty()).map(str::to_owned);
        if name.as_ref().is_some_and(|n| n.chars().count() > 191) {
            c.fail("name", "is longer than 191 characters");
        }
        let note = self.note.as_deref().map(str::trim).filter(|n| !n.is_empty()).map(str::to_owned);
        if note.as_ref().is_some_and(|n| n.chars().count() > 2000) {
            c.fail("note", "is longer than 2,000 characters");
        }
        let mut labels: Vec<String> =
            self.labels.iter().map(|l| l.trim().to_owned()).filter(|l| !l.is_empty()).collect();
        labels.sort();
        labels.dedup();
        if labels.iter().any(|l| l.chars().count() > 191) {
            c.fail("labels", "each label must be at most 191 characters");
        }
        c.finish(MemberFields { email, name, note, labels })
    }
}

/// A member's email as typed: trimmed and lowercased, one `@` with something on both
/// sides, a dot in the domain, no spaces or control characters, at most 254 characters.
/// The error says what is wrong.
pub fn check_member_email(email: &str) -> Result<String, String> {
    let e = email.trim().to_lowercase();
    if e.is_empty() {
        return Err("is required".into());
    }
    if e.chars().count() > 254 {
        return Err("is longer than 254 characters".into());
    }
    if e.chars()
        .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | ',' | ';' | '"'))
    {
        return Err(format!(
            "{:?} is not an email address (it holds a space or a character addresses cannot)",
            email.trim()
        ));
    }
    match e.split_once('@') {
        Some((local, domain))
            if !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains("..") =>
        {
            Ok(e)
        }
        _ => Err(format!("{:?} is not an email address", email.trim())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(tiers: &[&str]) -> Reader {
        Reader::member(
            tiers.iter().map(|t| t.to_string()).collect(),
            &["paid".into(), "gold".into()],
        )
    }

    #[test]
    fn one_rule_for_every_access() {
        let anon = Reader::Anonymous;
        let free = member(&[]);
        let paid = member(&["paid"]);
        let gold = member(&["gold"]);
        let tiers = Access::Tiers(vec!["gold".into()]);
        assert!(anon.may_read(&Access::Public));
        assert!(!anon.may_read(&Access::Members));
        assert!(free.may_read(&Access::Members));
        assert!(!free.may_read(&Access::Paid));
        assert!(paid.may_read(&Access::Paid));
        assert!(!paid.may_read(&tiers));
        assert!(gold.may_read(&tiers));
        assert!(gold.may_read(&Access::Paid));
        assert!(!anon.may_read(&tiers));
        assert!(free.may_read(&Access::Tiers(vec!["free".into()])));
    }

    #[test]
    fn cache_keys_are_by_access_not_person() {
        assert_eq!(member(&["paid"]).cache_key(), member(&["paid", "free"]).cache_key());
        assert_ne!(member(&["paid"]).cache_key(), member(&[]).cache_key());
        assert_eq!(Reader::Anonymous.cache_key(), "anon");
    }

    #[test]
    fn access_parses_and_says_what_is_wrong() {
        assert_eq!(Access::parse("access", None, &[]).unwrap(), Access::Public);
        assert_eq!(Access::parse("access", Some("Paid"), &[]).unwrap(), Access::Paid);
        assert_eq!(
            Access::parse("access", None, &["b".into(), "a".into(), "a".into()]).unwrap(),
            Access::Tiers(vec!["a".into(), "b".into()])
        );
        let e = Access::parse("access", Some("vip"), &[]).unwrap_err();
        assert!(e.to_string().contains("must be public, members, paid or tiers"), "{e}");
        assert!(Access::parse("access", Some("tiers"), &[]).is_err());
        assert!(Access::parse("access", Some("paid"), &["gold".into()]).is_err());
    }

    #[test]
    fn expired_and_cancelled_grants_give_nothing() {
        let now = Utc::now();
        let g = Grant {
            tier_slug: "paid".into(),
            tier_name: "Paid".into(),
            source: GrantSource::Comp,
            expires_at: Some(now - chrono::Duration::days(1)),
            stripe_subscription_id: None,
            stripe_status: None,
            cadence: None,
            amount: None,
            currency: None,
        };
        assert!(!g.is_current(now));
        let open = Grant { expires_at: None, ..g.clone() };
        assert!(open.is_current(now));
        let cancelled =
            Grant { source: GrantSource::Stripe, stripe_status: Some("canceled".into()), ..open };
        assert!(!cancelled.is_current(now));
    }

    #[test]
    fn emails_and_tiers_are_checked() {
        assert_eq!(check_member_email(" Ann@Example.ORG ").unwrap(), "ann@example.org");
        for bad in ["", "ann", "ann@", "@x.org", "a b@x.org", "a@x", "a@@x.org", "a@x..org"] {
            assert!(check_member_email(bad).is_err(), "{bad:?}");
        }
        let t = TierInput { name: "Gold".into(), monthly_price: Some(500), ..Default::default() };
        let f = t.validate(TierKind::Paid).unwrap();
        assert_eq!((f.slug.as_str(), f.currency.as_str()), ("gold", "usd"));
        let none = TierInput { name: "Gold".into(), ..Default::default() };
        assert!(none.validate(TierKind::Paid).is_err());
        assert!(t.validate(TierKind::Free).is_err());
    }
}
