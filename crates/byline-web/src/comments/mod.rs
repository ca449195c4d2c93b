//! Comments on the web, the readers' side: the comment desk (the form and the member's own
//! comments, a page of its own so that the article's page stays cached), posting, editing,
//! deleting, reporting, reply emails on or off ([`handlers`], [`desk`]), guests' comments,
//! their confirmation links and the link that stops their reply emails in the `everyone`
//! mode ([`guest`]), and the emails the job queue sends ([`mail`]). The comments readers see are part of the cached article page
//! (`public::comments`); moderation is in the admin and the Admin API.
//!
//! Anti-spam on every post: the same-site check, a honeypot field, a signed stamp of when the
//! form was shown (refused when posted too fast or too late), then the store's rate limits,
//! duplicate check, bans and hold rules.

mod desk;
mod guest;
mod handlers;
pub mod mail;

/// Where a guest's confirmation link points (with `?token=…`).
pub const CONFIRM_PATH: &str = "/comments/confirm/";
/// Where the link in a guest's reply email that stops those emails points (`?token=…`).
pub const STOP_PATH: &str = "/comments/replies/stop/";

use crate::AppState;
use axum::Router;
use axum::middleware;
use axum::routing::{get, post};

/// The members' comment routes: never cached, behind the pass middleware and the same-site
/// check.
pub(crate) fn routes(state: &AppState) -> Router<AppState> {
    Router::new()
        .route("/articles/{slug}/comments/", post(handlers::post))
        .route("/articles/{slug}/comments/desk/", get(handlers::show))
        .route(CONFIRM_PATH, get(guest::confirm_page).post(guest::confirm))
        .route(STOP_PATH, get(guest::stop_page).post(guest::stop))
        .route("/articles/{slug}/comments/emails/", post(handlers::reply_emails))
        .route("/articles/{slug}/comments/{part}/edit/", post(handlers::edit))
        .route("/articles/{slug}/comments/{part}/delete/", post(handlers::delete))
        .route(
            "/articles/{slug}/comments/{part}/report/",
            get(handlers::report_form).post(handlers::report),
        )
        .layer(middleware::from_fn_with_state(state.clone(), crate::members::guard::same_site_only))
        .layer(middleware::from_fn_with_state(state.clone(), crate::members::passes::refresh))
}
