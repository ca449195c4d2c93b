//! Newsletters: the lists a publication emails its articles to, who is sent a given issue
//! (a segment of the members subscribed to the newsletter), where each recipient of a send
//! stands, and the personal unsubscribe token every message carries. Rules only; the store
//! keeps sends and recipients, byline-mail renders and delivers them.

use crate::jobs::Job;
use crate::{FieldError, Invalid, slugify};
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

/// Who may receive a newsletter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Audience {
    /// Every member, free or paid.
    #[default]
    Members,
    /// Members holding a paid tier (bought or complimentary).
    Paid,
}

impl Audience {
    pub fn as_str(self) -> &'static str {
        match self {
            Audience::Members => "members",
            Audience::Paid => "paid",
        }
    }

    pub fn parse(s: &str) -> Result<Self, String> {
        match s.trim() {
            "members" | "free" | "all" => Ok(Audience::Members),
            "paid" => Ok(Audience::Paid),
            other => Err(format!("{other:?} is not an audience; use members or paid")),
        }
    }
}

/// A newsletter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Newsletter {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub description: Option<String>,
    /// The name messages come from (the publication's title when empty).
    pub sender_name: Option<String>,
    /// The address messages come from (`smtp_from`'s address when empty).
    pub sender_email: Option<String>,
    pub reply_to: Option<String>,
    pub audience: Audience,
    /// New members are subscribed to it unless they choose otherwise.
    pub subscribe_by_default: bool,
    /// `None`: sent with each article; `Some`: a digest on this schedule.
    pub digest: Option<Digest>,
    pub archived: bool,
    pub created_at: DateTime<Utc>,
}

/// When a digest newsletter goes out: every day, or one weekday, at an hour (UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Digest {
    /// 0 = Monday … 6 = Sunday; `None` = every day.
    pub weekday: Option<u8>,
    pub hour: u8,
}

impl Digest {
    /// `daily@HH` or `weekly:DAY@HH` (DAY: mon … sun).
    pub fn parse(s: &str) -> Result<Self, String> {
        let bad = || {
            format!("{s:?} is not a schedule; use daily@HH or weekly:DAY@HH (e.g. weekly:fri@07)")
        };
        let (when, hour) = s.trim().split_once('@').ok_or_else(bad)?;
        let hour: u8 = hour.parse().ok().filter(|h| *h < 24).ok_or_else(bad)?;
        let weekday = match when {
            "daily" => None,
            w => {
                let day = w.strip_prefix("weekly:").ok_or_else(bad)?;
                let days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
                Some(days.iter().position(|d| *d == day).ok_or_else(bad)? as u8)
            }
        };
        Ok(Digest { weekday, hour })
    }

    pub fn as_string(&self) -> String {
        let days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
        match self.weekday {
            None => format!("daily@{:02}", self.hour),
            Some(d) => format!("weekly:{}@{:02}", days[d as usize % 7], self.hour),
        }
    }

    /// The latest time this schedule fell due at or before `now`.
    pub fn last_due(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        use chrono::{Datelike, Duration, Timelike};
        let today = now
            .with_hour(self.hour as u32)
            .and_then(|t| t.with_minute(0))
            .and_then(|t| t.with_second(0))
            .and_then(|t| t.with_nanosecond(0))
            .unwrap_or(now);
        let mut due = if today <= now { today } else { today - Duration::days(1) };
        if let Some(wd) = self.weekday {
            while due.weekday().num_days_from_monday() != wd as u32 {
                due -= Duration::days(1);
            }
        }
        due
    }
}

/// What staff give to create or change a newsletter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct NewsletterInput {
    pub name: String,
    #[serde(default)]
    pub slug: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub sender_name: Option<String>,
    #[serde(default)]
    pub sender_email: Option<String>,
    #[serde(default)]
    pub reply_to: Option<String>,
    #[serde(default)]
    pub audience: Audience,
    #[serde(default)]
    pub subscribe_by_default: bool,
    /// `daily@HH` or `weekly:DAY@HH` for a digest.
    #[serde(default)]
    pub digest: Option<String>,
}

/// A checked [`NewsletterInput`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewsletterFields {
    pub slug: String,
    pub name: String,
    pub description: Option<String>,
    pub sender_name: Option<String>,
    pub sender_email: Option<String>,
    pub reply_to: Option<String>,
    pub audience: Audience,
    pub subscribe_by_default: bool,
    pub digest: Option<Digest>,
}

fn nonempty(s: &Option<String>) -> Option<String> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned)
}

/// Is `s` shaped like an email address (one `@`, something on each side, a dot after it)?
pub fn looks_like_email(s: &str) -> bool {
    let s = s.trim();
    match s.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !s.chars().any(|c| c.is_whitespace() || c == '<' || c == '>' || c == ',')
                && !domain.contains('@')
        }
        None => false,
    }
}

