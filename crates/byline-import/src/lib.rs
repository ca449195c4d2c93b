//! byline-import
