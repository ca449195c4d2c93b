//! Byline's domain: what a publication is made of (publication settings, authors, articles,
//! taxonomies and terms, static pages), and the rules that make them valid: slugs, licences,
//! Markdown rendered to sanitized HTML at save time, excerpts.
//!
//! This crate is pure: no HTTP, no SQL, no file or network IO. The store persists these types,
//! importers and the admin build them, themes display them through view-models.

pub mod accounts;
pub mod article;
pub mod audit;
pub mod author;
pub mod comment_form;
pub mod comment_text;
pub mod comments;
pub mod contact;
pub mod correction;
pub mod device;
pub mod editorial;
pub mod error;
pub mod gating;
pub mod integration;
pub mod jobs;
pub mod license;
pub mod limits;
pub mod markdown;
pub mod media;
pub mod member_list;
pub mod member_pass;
pub mod members;
pub mod newsletters;
pub mod old_address;
pub mod page;
pub mod publication;
pub mod republish;
pub mod revision;
pub mod secret;
pub mod slug;
pub mod spam;
pub mod staff;
pub mod taxonomy;
pub mod tiers;
pub mod two_factor;
pub mod webhooks;

pub use article::{
    Article, ArticleFields, ArticleInput, ArticleStatus, ArticleSummary, FeaturedImage, Source,
    TermPath,
};
pub use author::{Author, AuthorInput, AuthorLink, AuthorRef};
pub use error::{FieldError, Invalid};
pub use license::License;
pub use page::{Page, PageInput};
pub use publication::Publication;
pub use slug::{slugify, unique_slug};
pub use taxonomy::{Taxonomy, TaxonomyInput, Term, TermInput, TermRef};
