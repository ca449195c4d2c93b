//! The member's account page: their name, a change of email (confirmed by a link to the new
//! address), the tiers they hold (and, when Stripe is configured, "Manage billing" and the
//! paid tiers on sale, each a form to Stripe Checkout), their data as JSON, and deleting
//! the account.
//!
//! Every page here checks the member and their pass generation in the database (not only
//! the pass), so "sign out everywhere" and a deletion take effect at once.

use super::pages::{message, page, too_many, with_cookie};
use super::passes::{clear_cookie, renewed_if_changed};
use crate::client::ClientAddr;
use crate::public::render::PageFrame;
use crate::{AppState, WebError};
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form, Json};
use byline_core::member_pass::Pass;
use byline_core::members::{Member, check_member_email};
use byline_render::view::{MemberAccountPage, TierOffer};
use byline_store::{LinkAsked, LinkPurpose, LinkRequest};
use serde::Deserialize;
use serde_json::json;

/// The signed-in member, or the answer that sends the reader to sign in.
async fn member(state: &AppState, pass: Option<Extension<Pass>>) -> Result<Member, Response> {
    let to_signin =
        || with_cookie(Redirect::to("/members/signin/").into_response(), &clear_cookie(state));
    let Some(Extension(pass)) = pass else {
        return Err(Redirect::to("/members/signin/").into_response());
    };
    match state.store.member_for_pass(pass.member_id).await {
        Ok(Some((m, generation))) if generation == pass.generation => Ok(m),
        Ok(_) => Err(to_signin()),
        Err(e) => Err(WebError::from(e).into_response()),
    }
}

/// The account page with a notice or an error.
async fn account_page(
    state: &AppState,
    m: &Member,
    status: StatusCode,
    notice: Option<String>,
    error: Option<String>,
) -> Result<Response, WebError> {
    let chrome = PageFrame::load(state).await?;
    let mut view =
        MemberAccountPage::new(&chrome.site, m, state.stripe_enabled(), chrono::Utc::now());
    view.notice = notice;
    view.error = error;
    let chosen = state.store.member_newsletters(m.id).await?;
    let paid = m.status != byline_core::members::MemberStatus::Free;
    view.newsletters = crate::newsletters::choices(state, paid, Some(&chosen)).await?;
    if state.stripe_enabled() {
        let now = chrono::Utc::now();
        let held = |slug: &str| m.grants.iter().any(|g| g.tier_slug == slug && g.is_current(now));
        let tiers = state.store.tiers().await?;
        view.offers =
            tiers.iter().filter(|t| t.on_sale() && !held(&t.slug)).map(TierOffer::of).collect();
    }
    page(state, status, "member_account.html", &view)
}

pub(crate) async fn show(
    State(state): State<AppState>,
    pass: Option<Extension<Pass>>,
) -> Result<Response, WebError> {
    let held = pass.as_ref().map(|Extension(p)| p.clone());
    let m = match member(&state, pass).await {
        Ok(m) => m,
        Err(r) => return Ok(r),
    };
    let page = account_page(&state, &m, StatusCode::OK, None, None).await?;
    // Back from paying (or after a grant): the pass learns of it here, not in ten minutes.
    let cookie = match held {
        Some(p) => renewed_if_changed(&state, &p, &m).await,
        None => None,
    };
    Ok(match cookie {
        Some(c) => with_cookie(page, &c),
        None => page,
    })
}

