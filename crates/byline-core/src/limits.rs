//! How many failed attempts are allowed before a door stays shut for a while: sign-in per
//! account and per address, the two-factor code, and password-reset requests. The store
//! keeps the attempts (so every node sees them); this says what they mean.

use chrono::{DateTime, Duration, Utc};

/// At most `max` attempts in any `window`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    /// What is limited, as stored: `signin-account`, `signin-address`, ...
    pub scope: &'static str,
    pub max: u64,
    pub window: Duration,
}

/// Failed sign-ins for one email.
pub const SIGN_IN_PER_ACCOUNT: Limit =
    Limit { scope: "signin-account", max: 5, window: Duration::minutes(15) };
/// Failed sign-ins for one email from a browser that signed in to it before (a proven
/// device, see [`crate::device`]): counted apart from [`SIGN_IN_PER_ACCOUNT`], so strangers'
/// failures do not lock its owner out.
pub const SIGN_IN_PER_DEVICE: Limit =
    Limit { scope: "signin-device", max: 5, window: Duration::minutes(15) };
/// Failed sign-ins from one address, whatever the email.
pub const SIGN_IN_PER_ADDRESS: Limit =
    Limit { scope: "signin-address", max: 20, window: Duration::minutes(15) };
/// Wrong two-factor codes for one account.
pub const CODE_PER_ACCOUNT: Limit =
    Limit { scope: "code-account", max: 5, window: Duration::minutes(15) };
/// Password-reset requests for one email.
pub const RESET_PER_EMAIL: Limit =
    Limit { scope: "reset-email", max: 3, window: Duration::hours(1) };
/// Password-reset requests from one address.
pub const RESET_PER_ADDRESS: Limit =
    Limit { scope: "reset-address", max: 10, window: Duration::minutes(15) };

impl Limit {
    /// Seconds until another attempt is allowed, given the times of the most recent attempts
    /// (any order); `None` when one is allowed now.
    pub fn retry_after(&self, attempts: &[DateTime<Utc>], now: DateTime<Utc>) -> Option<u64> {
        let mut recent: Vec<_> = attempts.iter().filter(|t| **t > now - self.window).collect();
        if (recent.len() as u64) < self.max {
            return None;
        }
        recent.sort_unstable_by(|a, b| b.cmp(a));
        // The door opens when the max-th newest attempt leaves the window.
        let opens = *recent[self.max as usize - 1] + self.window;
        Some(((opens - now).num_seconds().max(1)) as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_door_shuts_at_the_limit_and_opens_when_the_oldest_leaves_the_window() {
        let now = Utc::now();
        let l = SIGN_IN_PER_ACCOUNT;
        let four: Vec<_> = (0..4).map(|i| now - Duration::minutes(i)).collect();
        assert_eq!(l.retry_after(&four, now), None);
        let mut five = four.clone();
        five.push(now - Duration::minutes(10));
        assert_eq!(l.retry_after(&five, now), Some(300));
        let old = vec![now - Duration::minutes(20); 9];
        assert_eq!(l.retry_after(&old, now), None);
    }
}
