//! Members and tiers: readers who joined by email, the tiers they hold, their labels and
//! history, and the site key that signs their passes.

mod accounts;
mod events;
mod figures;
mod grants;
mod keys;
mod labels;
mod listing;
mod rows;
mod staff;
mod tiers;

pub use accounts::Joined;
pub use events::MemberEvent;
pub use staff::{IMPORT_COMP_TIER, ImportOutcome, ImportedMember};
