//! The contact desk at `/contact/`: the form ([`form`]: anti-spam checks, the message kept in
//! the admin's inbox, a clear answer with the typed text kept on any error) and the message's
//! email to the publication ([`mail`], sent by the job queue). The page is never cached (its
//! form carries the time it was drawn) and every POST must come from this site.

mod form;
pub mod mail;

use crate::AppState;
use axum::Router;
use axum::middleware;
use axum::routing::get;

pub(crate) fn routes(state: &AppState) -> Router<AppState> {
    Router::new()
        .route("/contact/", get(form::show).post(form::send))
        .layer(middleware::from_fn_with_state(state.clone(), crate::members::guard::same_site_only))
        .layer(middleware::from_fn(crate::nul::refuse_nul))
        .layer(middleware::from_fn_with_state(state.clone(), crate::members::passes::refresh))
}
