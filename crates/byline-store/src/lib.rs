//! byline-store
