//! What a session holds while someone signs in: between the password and the two-factor
//! code only a pending account id (which [`super::frame::SignedIn`] does not accept), then
//! the signed-in account. Sign-in ([`super::auth`]), the code step ([`super::two_factor`]),
//! setup and invitations all end here; the audit line was written by the store's use case
//! that proved who it is.

use super::frame::{CSRF, STAFF_ID, session_error};
use crate::{AppState, WebError};
use byline_core::staff::StaffUser;
use tower_sessions::Session;

const PENDING: &str = "pending_staff_id";
const PENDING_AT: &str = "pending_at";
const PENDING_NEXT: &str = "pending_next";
/// How long the code step waits after the password, in seconds.
const PENDING_SECS: i64 = 600;

/// Signs `staff` in on this session: a new session id (so one planted before sign-in is
/// worthless) and a new CSRF token.
pub(crate) async fn start_session(session: &Session, staff: &StaffUser) -> Result<(), WebError> {
    session.cycle_id().await.map_err(session_error)?;
    forget_pending(session).await;
    session.insert(STAFF_ID, staff.id).await.map_err(session_error)?;
    session.insert(CSRF, byline_core::secret::new_token()).await.map_err(session_error)?;
    Ok(())
}

/// After a correct password for an account with two-factor sign-in: remember who is half
/// signed in (under a new session id), and where they were going (a path already checked).
pub(crate) async fn await_code(
    session: &Session,
    staff: &StaffUser,
    next: &str,
) -> Result<(), WebError> {
    session.cycle_id().await.map_err(session_error)?;
    session.remove::<i64>(STAFF_ID).await.map_err(session_error)?;
    session.insert(PENDING, staff.id).await.map_err(session_error)?;
    session.insert(PENDING_AT, chrono::Utc::now().timestamp()).await.map_err(session_error)?;
    session.insert(PENDING_NEXT, next).await.map_err(session_error)?;
    Ok(())
}

async fn forget_pending(session: &Session) {
    let _ = session.remove::<i64>(PENDING).await;
    let _ = session.remove::<i64>(PENDING_AT).await;
    let _ = session.remove::<String>(PENDING_NEXT).await;
}

/// Someone past their password, waiting for their code.
pub(crate) struct Pending {
    pub staff: StaffUser,
    /// Where they were going: a path inside the admin.
    pub next: String,
}

/// The half-signed-in account, if its password step is recent and it is still active.
pub(crate) async fn pending(
    state: &AppState,
    session: &Session,
) -> Result<Option<Pending>, WebError> {
    let id: Option<i64> = session.get(PENDING).await.map_err(session_error)?;
    let at: i64 = session.get(PENDING_AT).await.map_err(session_error)?.unwrap_or(0);
    let Some(id) = id else { return Ok(None) };
    if chrono::Utc::now().timestamp() - at > PENDING_SECS {
        forget_pending(session).await;
        return Ok(None);
    }
    let staff = state.store.staff_by_id(id).await?;
    let next: String = session.get(PENDING_NEXT).await.map_err(session_error)?.unwrap_or_default();
    let next = if next.starts_with("/admin") { next } else { "/admin/".into() };
    Ok((!staff.disabled).then_some(Pending { staff, next }))
}
