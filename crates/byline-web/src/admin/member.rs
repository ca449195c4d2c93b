//! One member: adding one, their page (details, tiers with complimentary grants, labels,
//! history), editing, and deleting with a confirmation.

use super::fields::{Errors, Failed, Fields, again, done, refused};
use super::frame::{Layout, SignedIn, flash_error, render};
use super::members::SECTION;
use crate::{AppState, WebError};
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use byline_core::member_list::parse_day;
use byline_core::members::{Member, MemberInput, TierKind};
use byline_core::staff::Action;
use byline_store::Joined;
use chrono::Utc;
use serde::Serialize;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/members/new", get(new))
        .route("/admin/members/{id}", get(show).post(update))
        .route("/admin/members/{id}/delete", post(delete))
        .route("/admin/members/{id}/grant", post(grant))
        .route("/admin/members/{id}/ungrant", post(ungrant))
}

#[derive(Serialize)]
struct GrantRow {
    tier: String,
    slug: String,
    source: String,
    until: String,
    current: bool,
    comp: bool,
}

#[derive(Serialize)]
struct EventRow {
    kind: String,
    detail: String,
    at: String,
    money: String,
}

#[derive(Serialize, Default)]
struct MemberPage {
    id: Option<i64>,
    email: String,
    name: String,
    note: String,
    labels: String,
    status: String,
    joined: String,
    stripe_customer_id: String,
    grants: Vec<GrantRow>,
    events: Vec<EventRow>,
    /// Paid tiers that may be granted: (slug, name).
    paid_tiers: Vec<(String, String)>,
    errors: Errors,
    manage: bool,
}

impl MemberPage {
    fn typed(f: &Fields, id: Option<i64>) -> Self {
        Self {
            id,
            email: f.get("email"),
            name: f.get("name"),
            note: f.get("note"),
            labels: f.get("labels"),
            ..Default::default()
        }
    }

    fn of(m: Member) -> Self {
        let now = Utc::now();
        Self {
            id: Some(m.id),
            status: m.status.as_str().to_owned(),
            joined: m.created_at.format("%Y-%m-%d %H:%M UTC").to_string(),
            stripe_customer_id: m.stripe_customer_id.unwrap_or_default(),
            labels: m.labels.join(", "),
            grants: m
                .grants
                .into_iter()
                .map(|g| GrantRow {
                    current: g.is_current(now),
                    comp: g.source == byline_core::members::GrantSource::Comp,
                    until: g
                        .expires_at
                        .map(|e| e.format("%Y-%m-%d").to_string())
                        .unwrap_or_default(),
                    source: g.source.as_str().to_owned(),
                    tier: g.tier_name,
                    slug: g.tier_slug,
                })
                .collect(),
            email: m.email,
            name: m.name.unwrap_or_default(),
            note: m.note.unwrap_or_default(),
            ..Default::default()
        }
    }
}

fn input(f: &Fields) -> MemberInput {
    MemberInput {
        email: f.get("email"),
        name: f.opt("name"),
        note: f.opt("note"),
        labels: f.get("labels").split(',').map(str::to_owned).collect(),
    }
}

async fn page(
    state: &AppState,
    who: &SignedIn,
    mut view: MemberPage,
    failed: bool,
) -> Result<Response, WebError> {
    view.manage = who.staff.role.may(Action::ManageMembers);
    if let Some(id) = view.id {
        view.events = state
            .store
            .member_events(id)
            .await?
            .into_iter()
            .map(|e| EventRow {
                money: match (e.amount, e.currency) {
                    (Some(a), Some(c)) => {
                        format!("{}.{:02} {}", a / 100, a % 100, c.to_uppercase())
                    }
                    _ => String::new(),
                },
                kind: e.kind,
                detail: e.detail,
                at: e.at.format("%Y-%m-%d %H:%M").to_string(),
            })
            .collect();
        view.paid_tiers = state
            .store
            .tiers()
            .await?
            .into_iter()
            .filter(|t| t.kind == TierKind::Paid)
            .map(|t| (t.slug, t.name))
            .collect();
    }
    let title = if view.id.is_some() { view.email.clone() } else { "New member".to_owned() };
    let layout = Layout::signed_in(state, who, title, SECTION).await?;
    if failed {
        again(state, "member.html", layout, view)
    } else {
        render(state, "member.html", layout, view)
    }
}