impl NewsletterInput {
    pub fn validate(&self) -> Result<NewsletterFields, Invalid> {
        let mut errors = Vec::new();
        let name = self.name.trim().to_owned();
        if name.is_empty() {
            errors.push(FieldError::new("name", "a newsletter needs a name"));
        } else if name.chars().count() > 191 {
            errors.push(FieldError::new("name", "at most 191 characters"));
        }
        let slug = slugify(nonempty(&self.slug).as_deref().unwrap_or(&name));
        if slug.is_empty() && !name.is_empty() {
            errors.push(FieldError::new("slug", "give a slug with letters or digits"));
        }
        for (field, value) in [("sender_email", &self.sender_email), ("reply_to", &self.reply_to)] {
            if let Some(v) = nonempty(value)
                && !looks_like_email(&v)
            {
                errors.push(FieldError::new(field, format!("{v:?} is not an email address")));
            }
        }
        let digest = match nonempty(&self.digest) {
            Some(d) => match Digest::parse(&d) {
                Ok(d) => Some(d),
                Err(e) => {
                    errors.push(FieldError::new("digest", e));
                    None
                }
            },
            None => None,
        };
        if !errors.is_empty() {
            return Err(Invalid(errors));
        }
        Ok(NewsletterFields {
            slug,
            name,
            description: nonempty(&self.description),
            sender_name: nonempty(&self.sender_name),
            sender_email: nonempty(&self.sender_email).map(|e| e.to_lowercase()),
            reply_to: nonempty(&self.reply_to),
            audience: self.audience,
            subscribe_by_default: self.subscribe_by_default,
            digest,
        })
    }
}

/// Which of a newsletter's subscribers a send goes to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Segment {
    #[default]
    All,
    Free,
    Paid,
    /// Holding this tier (its slug).
    Tier(String),
    /// Carrying this label (its slug).
    Label(String),
}

impl Segment {
    /// `all`, `free`, `paid`, `tier:SLUG` or `label:SLUG`.
    pub fn parse(s: &str) -> Result<Self, String> {
        let s = s.trim();
        match s {
            "" | "all" => Ok(Segment::All),
            "free" => Ok(Segment::Free),
            "paid" => Ok(Segment::Paid),
            _ => match s.split_once(':') {
                Some(("tier", t)) if !t.trim().is_empty() => Ok(Segment::Tier(t.trim().into())),
                Some(("label", l)) if !l.trim().is_empty() => Ok(Segment::Label(slugify(l.trim()))),
                _ => Err(format!(
                    "{s:?} is not a segment; use all, free, paid, tier:SLUG or label:SLUG"
                )),
            },
        }
    }

    pub fn as_string(&self) -> String {
        match self {
            Segment::All => "all".into(),
            Segment::Free => "free".into(),
            Segment::Paid => "paid".into(),
            Segment::Tier(t) => format!("tier:{t}"),
            Segment::Label(l) => format!("label:{l}"),
        }
    }
}

/// A send of one article (or digest) to one newsletter's segment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Send {
    pub id: i64,
    pub newsletter_id: i64,
    pub newsletter_slug: String,
    pub newsletter_name: String,
    /// The article sent, or the first of a digest's.
    pub article_ids: Vec<i64>,
    pub subject: String,
    pub segment: Segment,
    /// `sending`, `done` or `cancelled`.
    pub state: String,
    /// Why it is waiting (the SMTP server unreachable, …), while it is.
    pub last_error: Option<String>,
    pub counts: SendCounts,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

/// How many recipients of a send are in each state, and how many unsubscribed through it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct SendCounts {
    pub total: u64,
    pub pending: u64,
    pub sent: u64,
    pub failed: u64,
    pub bounced: u64,
    pub skipped: u64,
    pub unsubscribed: u64,
    /// Times the email was opened (its image loaded), when the send counted opens.
    pub opens: Option<u64>,
    /// Tracked links followed, when the send counted clicks.
    pub clicks: Option<u64>,
}

/// Does the publication count newsletter opens and clicks? Off by default: counting opens
/// loads an image from the site, and counting clicks sends readers through it. Only counts
/// per send are kept, never who opened or clicked.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tracking {
    pub opens: bool,
    pub clicks: bool,
}

/// The signature of a tracked link: an HMAC of the send and the exact URL that was in the
/// email, so the click address redirects only there (never an open redirect).
pub fn link_token(key: &[u8], send_id: i64, url: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(b"newsletter-link:");
    mac.update(send_id.to_string().as_bytes());
    mac.update(b":");
    mac.update(url.as_bytes());
    let sum = mac.finalize().into_bytes();
    sum[..16].iter().map(|b| format!("{b:02x}")).collect()
}

/// Was `url` in send `send_id`'s email, by its `token` (compared in constant time)?
pub fn link_token_matches(key: &[u8], send_id: i64, url: &str, token: &str) -> bool {
    let want = link_token(key, send_id, url);
    same_token(&want, token)
}

/// Why an address gets no more newsletters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SuppressionReason {
    Bounced,
    Complained,
    Unsubscribed,
}

