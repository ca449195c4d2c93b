//! Publication settings: every publication field in one form, each error beside its field,
//! what was typed kept when something is wrong.

use super::fields::{Errors, Fields, again, done};
use super::frame::{Layout, SignedIn, render};
use crate::{AppState, WebError};
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use axum::{Form, Router};
use byline_core::staff::Action;
use byline_core::{Invalid, License, Publication};
use byline_store::StoreError;
use serde::Serialize;

pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/admin/settings", get(edit).post(update))
}

const SECTION: &str = "/admin/settings";

#[derive(Serialize)]
struct View {
    p: Publication,
    licenses: Vec<(&'static str, &'static str)>,
    errors: Errors,
}

async fn show(
    state: &AppState,
    who: &SignedIn,
    p: Publication,
    errors: Errors,
) -> Result<Response, WebError> {
    let failed = !errors.is_empty();
    let licenses = License::ALL.iter().map(|l| (l.code(), l.name())).collect();
    let layout = Layout::signed_in(state, who, "Settings", SECTION).await?;
    let view = View { p, licenses, errors };
    if failed {
        again(state, "settings.html", layout, view)
    } else {
        render(state, "settings.html", layout, view)
    }
}

async fn edit(State(state): State<AppState>, who: SignedIn) -> Result<Response, WebError> {
    who.require(Action::ManageSettings)?;
    let p = state.store.publication().await?;
    show(&state, &who, p, Errors::new()).await
}

/// The publication as the form describes it, and an error if the licence is unknown.
fn typed(f: &Fields) -> (Publication, Option<Invalid>) {
    let license = f.get("default_license");
    let (default_license, bad) = match license.parse::<License>() {
        Ok(l) => (l, None),
        Err(_) => (
            License::AllRightsReserved,
            Some(Invalid::one("default_license", format!("unknown licence {license:?}"))),
        ),
    };
    let p = Publication {
        title: f.get("title"),
        tagline: f.opt("tagline"),
        description: f.opt("description"),
        language: f.get("language"),
        base_url: f.opt("base_url"),
        logo: f.opt("logo"),
        favicon: f.opt("favicon"),
        contact_email: f.opt("contact_email"),
        media_email: f.opt("media_email"),
        copyright: f.opt("copyright"),
        disclaimer: f.opt("disclaimer"),
        disclaimer_html: None,
        republish_policy: f.opt("republish_policy"),
        republish_policy_html: None,
        default_license,
        allow_republishing: f.checked("allow_republishing"),
    };
    (p, bad)
}

async fn update(
    State(state): State<AppState>,
    who: SignedIn,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    who.require(Action::ManageSettings)?;
    let f = Fields(f);
    let (p, bad) = typed(&f);
    let result = match bad {
        Some(i) => Err(StoreError::Invalid(i)),
        None => state.store.update_publication(&who.actor(), p.clone()).await,
    };
    match result {
        Ok(_) => Ok(done(&who, "Settings saved.", SECTION).await),
        Err(StoreError::Invalid(i)) => {
            let mut errors = super::fields::errors(&i);
            if let Err(more) = p.clone().validate() {
                for e in more.0 {
                    errors.entry(e.field).or_insert(e.message);
                }
            }
            show(&state, &who, p, errors).await
        }
        Err(e) => Err(e.into()),
    }
}
