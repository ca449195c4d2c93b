//! Feeds: RSS 2.0, Atom 1.0 and JSON Feed 1.1 for the whole site, an author or a term.
//!
//! What an article gives to a feed is decided in one place, [`entry_html`]: a gated article
//! the feed's reader may not read (every reader of a public feed is anonymous) gives only
//! its preview, and no feed can carry more than `Reader::may_read` allows.

mod atom;
mod corrections;
mod entry;
mod info;
mod json;
mod render;
mod rss;

pub use atom::atom;
pub use corrections::corrections_atom;
pub(crate) use entry::escape;
pub use entry::{absolutize, absolutize_url, entry_html, rights, updated};
pub use info::{FEED_ITEMS, FeedFormat, FeedInfo};
pub use json::json;
pub use render::render;
pub use rss::rss;
