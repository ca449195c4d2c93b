//! Tiers: the list, the form (prices typed in the currency's main unit, `5` or `5.00`), and
//! archiving. Editors look; administrators and the owner change. The free tier keeps no
//! price and cannot be archived.

use super::fields::{Errors, Failed, Fields, again, done, errors, refused};
use super::frame::{Layout, SignedIn, render};
use crate::{AppState, WebError};
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use byline_core::Invalid;
use byline_core::members::{Tier, TierInput, TierKind};
use byline_core::staff::Action;
use serde::Serialize;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/tiers", get(list).post(create))
        .route("/admin/tiers/new", get(new))
        .route("/admin/tiers/{slug}", get(edit).post(update))
        .route("/admin/tiers/{slug}/archive", post(archive))
}

const SECTION: &str = "/admin/tiers";

/// Cents as shown: `5.00`.
pub(super) fn money(c: i64) -> String {
    format!("{}.{:02}", c / 100, c % 100)
}

/// Cents from an amount as typed: `5`, `5.5`, `5.00`.
fn cents(f: &Fields, name: &str) -> Result<Option<i64>, Invalid> {
    let Some(v) = f.opt(name) else { return Ok(None) };
    let v = v.trim();
    let bad = || Invalid::one(name, format!("must be an amount such as 5 or 5.00, not {v:?}"));
    let (whole, frac) = v.split_once('.').unwrap_or((v, ""));
    if frac.len() > 2 || whole.is_empty() {
        return Err(bad());
    }
    let whole: i64 = whole.parse().map_err(|_| bad())?;
    let frac: i64 =
        if frac.is_empty() { 0 } else { format!("{frac:0<2}").parse().map_err(|_| bad())? };
    Ok(Some(whole.checked_mul(100).and_then(|w| w.checked_add(frac)).ok_or_else(bad)?))
}

#[derive(Serialize, Default)]
struct TierView {
    slug: Option<String>,
    name: String,
    new_slug: String,
    description: String,
    benefits: String,
    monthly_price: String,
    yearly_price: String,
    currency: String,
    visible: bool,
    active: bool,
    free: bool,
    errors: Errors,
    manage: bool,
}

impl TierView {
    fn of(t: &Tier) -> Self {
        Self {
            slug: Some(t.slug.clone()),
            new_slug: t.slug.clone(),
            name: t.name.clone(),
            description: t.description.clone().unwrap_or_default(),
            benefits: t.benefits.join("\n"),
            monthly_price: t.monthly_price.map(money).unwrap_or_default(),
            yearly_price: t.yearly_price.map(money).unwrap_or_default(),
            currency: t.currency.clone(),
            visible: t.visible,
            active: t.active,
            free: t.kind == TierKind::Free,
            ..Default::default()
        }
    }

    fn typed(f: &Fields, slug: Option<String>, free: bool) -> Self {
        Self {
            slug,
            free,
            name: f.get("name"),
            new_slug: f.get("new_slug"),
            description: f.get("description"),
            benefits: f.get("benefits"),
            monthly_price: f.get("monthly_price"),
            yearly_price: f.get("yearly_price"),
            currency: f.get("currency"),
            visible: f.checked("visible"),
            active: f.checked("active"),
            ..Default::default()
        }
    }
}

fn input(f: &Fields) -> Result<TierInput, Invalid> {
    let (monthly, yearly) = (cents(f, "monthly_price"), cents(f, "yearly_price"));
    let mut problems = Vec::new();
    for r in [&monthly, &yearly] {
        if let Err(e) = r {
            problems.extend(e.0.clone());
        }
    }
    if !problems.is_empty() {
        return Err(Invalid(problems));
    }
    Ok(TierInput {
        slug: f.opt("new_slug"),
        name: f.get("name"),
        description: f.opt("description"),
        benefits: f.get("benefits").lines().map(str::to_owned).collect(),
        monthly_price: monthly.unwrap_or(None),
        yearly_price: yearly.unwrap_or(None),
        currency: f.opt("currency"),
        visible: f.checked("visible"),
        active: f.checked("active"),
    })
}

#[derive(Serialize)]
struct Row {
    slug: String,
    name: String,
    kind: String,
    prices: String,
    visible: bool,
    active: bool,
}

