//! byline-render
