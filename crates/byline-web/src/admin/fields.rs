//! Reading submitted admin forms (repeated fields included) and showing their errors: the
//! helpers the content screens (authors, taxonomies, pages, settings, tokens) share.

use super::frame::{Layout, SignedIn, render};
use crate::{AppState, WebError};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use byline_core::Invalid;
use byline_store::StoreError;
use serde::Serialize;
use std::collections::BTreeMap;

/// A submitted form as its (name, value) pairs, in order.
pub struct Fields(pub Vec<(String, String)>);

impl Fields {
    /// The first value of `name`, or empty.
    pub fn get(&self, name: &str) -> String {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default()
    }

    /// The value of `name` when it is not blank.
    pub fn opt(&self, name: &str) -> Option<String> {
        Some(self.get(name)).filter(|v| !v.trim().is_empty())
    }

    /// Every value of a repeated field.
    pub fn all(&self, name: &str) -> Vec<String> {
        self.0.iter().filter(|(k, _)| k == name).map(|(_, v)| v.clone()).collect()
    }

    /// Is a checkbox ticked?
    pub fn checked(&self, name: &str) -> bool {
        self.0.iter().any(|(k, v)| k == name && !v.is_empty())
    }

    /// Was this button pressed?
    pub fn pressed(&self, name: &str) -> bool {
        self.0.iter().any(|(k, _)| k == name)
    }

    /// An optional id (a select's blank option means none); `field` names the error.
    pub fn id(&self, name: &str) -> Result<Option<i64>, Invalid> {
        match self.opt(name) {
            None => Ok(None),
            Some(v) => v.trim().parse().map(Some).map_err(|_| Invalid::one(name, "choose one")),
        }
    }

    /// A whole number, blank meaning 0.
    pub fn number(&self, name: &str) -> Result<i32, Invalid> {
        match self.opt(name) {
            None => Ok(0),
            Some(v) => v
                .trim()
                .parse()
                .map_err(|_| Invalid::one(name, format!("must be a whole number, not {v:?}"))),
        }
    }
}

/// Field errors by field name, as `macros.html` expects them.
pub type Errors = BTreeMap<String, String>;

pub fn errors(i: &Invalid) -> Errors {
    let mut out = Errors::new();
    for e in &i.0 {
        out.entry(e.field.clone()).or_insert_with(|| e.message.clone());
    }
    out
}

/// What a save did: the invalid fields to show again, or any other error.
pub enum Failed {
    Fields(Errors),
    Other(WebError),
}

impl From<StoreError> for Failed {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Invalid(i) => Failed::Fields(errors(&i)),
            other => Failed::Other(other.into()),
        }
    }
}

impl From<Invalid> for Failed {
    fn from(i: Invalid) -> Self {
        Failed::Fields(errors(&i))
    }
}

/// Renders a form again with its errors and what was typed, as 422.
pub fn again(
    state: &AppState,
    template: &str,
    layout: Layout,
    page: impl Serialize,
) -> Result<Response, WebError> {
    let res = render(state, template, layout, page)?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, res).into_response())
}

/// After a successful change: a message for the next page, and a redirect to it.
pub async fn done(who: &SignedIn, message: impl Into<String>, to: &str) -> Response {
    super::frame::flash(&who.session, message).await;
    Redirect::to(to).into_response()
}

/// After a refused change (a conflict): the reason on the next page, and a redirect to it.
pub async fn refused(who: &SignedIn, e: WebError, to: &str) -> Result<Response, WebError> {
    match e {
        WebError::Conflict(msg) => {
            super::frame::flash_error(&who.session, msg).await;
            Ok(Redirect::to(to).into_response())
        }
        other => Err(other),
    }
}