impl SuppressionReason {
    pub fn as_str(self) -> &'static str {
        match self {
            SuppressionReason::Bounced => "bounced",
            SuppressionReason::Complained => "complained",
            SuppressionReason::Unsubscribed => "unsubscribed",
        }
    }

    pub fn parse(s: &str) -> Result<Self, String> {
        match s {
            "bounced" => Ok(Self::Bounced),
            "complained" => Ok(Self::Complained),
            "unsubscribed" => Ok(Self::Unsubscribed),
            o => Err(format!("{o:?} is not a reason; use bounced, complained or unsubscribed")),
        }
    }
}

/// An address on the suppression list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suppression {
    pub email: String,
    pub reason: SuppressionReason,
    pub detail: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// Work through one send's recipients until none is left (see byline-mail). Any node with
/// workers may run it; recipients are claimed in batches, so parts of one send may run on
/// several nodes at once without sending anyone twice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliverSend {
    pub send_id: i64,
}

impl Job for DeliverSend {
    const KIND: &'static str = "newsletters.deliver";
    /// A send waits out an unreachable server inside its run; tries are for crashes.
    const MAX_ATTEMPTS: u32 = 25;
}

/// A recipient's personal unsubscribe token: an HMAC of their public id under the site key,
/// so it needs no column and a forwarded message cannot unsubscribe anyone else.
pub fn unsubscribe_token(key: &[u8], member_uuid: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(b"newsletter-unsubscribe:");
    mac.update(member_uuid.as_bytes());
    let sum = mac.finalize().into_bytes();
    sum[..16].iter().map(|b| format!("{b:02x}")).collect()
}

/// Does `token` belong to `member_uuid` (compared in constant time)?
pub fn unsubscribe_token_matches(key: &[u8], member_uuid: &str, token: &str) -> bool {
    let want = unsubscribe_token(key, member_uuid);
    same_token(&want, token)
}

/// Compares two tokens in constant time.
fn same_token(want: &str, got: &str) -> bool {
    want.len() == got.len()
        && want.bytes().zip(got.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
}

/// How long a recipient waits after its `attempt`-th temporary failure: 1, 2, 4 … minutes,
/// at most an hour.
pub fn retry_after(attempt: u32) -> chrono::Duration {
    chrono::Duration::minutes(1i64 << attempt.saturating_sub(1).min(6))
}

/// Temporary failures a recipient may have before it is marked failed.
pub const MAX_RECIPIENT_ATTEMPTS: u32 = 5;

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_link_token_fits_only_its_send_and_url() {
        let t = link_token(b"key", 7, "https://example.org/a");
        assert!(link_token_matches(b"key", 7, "https://example.org/a", &t));
        assert!(!link_token_matches(b"key", 8, "https://example.org/a", &t));
        assert!(!link_token_matches(b"key", 7, "https://evil.example/", &t));
        assert!(!link_token_matches(b"other", 7, "https://example.org/a", &t));
        assert!(!link_token_matches(b"key", 7, "https://example.org/a", &t[..31]));
    }

    #[test]
    fn segments_and_schedules_parse_and_bad_ones_say_what_to_use() {
        assert_eq!(Segment::parse("tier:gold").unwrap(), Segment::Tier("gold".into()));
        assert_eq!(Segment::parse("label:VIP Readers").unwrap().as_string(), "label:vip-readers");
        assert!(Segment::parse("everyone").unwrap_err().contains("tier:SLUG"));
        let d = Digest::parse("weekly:fri@07").unwrap();
        assert_eq!(d.as_string(), "weekly:fri@07");
        assert!(Digest::parse("weekly:fri@24").is_err());
        // Sunday 29 November 2026, 10:00: the last Friday 07:00 was the 27th.
        let now = Utc.with_ymd_and_hms(2026, 11, 29, 10, 0, 0).unwrap();
        assert_eq!(d.last_due(now), Utc.with_ymd_and_hms(2026, 11, 27, 7, 0, 0).unwrap());
        let daily = Digest::parse("daily@11").unwrap();
        assert_eq!(daily.last_due(now), Utc.with_ymd_and_hms(2026, 11, 28, 11, 0, 0).unwrap());
    }

    #[test]
    fn input_is_checked_field_by_field() {
        let bad = NewsletterInput {
            name: " ".into(),
            reply_to: Some("nobody".into()),
            digest: Some("hourly".into()),
            ..Default::default()
        };
        let e = bad.validate().unwrap_err().to_string();
        assert!(e.contains("name") && e.contains("reply_to") && e.contains("digest"), "{e}");
        let ok = NewsletterInput { name: "Daily dispatch".into(), ..Default::default() };
        assert_eq!(ok.validate().unwrap().slug, "daily-dispatch");
    }

    #[test]
    fn tokens_belong_to_one_member() {
        let t = unsubscribe_token(b"k", "uuid-1");
        assert!(unsubscribe_token_matches(b"k", "uuid-1", &t));
        assert!(!unsubscribe_token_matches(b"k", "uuid-2", &t));
        assert_eq!(retry_after(1), chrono::Duration::minutes(1));
        assert_eq!(retry_after(40), chrono::Duration::minutes(64));
    }
}