/// Saves the member's choice of newsletters (the ticked `newsletter-SLUG` boxes).
pub(crate) async fn newsletters(
    State(state): State<AppState>,
    pass: Option<Extension<Pass>>,
    Form(sent): Form<std::collections::HashMap<String, String>>,
) -> Result<Response, WebError> {
    let m = match member(&state, pass).await {
        Ok(m) => m,
        Err(r) => return Ok(r),
    };
    let slugs = crate::newsletters::ticked(&sent);
    match state.store.set_member_newsletters(m.id, &slugs).await {
        Ok(_) => {
            let notice = Some("Your newsletters are saved.".to_owned());
            account_page(&state, &m, StatusCode::OK, notice, None).await
        }
        Err(e) if e.is_not_found() => {
            let why =
                Some("One of those newsletters is no longer offered; nothing changed.".into());
            account_page(&state, &m, StatusCode::UNPROCESSABLE_ENTITY, None, why).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Deserialize, Default)]
pub(crate) struct NameForm {
    #[serde(default)]
    name: String,
}

pub(crate) async fn rename(
    State(state): State<AppState>,
    pass: Option<Extension<Pass>>,
    Form(sent): Form<NameForm>,
) -> Result<Response, WebError> {
    let m = match member(&state, pass).await {
        Ok(m) => m,
        Err(r) => return Ok(r),
    };
    match state.store.rename_member(m.id, &sent.name).await {
        Ok(m) => {
            account_page(&state, &m, StatusCode::OK, Some("Your name is saved.".into()), None).await
        }
        Err(byline_store::StoreError::Invalid(i)) => {
            let why = format!(
                "Name: {}.",
                i.0.first().map(|f| f.message.as_str()).unwrap_or("is not valid")
            );
            account_page(&state, &m, StatusCode::UNPROCESSABLE_ENTITY, None, Some(why)).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Deserialize, Default)]
pub(crate) struct EmailForm {
    #[serde(default)]
    email: String,
}

pub(crate) async fn change_email(
    State(state): State<AppState>,
    pass: Option<Extension<Pass>>,
    client: ClientAddr,
    Form(sent): Form<EmailForm>,
) -> Result<Response, WebError> {
    let m = match member(&state, pass).await {
        Ok(m) => m,
        Err(r) => return Ok(r),
    };
    let unprocessable = StatusCode::UNPROCESSABLE_ENTITY;
    let email = match check_member_email(&sent.email) {
        Ok(e) if e == m.email => {
            let why = "New address: it is the address you have now.".to_owned();
            return account_page(&state, &m, unprocessable, None, Some(why)).await;
        }
        Ok(e) => e,
        Err(why) => {
            let why = format!("New address: {why}.");
            return account_page(&state, &m, unprocessable, None, Some(why)).await;
        }
    };
    let req = LinkRequest {
        purpose: LinkPurpose::ChangeEmail,
        email: email.clone(),
        name: None,
        newsletters: None,
        member_id: Some(m.id),
        client: client.0,
    };
    match state.store.ask_member_link(&req).await? {
        LinkAsked::Limited { retry_after, per } => too_many(&state, retry_after, per).await,
        LinkAsked::Queued { .. } => {
            let notice = format!(
                "We sent a link to {email}. Your address changes when you open it and press its \
                 button (within an hour); until then it stays {}.",
                m.email
            );
            account_page(&state, &m, StatusCode::OK, Some(notice), None).await
        }
    }
}

/// "Download my data": the profile, tiers, labels and history, as JSON.
pub(crate) async fn data(
    State(state): State<AppState>,
    pass: Option<Extension<Pass>>,
) -> Result<Response, WebError> {
    let m = match member(&state, pass).await {
        Ok(m) => m,
        Err(r) => return Ok(r),
    };
    let history: Vec<_> = state
        .store
        .member_events(m.id)
        .await?
        .into_iter()
        .map(|e| {
            json!({"kind": e.kind, "detail": e.detail, "amount": e.amount,
                   "currency": e.currency, "at": e.at})
        })
        .collect();
    let body = json!({
        "profile": {
            "uuid": m.uuid,
            "email": m.email,
            "name": m.name,
            "status": m.status,
            "created_at": m.created_at,
            "updated_at": m.updated_at,
        },
        "tiers": m.grants,
        "labels": m.labels,
        "history": history,
    });
    let mut r = Json(body).into_response();
    let h = r.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"my-membership-data.json\""),
    );
    Ok(r)
}

#[derive(Debug, Deserialize, Default)]
pub(crate) struct DeleteForm {
    #[serde(default)]
    confirm: String,
}

pub(crate) async fn delete(
    State(state): State<AppState>,
    pass: Option<Extension<Pass>>,
    Form(sent): Form<DeleteForm>,
) -> Result<Response, WebError> {
    let m = match member(&state, pass).await {
        Ok(m) => m,
        Err(r) => return Ok(r),
    };
    if !sent.confirm.trim().eq_ignore_ascii_case(&m.email) {
        let why = "Delete my account: type your email address exactly to confirm; \
                   nothing was deleted."
            .to_owned();
        return account_page(&state, &m, StatusCode::UNPROCESSABLE_ENTITY, None, Some(why)).await;
    }
    if let Err(why) = super::cancel::end_subscriptions(&state, &m).await {
        let why = format!("Delete my account: {why}");
        return account_page(&state, &m, StatusCode::BAD_GATEWAY, None, Some(why)).await;
    }
    state.store.delete_member(m.id, None).await?;
    let r = message(
        &state,
        StatusCode::OK,
        "Your account is deleted",
        "Your name, address, tiers and labels are gone. Thank you for reading.",
        Some(("Go to the home page", "/")),
    )
    .await?;
    Ok(with_cookie(r, &clear_cookie(&state)))
}
