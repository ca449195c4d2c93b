//! Who is signed in, and the frame every admin page is drawn in: the signed-in staff
//! member, the navigation their role allows, the CSRF token for forms, and a one-time
//! message from the last action ("Article published").

use crate::{AppState, WebError};
use axum::extract::{FromRef, FromRequestParts, OriginalUri};
use axum::http::request::Parts;
use axum::response::{Html, IntoResponse, Redirect, Response};
use byline_core::audit::Actor;
use byline_core::staff::{Action, StaffUser};
use serde::{Deserialize, Serialize};
use tower_sessions::Session;

/// Session keys.
pub(crate) const STAFF_ID: &str = "staff_id";
pub(crate) const CSRF: &str = "csrf";
const FLASH: &str = "flash";
/// The day the session was last used. Sessions expire after days without use; noting the
/// day (rather than rewriting the session on every request) keeps that true with at most one
/// write a day.
const SEEN: &str = "seen";

/// The signed-in staff member. Extracting it from a request without a valid session
/// redirects to the sign-in page (and back here afterwards).
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub staff: StaffUser,
    pub session: Session,
}

impl SignedIn {
    pub fn actor(&self) -> Actor {
        self.staff.actor()
    }

    /// Refuses with 403 unless the role allows `action`.
    pub fn require(&self, action: Action) -> Result<(), WebError> {
        if self.staff.role.may(action) {
            Ok(())
        } else {
            Err(WebError::forbidden(format!("your role ({}) does not allow this", self.staff.role)))
        }
    }
}

/// The redirect to sign in, as a rejection.
pub struct SignInFirst(String);

impl IntoResponse for SignInFirst {
    fn into_response(self) -> Response {
        let next = url::form_urlencoded::byte_serialize(self.0.as_bytes()).collect::<String>();
        Redirect::to(&format!("/admin/signin?next={next}")).into_response()
    }
}

impl<S> FromRequestParts<S> for SignedIn
where
    S: Send + Sync,
    AppState: FromRef<S>,
{
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let state = AppState::from_ref(state);
        let here = parts
            .extensions
            .get::<OriginalUri>()
            .map(|u| u.0.path().to_owned())
            .unwrap_or_else(|| parts.uri.path().to_owned());
        let session = Session::from_request_parts(parts, &state)
            .await
            .map_err(|(status, msg)| (status, msg).into_response())?;
        let id: Option<i64> = session.get(STAFF_ID).await.ok().flatten();
        let Some(id) = id else {
            return Err(SignInFirst(here).into_response());
        };
        match state.store.staff_by_id(id).await {
            Ok(staff) if !staff.disabled => {
                let today = chrono::Utc::now().date_naive().to_string();
                if let Err(e) = session.insert(SEEN, today).await {
                    tracing::warn!(error = %e, "could not note the session's use");
                }
                Ok(SignedIn { staff, session })
            }
            Ok(_) | Err(byline_store::StoreError::NotFound { .. }) => {
                let _ = session.flush().await;
                Err(SignInFirst(here).into_response())
            }
            Err(e) => Err(WebError::from(e).into_response()),
        }
    }
}

/// The session's CSRF token, made on first use.
pub async fn csrf_token(session: &Session) -> Result<String, WebError> {
    if let Some(t) = session.get::<String>(CSRF).await.map_err(session_error)? {
        return Ok(t);
    }
    let t = byline_core::secret::new_token();
    session.insert(CSRF, &t).await.map_err(session_error)?;
    Ok(t)
}

pub(crate) fn session_error(e: tower_sessions::session::Error) -> WebError {
    WebError::Internal(format!("session: {e}"))
}

/// A message shown once, on the next page.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Flash {
    /// `ok` or `error`.
    pub kind: String,
    pub message: String,
}

/// Leaves a message for the next page this session sees.
pub async fn flash(session: &Session, message: impl Into<String>) {
    let f = Flash { kind: "ok".into(), message: message.into() };
    if let Err(e) = session.insert(FLASH, f).await {
        tracing::warn!(error = %e, "could not keep a flash message");
    }
}

/// Like [`flash`], for something that did not work.
pub async fn flash_error(session: &Session, message: impl Into<String>) {
    let f = Flash { kind: "error".into(), message: message.into() };
    if let Err(e) = session.insert(FLASH, f).await {
        tracing::warn!(error = %e, "could not keep a flash message");
    }
}

/// The waiting message, if any. Removing only what is there keeps a page view from
/// rewriting the session.
async fn take_flash(session: &Session) -> Option<Flash> {
    session.get::<Flash>(FLASH).await.ok().flatten()?;
    session.remove::<Flash>(FLASH).await.ok().flatten()
}

#[derive(Debug, Serialize)]
struct NavItem {
    title: &'static str,
    url: &'static str,
    current: bool,
}

/// What `base.html` needs.
#[derive(Debug, Serialize)]
pub struct Layout {
    /// The page's title (templates may override the block).
    pub title: String,
    pub publication: String,
    pub staff: Option<StaffView>,
    pub csrf: String,
    nav: Vec<NavItem>,
    flash: Option<Flash>,
    /// What the role allows, for templates that show or hide controls.
    pub may: Permissions,
}

