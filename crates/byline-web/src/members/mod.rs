//! Members on the web: who the reader of a page is ([`reader`]: the member pass cookie,
//! opened without a database query; [`passes`]: issuing passes and refreshing stale ones),
//! joining and signing in by email ([`links`]), the account page ([`account`]), the link's
//! email ([`mail`], sent by the job queue), and the members' pages' shared parts (`pages`,
//! `guard`: same-site checks on every form).

pub mod account;
mod cancel;
pub(crate) mod guard;
pub mod links;
pub mod mail;
pub(crate) mod pages;
pub mod passes;
pub mod reader;
pub mod stripe;

pub(crate) use cancel::end_subscriptions;
pub use reader::{MEMBER_COOKIE, pass_cookie};

use crate::AppState;
use axum::Router;
use axum::middleware;
use axum::routing::{get, post};

/// The members' own pages. They are never cached (they show one person, or spend a link),
/// so they sit outside the page cache, behind the pass middleware and the same-site check.
pub(crate) fn routes(state: &AppState) -> Router<AppState> {
    Router::new()
        .route("/members/join/", get(links::join_form).post(links::join))
        .route("/members/signin/", get(links::signin_form).post(links::signin))
        .route("/members/confirm/", get(links::confirm_page).post(links::confirm))
        .route("/members/signout/", post(links::signout))
        .route("/members/account/", get(account::show))
        .route("/members/account/name/", post(account::rename))
        .route("/members/account/email/", post(account::change_email))
        .route("/members/account/data/", get(account::data))
        .route("/members/account/newsletters/", post(account::newsletters))
        .route("/members/account/delete/", post(account::delete))
        .layer(middleware::from_fn_with_state(state.clone(), guard::same_site_only))
        .layer(middleware::from_fn_with_state(state.clone(), passes::refresh))
}
