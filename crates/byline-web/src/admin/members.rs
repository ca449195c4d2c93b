//! The member list (search, filters, pages), CSV import (an upload, answered with a report
//! naming every bad row by line) and CSV export (a download), in Ghost's columns. Editors
//! see; administrators and the owner change.

use super::articles::PageInfo;
use super::fields::errors;
use super::frame::{Layout, SignedIn, flash, render};
use crate::{AppState, WebError};
use axum::Router;
use axum::extract::multipart::Multipart;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use byline_core::member_list::MemberQuery;
use byline_core::members::TierKind;
use byline_core::staff::Action;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/members", get(list).post(super::member::create))
        .route("/admin/members/export.csv", get(export))
        .route("/admin/members/import", post(import))
        .merge(super::member::routes())
}

pub(super) const SECTION: &str = "/admin/members";
const PER_PAGE: u64 = 25;

/// The filters as typed (kept to fill the form in again).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub(super) struct Filters {
    q: String,
    status: String,
    tier: String,
    label: String,
    from: String,
    until: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    page: Option<u64>,
}

#[derive(Serialize)]
struct Row {
    id: i64,
    email: String,
    name: String,
    status: String,
    tiers: String,
    labels: String,
    joined: String,
}

#[derive(Serialize)]
struct ListPage {
    query: Filters,
    errors: BTreeMap<String, String>,
    rows: Vec<Row>,
    paged: PageInfo,
    base: String,
    tiers: Vec<(String, String)>,
    labels: Vec<(String, String)>,
    counts: byline_core::member_list::MemberCounts,
    manage: bool,
    csrf: String,
}

async fn list(
    State(state): State<AppState>,
    who: SignedIn,
    Query(f): Query<Filters>,
) -> Result<Response, WebError> {
    who.require(Action::ViewMembers)?;
    let (q, errors) = match MemberQuery::parse(
        Some(&f.q),
        Some(&f.tier),
        Some(&f.status),
        Some(&f.label),
        Some(&f.from),
        Some(&f.until),
    ) {
        Ok(q) => (q, BTreeMap::new()),
        Err(e) => (MemberQuery::default(), errors(&e)),
    };
    let paged = state.store.members_page(&q, f.page.unwrap_or(1), PER_PAGE).await?;
    let base = {
        let without = Filters { page: None, ..f.clone() };
        format!("/admin/members?{}&", serde_urlencoded::to_string(&without).unwrap_or_default())
    };
    let tiers = state.store.tiers().await?;
    let page = ListPage {
        paged: PageInfo::from(&paged),
        rows: paged
            .items
            .into_iter()
            .map(|m| Row {
                id: m.id,
                tiers: m
                    .grants
                    .iter()
                    .filter(|g| g.is_current(chrono::Utc::now()))
                    .map(|g| g.tier_name.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                labels: m.labels.join(", "),
                joined: m.created_at.format("%Y-%m-%d").to_string(),
                status: m.status.as_str().to_owned(),
                name: m.name.unwrap_or_default(),
                email: m.email,
            })
            .collect(),
        query: f,
        errors,
        base,
        tiers: tiers
            .into_iter()
            .filter(|t| t.kind == TierKind::Paid)
            .map(|t| (t.slug, t.name))
            .collect(),
        labels: state.store.member_labels().await?.into_iter().map(|l| (l.slug, l.name)).collect(),
        counts: state.store.member_counts().await?,
        manage: who.staff.role.may(Action::ManageMembers),
        csrf: super::frame::csrf_token(&who.session).await?,
    };
    let layout = Layout::signed_in(&state, &who, "Members", SECTION).await?;
    render(&state, "members.html", layout, page)
}

/// Every member as a CSV file in Ghost's columns.
async fn export(State(state): State<AppState>, who: SignedIn) -> Result<Response, WebError> {
    who.require(Action::ManageMembers)?;
    let members = state.store.members_all(&MemberQuery::default()).await?;
    let subscribed = state.store.members_subscribed().await?;
    let mut out = Vec::new();
    byline_import::members_csv::write_members(&members, &subscribed, &mut out)
        .map_err(|e| WebError::Internal(format!("cannot write the members CSV: {e}")))?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"members.csv\""),
            (header::CACHE_CONTROL, "no-store"),
        ],
        out,
    )
        .into_response())
}

#[derive(Serialize)]
struct ImportPage {
    file: String,
    added: usize,
    updated: usize,
    bad_rows: Vec<(String, String)>,
    notes: Vec<(String, String)>,
}

/// The largest members file read.
const CSV_LIMIT: usize = 20 << 20;

/// Imports an uploaded CSV file and shows what happened, row by row.
async fn import(
    State(state): State<AppState>,
    who: SignedIn,
    mut form: Multipart,
) -> Result<Response, WebError> {
    who.require(Action::ManageMembers)?;
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Some(field) =
        form.next_field().await.map_err(|e| WebError::BadRequest(e.body_text()))?
    {
        if field.name() == Some("file") {
            let name = field.file_name().unwrap_or("members.csv").to_owned();
            let bytes = field.bytes().await.map_err(|e| WebError::BadRequest(e.body_text()))?;
            if bytes.len() > CSV_LIMIT {
                return Err(WebError::TooLarge("the file is larger than 20 MiB".into()));
            }
            file = Some((name, bytes.to_vec()));
        }
    }
    let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        super::frame::flash_error(&who.session, "Choose a CSV file to import.").await;
        return Ok(axum::response::Redirect::to(SECTION).into_response());
    };
    let report =
        byline_import::members_csv::import(&state.store, &name, &bytes, false, Some(&who.actor()))
            .await?;
    let line = |p: &byline_import::Problem| {
        (p.line.map_or_else(String::new, |l| l.to_string()), p.message.clone())
    };
    if report.errors.is_empty() {
        flash(
            &who.session,
            format!("Imported {name}: {} added, {} updated.", report.added, report.updated),
        )
        .await;
    }
    let page = ImportPage {
        file: name,
        added: report.added,
        updated: report.updated,
        bad_rows: report.errors.iter().map(line).collect(),
        notes: report.notes.iter().map(line).collect(),
    };
    let status =
        if page.bad_rows.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let layout = Layout::signed_in(&state, &who, "Member import", SECTION).await?;
    let mut res = render(&state, "members_import.html", layout, page)?;
    *res.status_mut() = status;
    Ok(res)
}
