//! Members and tiers: readers who joined by email, the tiers they hold, their labels and
//! history, and the site key that signs their passes.

mod accounts;
mod events;
mod figures;
mod grants;
mod keys;
mod labels;
mod links;
mod listing;
mod profile;
mod rows;
mod staff;
mod stripe;
mod tiers;

pub use accounts::Joined;
pub use events::MemberEvent;
pub(crate) use events::record as record_event;
pub use links::{
    LIMIT_WINDOW, LINK_VALID_FOR, LINKS_PER_CLIENT, LINKS_PER_EMAIL, LinkAsked, LinkPurpose,
    LinkRefusal, LinkRequest, MintedLink, SignedIn,
};
pub use staff::{IMPORT_COMP_TIER, ImportOutcome, ImportedMember};
pub use stripe::{
    CheckoutCompleted, Handled, InvoiceState, StripeEventId, SubscriptionState, TierPrices,
};