async fn list(State(state): State<AppState>, who: SignedIn) -> Result<Response, WebError> {
    who.require(Action::ViewMembers)?;
    let rows: Vec<Row> = state
        .store
        .tiers()
        .await?
        .into_iter()
        .map(|t| {
            let cur = t.currency.to_uppercase();
            let mut prices = Vec::new();
            if let Some(p) = t.monthly_price {
                prices.push(format!("{} {cur} a month", money(p)));
            }
            if let Some(p) = t.yearly_price {
                prices.push(format!("{} {cur} a year", money(p)));
            }
            Row {
                prices: prices.join(", "),
                kind: t.kind.as_str().to_owned(),
                slug: t.slug,
                name: t.name,
                visible: t.visible,
                active: t.active,
            }
        })
        .collect();
    let layout = Layout::signed_in(&state, &who, "Tiers", SECTION).await?;
    let manage = who.staff.role.may(Action::ManageTiers);
    render(&state, "tiers.html", layout, serde_json::json!({ "tiers": rows, "manage": manage }))
}

async fn show(
    state: &AppState,
    who: &SignedIn,
    mut view: TierView,
    failed: bool,
) -> Result<Response, WebError> {
    view.manage = who.staff.role.may(Action::ManageTiers);
    let title = if view.slug.is_some() { view.name.clone() } else { "New tier".to_owned() };
    let layout = Layout::signed_in(state, who, title, SECTION).await?;
    if failed {
        again(state, "tier.html", layout, view)
    } else {
        render(state, "tier.html", layout, view)
    }
}

async fn new(State(state): State<AppState>, who: SignedIn) -> Result<Response, WebError> {
    who.require(Action::ManageTiers)?;
    let view =
        TierView { visible: true, active: true, currency: "usd".into(), ..Default::default() };
    show(&state, &who, view, false).await
}

async fn edit(
    State(state): State<AppState>,
    who: SignedIn,
    Path(slug): Path<String>,
) -> Result<Response, WebError> {
    who.require(Action::ViewMembers)?;
    let t = state.store.tier(&slug).await?;
    show(&state, &who, TierView::of(&t), false).await
}

/// A slug already taken is an error on the slug field.
fn failed(e: byline_store::StoreError) -> Failed {
    match e {
        byline_store::StoreError::Conflict(m) if m.starts_with("slug:") => {
            Failed::Fields(errors(&Invalid::one("new_slug", m.trim_start_matches("slug:").trim())))
        }
        other => Failed::from(other),
    }
}

async fn create(
    State(state): State<AppState>,
    who: SignedIn,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    who.require(Action::ManageTiers)?;
    let f = Fields(f);
    let r = match input(&f) {
        Ok(i) => state.store.create_tier(&i, &who.actor()).await.map_err(failed),
        Err(e) => Err(Failed::from(e)),
    };
    match r {
        Ok(t) => {
            Ok(done(&who, format!("Added {}.", t.name), &format!("{SECTION}/{}", t.slug)).await)
        }
        Err(Failed::Fields(errors)) => {
            show(&state, &who, TierView { errors, ..TierView::typed(&f, None, false) }, true).await
        }
        Err(Failed::Other(e)) => Err(e),
    }
}

async fn update(
    State(state): State<AppState>,
    who: SignedIn,
    Path(slug): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    who.require(Action::ManageTiers)?;
    let f = Fields(f);
    let free = state.store.tier(&slug).await?.kind == TierKind::Free;
    let r = match input(&f) {
        Ok(i) => state.store.update_tier(&slug, &i, &who.actor()).await.map_err(failed),
        Err(e) => Err(Failed::from(e)),
    };
    match r {
        Ok(t) => {
            Ok(done(&who, format!("Saved {}.", t.name), &format!("{SECTION}/{}", t.slug)).await)
        }
        Err(Failed::Fields(errors)) => {
            let view = TierView { errors, ..TierView::typed(&f, Some(slug), free) };
            show(&state, &who, view, true).await
        }
        Err(Failed::Other(e)) => Err(e),
    }
}

async fn archive(
    State(state): State<AppState>,
    who: SignedIn,
    Path(slug): Path<String>,
) -> Result<Response, WebError> {
    who.require(Action::ManageTiers)?;
    match state.store.archive_tier(&slug, &who.actor()).await {
        Ok(t) => Ok(done(&who, format!("Archived {}.", t.name), SECTION).await),
        Err(e) => refused(&who, e.into(), &format!("{SECTION}/{slug}")).await,
    }
}
