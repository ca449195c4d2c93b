//! Why a step on someone's account did not happen: the actor may not take it, or the store
//! said no (a field, a conflict, no such account).

use crate::StoreError;
use byline_core::Invalid;
use byline_core::audit::Actor;
use byline_core::staff::Action;

/// What the staff management use cases return when they do not go ahead.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    /// The actor's role, or the account acted on, does not allow it (the admin's 403).
    #[error("{0}")]
    Refused(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<Invalid> for AccountError {
    fn from(e: Invalid) -> Self {
        AccountError::Store(e.into())
    }
}

impl From<sea_orm::DbErr> for AccountError {
    fn from(e: sea_orm::DbErr) -> Self {
        AccountError::Store(e.into())
    }
}

/// Refuses unless `actor`'s role allows `action`.
pub(super) fn require(actor: &Actor, action: Action) -> Result<(), AccountError> {
    if actor.may(action) {
        Ok(())
    } else {
        Err(AccountError::Refused(format!("your role ({}) does not allow this", actor.role)))
    }
}
