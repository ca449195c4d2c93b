//! View-models: exactly what templates see, built from `byline_core` types. Field names are
//! the theme contract (docs/THEMES.md); changing one breaks themes, so add rather than rename.

mod article;
mod comments;
mod contact;
mod members;
mod newsletters;
mod pages;
mod search;
pub mod share;
pub(crate) mod shared;
mod site;

pub use article::*;
pub use comments::*;
pub use contact::*;
pub use members::*;
pub use newsletters::*;
pub use pages::*;
pub use search::*;
pub use shared::*;
pub use site::*;
