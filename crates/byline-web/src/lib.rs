//! byline-web
