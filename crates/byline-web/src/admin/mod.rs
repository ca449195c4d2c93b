//! The newsroom's admin at `/admin`: server-rendered pages that work without JavaScript
//! (small scripts only enhance them), behind staff sign-in. Every state-changing request
//! passes the CSRF checks in [`csrf`]; every page is drawn in the frame of [`frame`].

mod account;
pub(crate) mod articles;
mod audit_log;
mod auth;
mod authors;
mod commenters;
mod comments;
mod corrections;
pub(crate) mod csrf;
mod dashboard;
mod device;
mod error_page;
mod fields;
pub mod frame;
mod inbox;
mod integrations;
mod invitations;
mod jobs;
mod limits;
mod media;
mod member;
mod member_labels;
mod members;
mod newsletter;
mod newsletters;
mod old_addresses;
mod pages;
mod password;
pub(crate) mod sessions;
mod settings;
mod signing;
mod staff;
mod taxonomies;
mod terms;
mod tiers;
mod tokens;
mod two_factor;
mod webhooks;

use crate::{AppState, WebError};
use axum::Router;
use axum::extract::{Path, State};
use axum::http::header;
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "byline_session";

/// Every admin route, under `/admin/`.
pub(crate) fn routes(state: &AppState) -> Router<AppState> {
    let sessions = SessionManagerLayer::new(sessions::DbSessions(state.store.clone()))
        .with_name(SESSION_COOKIE)
        .with_path("/")
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(state.base_url.starts_with("https://"))
        .with_expiry(Expiry::OnInactivity(tower_sessions::cookie::time::Duration::days(
            sessions::IDLE_DAYS,
        )));
    Router::new()
        .route("/admin/", get(dashboard::dashboard))
        .route("/admin/signin", get(auth::sign_in_form).post(auth::sign_in))
        .route("/admin/signout", post(auth::sign_out))
        .route("/admin/setup", get(auth::setup_form).post(auth::setup))
        .route("/admin/articles", get(articles::list).post(articles::save_new))
        .route("/admin/articles/new", get(articles::new))
        .route("/admin/articles/preview", post(articles::preview))
        .route("/admin/articles/{id}", get(articles::edit).post(articles::save_existing))
        .route("/admin/articles/{id}/revisions", get(articles::revisions))
        .route("/admin/articles/{id}/revisions/{rev}", get(articles::revision))
        .route("/admin/articles/{id}/revisions/{rev}/restore", post(articles::restore))
        .route("/admin/articles/{id}/{step}", post(articles::step))
        .route("/admin/signin/code", get(two_factor::code_form).post(two_factor::code))
        .route("/admin/password/forgot", get(password::forgot_form).post(password::forgot))
        .route("/admin/password/reset", get(password::reset_form).post(password::reset))
        .route("/admin/account", get(account::show).post(account::rename))
        .route("/admin/account/password", post(account::change_password))
        .route("/admin/account/two-factor", get(two_factor::enrol_form).post(two_factor::confirm))
        .route("/admin/account/two-factor/start", post(two_factor::start))
        .route("/admin/account/two-factor/off", post(account::two_factor_off))
        .route("/admin/staff", get(staff::list))
        .route("/admin/staff/{id}/role", post(staff::change_role))
        .route("/admin/staff/{id}/disable", post(staff::disable))
        .route("/admin/staff/{id}/enable", post(staff::enable))
        .route("/admin/staff/transfer", post(staff::transfer))
        .route("/admin/staff/invitations", post(invitations::invite))
        .route("/admin/staff/invitations/{id}/revoke", post(invitations::revoke))
        .route("/admin/invitation", get(invitations::accept_form).post(invitations::accept))
        .route("/admin/assets/{*path}", get(asset))
        .route("/admin/{*rest}", any(error_page::unknown_address))
        .merge(authors::routes())
        .merge(taxonomies::routes())
        .merge(terms::routes())
        .merge(pages::routes())
        .merge(settings::routes())
        .merge(tokens::routes())
        .merge(integrations::routes())
        .merge(audit_log::routes())
        .merge(media::routes())
        .merge(jobs::routes())
        .merge(members::routes())
        .merge(member_labels::routes())
        .merge(tiers::routes())
        .merge(inbox::routes())
        .merge(corrections::routes())
        .merge(webhooks::routes())
        .merge(old_addresses::routes())
        .merge(comments::routes())
        .merge(newsletters::routes())
        .merge(newsletter::routes())
        .layer(middleware::from_fn_with_state(state.clone(), csrf::protect))
        .layer(middleware::from_fn(crate::nul::refuse_nul))
        .layer(middleware::from_fn_with_state(state.clone(), error_page::error_page))
        .layer(sessions)
}

/// The admin's own stylesheet and scripts.
async fn asset(State(state): State<AppState>, Path(path): Path<String>) -> Response {
    match state.admin.asset(&path) {
        Some(a) => (
            [
                (header::CONTENT_TYPE, a.content_type),
                (header::CACHE_CONTROL, "public, max-age=86400"),
            ],
            a.bytes.clone(),
        )
            .into_response(),
        None => WebError::NotFound.into_response(),
    }
}
