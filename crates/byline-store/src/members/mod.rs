//! Members and tiers: readers who joined by email, the tiers they hold, their labels and
//! history, and the site key that signs their passes.

mod accounts;
mod events;
mod grants;
mod keys;
mod links;
mod profile;
mod rows;
mod stripe;
mod tiers;

pub use accounts::Joined;
pub use events::MemberEvent;
pub use links::{
    LIMIT_WINDOW, LINK_VALID_FOR, LINKS_PER_CLIENT, LINKS_PER_EMAIL, LinkAsked, LinkPurpose,
    LinkRefusal, LinkRequest, MintedLink, SignedIn,
};
pub use stripe::{
    CheckoutCompleted, Handled, InvoiceState, StripeEventId, SubscriptionState, TierPrices,
};