async fn new(State(state): State<AppState>, who: SignedIn) -> Result<Response, WebError> {
    who.require(Action::ManageMembers)?;
    page(&state, &who, MemberPage::default(), false).await
}

async fn show(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    who.require(Action::ViewMembers)?;
    let m = state.store.member(id).await?;
    page(&state, &who, MemberPage::of(m), false).await
}

/// A checked form, or the errors to show; an address in use is an error on its field.
async fn saved(r: Result<Member, byline_store::StoreError>) -> Result<Member, Failed> {
    match r {
        Err(byline_store::StoreError::Conflict(msg)) if msg.starts_with("email:") => {
            let mut e = Errors::new();
            e.insert("email".into(), msg.trim_start_matches("email:").trim().to_owned());
            Err(Failed::Fields(e))
        }
        other => other.map_err(Failed::from),
    }
}

pub(super) async fn create(
    State(state): State<AppState>,
    who: SignedIn,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    who.require(Action::ManageMembers)?;
    let f = Fields(f);
    let result = match input(&f).validate() {
        Ok(fields) => {
            saved(state.store.add_member(fields, Joined::Staff, Some(&who.actor())).await).await
        }
        Err(e) => Err(Failed::from(e)),
    };
    match result {
        Ok(m) => {
            Ok(done(&who, format!("Added {}.", m.email), &format!("{SECTION}/{}", m.id)).await)
        }
        Err(Failed::Fields(errors)) => {
            page(&state, &who, MemberPage { errors, ..MemberPage::typed(&f, None) }, true).await
        }
        Err(Failed::Other(e)) => Err(e),
    }
}

async fn update(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<i64>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    who.require(Action::ManageMembers)?;
    let f = Fields(f);
    let result = match input(&f).validate() {
        Ok(fields) => saved(state.store.update_member(id, &fields, &who.actor()).await).await,
        Err(e) => Err(Failed::from(e)),
    };
    match result {
        Ok(m) => Ok(done(&who, format!("Saved {}.", m.email), &format!("{SECTION}/{id}")).await),
        Err(Failed::Fields(errors)) => {
            let mut view = MemberPage::of(state.store.member(id).await?);
            let typed = MemberPage::typed(&f, Some(id));
            (view.email, view.name, view.note, view.labels) =
                (typed.email, typed.name, typed.note, typed.labels);
            view.errors = errors;
            page(&state, &who, view, true).await
        }
        Err(Failed::Other(e)) => Err(e),
    }
}

async fn delete(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<i64>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    who.require(Action::ManageMembers)?;
    let f = Fields(f);
    let m = state.store.member(id).await?;
    if !f.checked("confirm") {
        flash_error(&who.session, "Tick the box to confirm deleting this member.").await;
        return Ok(Redirect::to(&format!("{SECTION}/{id}")).into_response());
    }
    if let Err(why) = crate::members::end_subscriptions(&state, &m).await {
        flash_error(&who.session, why).await;
        return Ok(Redirect::to(&format!("{SECTION}/{id}")).into_response());
    }
    state.store.delete_member(id, Some(&who.actor())).await?;
    Ok(done(&who, format!("Deleted {}.", m.email), SECTION).await)
}

async fn grant(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<i64>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    who.require(Action::ManageMembers)?;
    let f = Fields(f);
    let back = format!("{SECTION}/{id}");
    let until = match f.opt("until").map(|u| parse_day(&u)) {
        None => None,
        Some(Ok(u)) => Some(u),
        Some(Err(e)) => {
            flash_error(&who.session, format!("Until: {e}")).await;
            return Ok(Redirect::to(&back).into_response());
        }
    };
    let tier = f.get("tier");
    match state.store.grant_complimentary(id, &tier, until, &who.actor()).await {
        Ok(_) => Ok(done(&who, format!("Granted {tier}."), &back).await),
        Err(e) => refused(&who, e.into(), &back).await,
    }
}

async fn ungrant(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<i64>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    who.require(Action::ManageMembers)?;
    let f = Fields(f);
    let back = format!("{SECTION}/{id}");
    let tier = f.get("tier");
    match state.store.remove_complimentary(id, &tier, &who.actor()).await {
        Ok(_) => Ok(done(&who, format!("Took back {tier}."), &back).await),
        Err(e) => refused(&who, e.into(), &back).await,
    }
}
