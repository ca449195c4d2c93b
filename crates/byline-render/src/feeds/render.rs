//! One entry point for any of the formats.

use super::atom::atom;
use super::info::{FeedFormat, FeedInfo};
use super::json::json;
use super::rss::rss;
use byline_core::members::Reader;
use byline_core::{Article, Publication};

/// A feed in one of the formats, as `reader` may have it (public feeds:
/// `Reader::Anonymous`).
pub fn render(
    format: FeedFormat,
    info: &FeedInfo,
    articles: &[Article],
    p: &Publication,
    base: &str,
    reader: &Reader,
) -> String {
    match format {
        FeedFormat::Rss => rss(info, articles, p, base, reader),
        FeedFormat::Atom => atom(info, articles, p, base, reader),
        FeedFormat::Json => json(info, articles, p, base, reader),
    }
}
