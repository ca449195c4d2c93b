//! Ghost's error body: `{"errors":[{"message","context","type","details","property","help",
//! "code","id","ghostErrorCode"}]}`, with the status each type has in Ghost.

use serde_json::{Value, json};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GhostError {
    /// 400 `BadRequestError`: a malformed filter, order, limit or page.
    BadRequest { message: String, context: String },
    /// 401 `UnauthorizedError`: an unknown or revoked Content API key.
    UnknownKey,
    /// 403 `NoPermissionError`: no key at all.
    NoKey,
    /// 404 `NotFoundError`.
    NotFound(&'static str),
    /// 500 `InternalServerError` (details go to the log, not the client).
    Internal(String),
}

impl GhostError {
    pub fn bad_request(message: impl Into<String>, context: impl Into<String>) -> Self {
        GhostError::BadRequest { message: message.into(), context: context.into() }
    }

    pub fn status(&self) -> u16 {
        match self {
            GhostError::BadRequest { .. } => 400,
            GhostError::UnknownKey => 401,
            GhostError::NoKey => 403,
            GhostError::NotFound(_) => 404,
            GhostError::Internal(_) => 500,
        }
    }

    /// The body Ghost sends, with a fresh error id.
    pub fn body(&self) -> Value {
        let (kind, message, context) = match self {
            GhostError::BadRequest { message, context } => {
                ("BadRequestError", message.clone(), Some(context.clone()))
            }
            GhostError::UnknownKey => ("UnauthorizedError", "Unknown Content API Key".into(), None),
            GhostError::NoKey => (
                "NoPermissionError",
                "Authorization failed".into(),
                Some(
                    "Unable to determine the authenticated member or integration. Check the \
                     supplied Content API Key and ensure cookies are being passed through if \
                     member auth is failing."
                        .into(),
                ),
            ),
            GhostError::NotFound(what) => ("NotFoundError", format!("{what} not found."), None),
            GhostError::Internal(_) => (
                "InternalServerError",
                "An unexpected error occurred, please try again.".into(),
                None,
            ),
        };
        json!({"errors": [{
            "message": message,
            "context": context,
            "type": kind,
            "details": null,
            "property": null,
            "help": null,
            "code": null,
            "id": uuid::Uuid::new_v4().to_string(),
            "ghostErrorCode": null,
        }]})
    }
}

impl From<crate::nql::NqlError> for GhostError {
    fn from(e: crate::nql::NqlError) -> Self {
        GhostError::bad_request("Error parsing filter", e.to_string())
    }
}
