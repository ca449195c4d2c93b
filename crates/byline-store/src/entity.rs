//! The tables, one sea-orm entity each. Only this crate sees them; everything outside gets
//! `byline_core` types.

pub mod api_token;
pub mod article;
pub mod article_author;
pub mod article_label;
pub mod article_revision;
pub mod article_term;
#[allow(dead_code)] // until articles are gated by tier (issue 11 point 5)
pub mod article_tier;
pub mod audit_log;
pub mod author;
pub mod change_log;
pub mod integration;
pub mod job;
pub mod media;
pub mod member;
pub mod member_event;
pub mod member_label;
pub mod member_labelling;
pub mod member_link;
pub mod member_tier;
pub mod one_time_token;
pub mod page;
pub mod publication;
pub mod republication;
pub mod sign_in_attempt;
pub mod site_key;
pub mod slug_redirect;
pub mod staff_recovery_code;
pub mod staff_session;
pub mod staff_two_factor;
pub mod staff_user;
#[allow(dead_code)] // until the Stripe webhook lands (issue 11 point 4)
pub mod stripe_event;
pub mod taxonomy;
pub mod term;
pub mod term_redirect;
pub mod tier;
