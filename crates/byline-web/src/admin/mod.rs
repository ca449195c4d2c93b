//! The newsroom's admin at `/admin`: server-rendered pages that work without JavaScript
//! (small scripts only enhance them), behind staff sign-in. Every state-changing request
//! passes the CSRF checks in [`csrf`]; every page is drawn in the frame of [`frame`].

mod auth;
mod csrf;
mod dashboard;
pub mod frame;
mod media;
pub(crate) mod sessions;

use crate::error::ErrorInfo;
use crate::{AppState, WebError};
use axum::Router;
use axum::extract::{Path, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use byline_store::ArticleFilter;
use dashboard::{Panel, PanelItem};
use frame::SignedIn;
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
        .route("/admin/assets/{*path}", get(asset))
        .merge(media::routes())
        .layer(middleware::from_fn_with_state(state.clone(), csrf::protect))
        .layer(middleware::from_fn_with_state(state.clone(), error_page))
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

/// Errors inside the admin get a page in the admin's style with the error's message.
async fn error_page(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let res = next.run(req).await;
    let Some(info) = res.extensions().get::<ErrorInfo>().cloned() else {
        return res;
    };
    #[derive(serde::Serialize)]
    struct Layout {
        title: String,
        publication: String,
        staff: Option<()>,
        csrf: String,
        nav: Vec<()>,
        flash: Option<()>,
    }
    #[derive(serde::Serialize)]
    struct Ctx {
        layout: Layout,
        page: ErrorInfo,
        status: u16,
    }
    let title = match info.status {
        StatusCode::NOT_FOUND => "Not found",
        StatusCode::FORBIDDEN => "Not allowed",
        StatusCode::CONFLICT => "Conflict",
        s if s.is_server_error() => "Something went wrong",
        _ => "That did not work",
    };
    let publication = state.frame().await.map(|f| f.publication.title.clone()).unwrap_or_default();
    let layout = Layout {
        title: title.into(),
        publication,
        staff: None,
        csrf: String::new(),
        nav: Vec::new(),
        flash: None,
    };
    let status = info.status;
    match state.admin.render("error.html", &Ctx { layout, page: info, status: status.as_u16() }) {
        Ok(html) => (status, [(header::CACHE_CONTROL, "no-store")], Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "could not render the admin error page");
            res
        }
    }
}

/// The dashboard's article panels.
async fn articles_panels(state: &AppState, _who: &SignedIn) -> Result<Vec<Panel>, WebError> {
    let recent = state.store.published_articles(&ArticleFilter::All, 1, 8).await?;
    Ok(vec![Panel {
        title: "Recently published".into(),
        total: recent.total,
        items: recent
            .items
            .iter()
            .map(|a| PanelItem {
                title: a.title.clone(),
                url: byline_render::urls::article(&a.slug),
                meta: a.published_at.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default(),
            })
            .collect(),
        empty: "Nothing published yet.".into(),
        more: None,
    }])
}
