//! How many searches one address may make: a fixed window per address, in this process's
//! memory (a search is a read; counting it in the database would make it a write).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Searches per address per window, unless configured otherwise.
pub const DEFAULT_SEARCHES_PER_MINUTE: u32 = 60;
const WINDOW: Duration = Duration::from_secs(60);
/// Addresses remembered before old windows are swept.
const SWEEP_AT: usize = 10_000;

#[derive(Debug)]
pub struct SearchLimiter {
    per_window: u32,
    seen: Mutex<HashMap<String, (Instant, u32)>>,
}

impl SearchLimiter {
    /// `per_minute` searches per address; 0 turns the limit off.
    pub fn new(per_minute: u32) -> Self {
        Self { per_window: per_minute, seen: Mutex::new(HashMap::new()) }
    }

    /// `Err(secs)` when this address must wait that long.
    pub fn admit(&self, addr: &str) -> Result<(), u64> {
        if self.per_window == 0 {
            return Ok(());
        }
        let now = Instant::now();
        let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        if seen.len() >= SWEEP_AT {
            seen.retain(|_, (start, _)| now.duration_since(*start) < WINDOW);
        }
        let entry = seen.entry(addr.to_owned()).or_insert((now, 0));
        if now.duration_since(entry.0) >= WINDOW {
            *entry = (now, 0);
        }
        if entry.1 >= self.per_window {
            let left = WINDOW.saturating_sub(now.duration_since(entry.0));
            return Err(left.as_secs().max(1));
        }
        entry.1 += 1;
        Ok(())
    }
}

impl Default for SearchLimiter {
    fn default() -> Self {
        Self::new(DEFAULT_SEARCHES_PER_MINUTE)
    }
}
