//! Ghost compatibility: the Content API's shapes and NQL.
//!
//! Maps Byline's model onto the objects Ghost's Content API answers with (posts, pages,
//! authors, tags, tiers, settings, the search index), parses and evaluates Ghost's filter
//! language (NQL), reads the API's query parameters and builds its envelopes and error
//! bodies. It reads through the store and knows nothing of HTTP: the web crate maps requests
//! onto [`content::read`] and friends. It must not depend on byline-web.

mod browse;
pub mod content;
mod error;
pub mod ids;
mod lists;
mod named;
mod newsletters;
pub mod nql;
pub mod params;
mod people;
mod posts;
mod records;
pub mod search_index;
pub mod site;

pub use content::{Lookup, Resource};
pub use error::GhostError;
pub use params::Params;
pub use site::{CONTENT_VERSION, Site};