#[derive(Debug, Serialize)]
pub struct StaffView {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub role: String,
}

#[derive(Debug, Default, Serialize)]
pub struct Permissions {
    pub publish_any: bool,
    pub manage_authors: bool,
    pub manage_taxonomies: bool,
    pub manage_pages: bool,
    pub manage_settings: bool,
    pub manage_staff: bool,
    pub manage_tokens: bool,
    pub view_audit_log: bool,
    pub transfer_ownership: bool,
}

impl Permissions {
    fn of(staff: &StaffUser) -> Self {
        let r = staff.role;
        Self {
            publish_any: r.may(Action::PublishArticle { own: false }),
            manage_authors: r.may(Action::ManageAuthors),
            manage_taxonomies: r.may(Action::ManageTaxonomies),
            manage_pages: r.may(Action::ManagePages),
            manage_settings: r.may(Action::ManageSettings),
            manage_staff: r.may(Action::ManageStaff),
            manage_tokens: r.may(Action::ManageTokens),
            view_audit_log: r.may(Action::ViewAuditLog),
            transfer_ownership: r.may(Action::TransferOwnership),
        }
    }
}

/// The admin's sections: (title, url, who sees it).
const SECTIONS: &[(&str, &str, Option<Action>)] = &[
    ("Dashboard", "/admin/", None),
    ("Articles", "/admin/articles", None),
    ("Media", "/admin/media", None),
    ("Authors", "/admin/authors", Some(Action::ManageAuthors)),
    ("Taxonomies", "/admin/taxonomies", Some(Action::ManageTaxonomies)),
    ("Pages", "/admin/pages", Some(Action::ManagePages)),
    ("Members", "/admin/members", Some(Action::ViewMembers)),
    ("Inbox", "/admin/inbox", Some(Action::ViewMembers)),
    ("Tiers", "/admin/tiers", Some(Action::ViewMembers)),
    ("Comments", "/admin/comments", Some(Action::ModerateComments)),
    ("Newsletters", "/admin/newsletters", Some(Action::ViewMembers)),
    ("Staff", "/admin/staff", Some(Action::ManageStaff)),
    ("Settings", "/admin/settings", Some(Action::ManageSettings)),
    ("API tokens", "/admin/tokens", Some(Action::ManageTokens)),
    ("Integrations", "/admin/integrations", Some(Action::ManageTokens)),
    ("Old addresses", "/admin/old-addresses", Some(Action::ManageSettings)),
    ("Audit log", "/admin/audit", Some(Action::ViewAuditLog)),
    ("Jobs", "/admin/jobs", Some(Action::ManageJobs)),
];

impl Layout {
    /// The frame for a signed-in page; `section` is the nav entry's URL to mark current.
    pub async fn signed_in(
        state: &AppState,
        who: &SignedIn,
        title: impl Into<String>,
        section: &str,
    ) -> Result<Self, WebError> {
        let frame = state.frame().await?;
        let nav = SECTIONS
            .iter()
            .filter(|(_, _, need)| need.is_none_or(|a| who.staff.role.may(a)))
            .map(|(title, url, _)| NavItem { title, url, current: *url == section })
            .collect();
        Ok(Self {
            title: title.into(),
            publication: frame.publication.title.clone(),
            staff: Some(StaffView {
                id: who.staff.id,
                name: who.staff.name.clone(),
                email: who.staff.email.clone(),
                role: who.staff.role.to_string(),
            }),
            csrf: csrf_token(&who.session).await?,
            nav,
            flash: take_flash(&who.session).await,
            may: Permissions::of(&who.staff),
        })
    }

    /// The frame for a page seen before signing in (sign-in, setup, password reset).
    pub async fn anonymous(
        state: &AppState,
        session: &Session,
        title: impl Into<String>,
    ) -> Result<Self, WebError> {
        let frame = state.frame().await?;
        Ok(Self {
            title: title.into(),
            publication: frame.publication.title.clone(),
            staff: None,
            csrf: csrf_token(session).await?,
            nav: Vec::new(),
            flash: take_flash(session).await,
            may: Permissions::default(),
        })
    }
}

impl Layout {
    /// The frame for a page that needs no session: no one named, no forms. Error pages use
    /// it, so it does without the publication's title when even that cannot be loaded.
    pub async fn bare(state: &AppState, title: impl Into<String>) -> Self {
        let publication = match state.frame().await {
            Ok(f) => f.publication.title.clone(),
            Err(e) => {
                tracing::warn!(error = %e, "the admin frame has no publication title");
                "Byline".to_owned()
            }
        };
        Self {
            title: title.into(),
            publication,
            staff: None,
            csrf: String::new(),
            nav: Vec::new(),
            flash: None,
            may: Permissions::default(),
        }
    }
}

/// Renders an admin template with `{layout, page}`. Admin pages are never cached.
pub fn render(
    state: &AppState,
    template: &str,
    layout: Layout,
    page: impl Serialize,
) -> Result<Response, WebError> {
    #[derive(Serialize)]
    struct Ctx<P> {
        layout: Layout,
        page: P,
    }
    let html = state.admin.render(template, &Ctx { layout, page })?;
    Ok(([(axum::http::header::CACHE_CONTROL, "no-store")], Html(html)).into_response())
}
