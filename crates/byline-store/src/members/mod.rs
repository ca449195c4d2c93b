//! Members and tiers: readers who joined by email, the tiers they hold, their labels and
//! history, and the site key that signs their passes.

mod accounts;
mod events;
mod grants;
mod keys;
mod rows;
mod tiers;

pub use accounts::Joined;
pub use events::MemberEvent;
