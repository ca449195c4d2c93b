//! Newsletters: the lists and members' choices among them (`catalogue`), sends with one row
//! per recipient (`sends`), the claims that let any number of senders on any number of nodes
//! work through one send without sending anyone twice (`recipients`), and the suppression
//! list with one-click unsubscribing (`suppressions`), and open and click counts, off by
//! default (`tracking`).

mod catalogue;
mod recipients;
mod schedule;
mod sends;
mod suppressions;
mod tracking;

pub(crate) use catalogue::{
    choose_in, set_exactly_in, set_in, subscribe_defaults_in, subscribe_defaults_unless_any_in,
};
pub use recipients::{ClaimedRecipient, Failure};
pub use sends::{NewSend, SEND_JOBS};
pub use tracking::Tracked;

/// The cache tag of every page that lists newsletters or sent issues.
pub const NEWSLETTERS_TAG: &str = "newsletters";
