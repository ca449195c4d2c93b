//! Paying for a tier through Stripe: `POST /members/checkout/` (to Stripe Checkout),
//! `POST /members/billing/` (to Stripe's billing portal) and `POST /members/stripe/webhook`
//! (Stripe telling us what happened). The two redirects are the only ones that leave the
//! site, and only to a URL Stripe's API returned on Stripe's own host. The webhook is
//! checked by its signature before anything is read, and each event is handled once.

use super::reader::pass_of;
use crate::{AppState, WebError};
use axum::body::Bytes;
use axum::extract::{Form, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use byline_core::members::{GrantSource, TierKind, check_member_email};
use byline_store::{
    CheckoutCompleted, Handled, InvoiceState, StripeEventId, SubscriptionState, TierPrices,
};
use byline_stripe::{CheckoutRequest, CheckoutSession, Event, Invoice, Stripe, Subscription};
use chrono::{TimeZone, Utc};
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    use axum::middleware::from_fn;
    // NUL is refused before anything reaches the store (PostgreSQL cannot hold it).
    Router::new()
        .route("/members/checkout/", post(checkout).layer(from_fn(crate::nul::refuse_nul)))
        .route("/members/billing/", post(billing).layer(from_fn(crate::nul::refuse_nul)))
        .route(
            "/members/stripe/webhook",
            post(webhook)
                .layer(from_fn(crate::nul::refuse_nul))
                .layer(from_fn(crate::api::json_errors)),
        )
}

/// The join or upgrade form: which tier, how often, and (when not signed in) an address.
#[derive(Debug, Deserialize)]
pub struct CheckoutForm {
    pub tier: String,
    pub cadence: String,
    #[serde(default)]
    pub email: Option<String>,
}

async fn checkout(
    State(state): State<AppState>,
    parts: Parts,
    Form(form): Form<CheckoutForm>,
) -> Result<Response, WebError> {
    cross_site_refused(&state, &parts.headers)?;
    let Some(stripe) = state.stripe.clone() else {
        return Ok(not_offered());
    };
    let (tier, prices) = state.store.tier_stripe_prices(form.tier.trim()).await.map_err(|e| {
        if e.is_not_found() {
            invalid("tier", "is not a tier of this publication")
        } else {
            e.into()
        }
    })?;
    if tier.kind != TierKind::Paid || !tier.active || !tier.visible {
        return Err(invalid("tier", "is not offered for payment"));
    }
    let (amount, interval) = match form.cadence.as_str() {
        "month" => (tier.monthly_price, "month"),
        "year" => (tier.yearly_price, "year"),
        _ => return Err(invalid("cadence", "must be month or year")),
    };
    let Some(amount) = amount.filter(|a| *a > 0) else {
        return Err(invalid("cadence", "this tier has no price for that cadence"));
    };
    // Who pays: the signed-in member, or the address typed in the join form (checked
    // before anything is asked of Stripe).
    let member = match pass_of(&state, &parts).await {
        Some(pass) => Some(state.store.member(pass.member_id).await?),
        None => None,
    };
    if let Some(m) = &member
        && m.grants.iter().any(|g| {
            g.tier_slug == tier.slug && g.source == GrantSource::Stripe && g.is_current(Utc::now())
        })
    {
        return Err(WebError::Conflict(format!(
            "You already pay for {} through Stripe; change or cancel it under billing.",
            tier.name
        )));
    }
    let email = match &member {
        Some(_) => None,
        None => {
            let email = form.email.as_deref().unwrap_or_default();
            Some(check_member_email(email).map_err(|e| invalid("email", &e))?)
        }
    };
    let prices = ensure_prices(&state, &stripe, &tier, prices, (interval, amount)).await?;
    let price = if interval == "month" { prices.monthly } else { prices.yearly };
    let price = price.ok_or_else(|| WebError::Internal("a tier price was not kept".into()))?;
    let base = state.base_url.trim_end_matches('/').to_owned();
    let mut req = CheckoutRequest {
        price_id: price,
        customer: None,
        customer_email: email,
        success_url: format!("{base}/?checkout=done"),
        cancel_url: format!("{base}/"),
        metadata: vec![("tier".into(), tier.slug.clone()), ("cadence".into(), interval.into())],
        client_reference_id: None,
    };
    if let Some(member) = member {
        let customer = match member.stripe_customer_id.clone() {
            Some(c) => c,
            None => {
                let found = stripe.find_customer(&member.email).await.map_err(stripe_failed)?;
                let c = match found {
                    Some(c) => c,
                    None => stripe
                        .create_customer(&member.email, member.name.as_deref(), member.id)
                        .await
                        .map_err(stripe_failed)?,
                };
                state.store.set_stripe_customer(member.id, &c.id).await?;
                c.id
            }
        };
        req.customer = Some(customer);
        req.client_reference_id = Some(member.id.to_string());
        req.metadata.push(("member_id".into(), member.id.to_string()));
        req.success_url = format!("{base}/members/account/?checkout=done");
    }
    let session = stripe.create_checkout_session(&req).await.map_err(stripe_failed)?;
    off_site_redirect(&stripe, &session.url, "checkout.stripe.com")
}

async fn billing(State(state): State<AppState>, parts: Parts) -> Result<Response, WebError> {
    cross_site_refused(&state, &parts.headers)?;
    let Some(stripe) = state.stripe.clone() else {
        return Ok(not_offered());
    };
    let pass = pass_of(&state, &parts).await.ok_or(WebError::Unauthorized)?;
    let member = state.store.member(pass.member_id).await?;
    let Some(customer) = member.stripe_customer_id else {
        return Err(WebError::Conflict("You have no billing with Stripe to manage.".into()));
    };
    let base = state.base_url.trim_end_matches('/');
    let session = stripe
        .create_portal_session(&customer, &format!("{base}/members/account/"))
        .await
        .map_err(stripe_failed)?;
    off_site_redirect(&stripe, &session.url, "billing.stripe.com")
}

async fn webhook(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<serde_json::Value>, WebError> {
    let Some(stripe) = state.stripe.clone() else {
        return Err(WebError::BadRequest(
            "Stripe is not set up on this site (no stripe_webhook_secret)".into(),
        ));
    };
    let signature = headers.get("stripe-signature").and_then(|v| v.to_str().ok());
    byline_stripe::verify(
        signature,
        &body,
        &stripe.config().webhook_secret,
        Utc::now().timestamp(),
        byline_stripe::DEFAULT_TOLERANCE,
    )
    .map_err(|e| WebError::BadRequest(format!("Stripe-Signature: {e}")))?;
    let event: Event = serde_json::from_slice(&body)
        .map_err(|e| WebError::BadRequest(format!("the event is not a Stripe event: {e}")))?;
    let id = StripeEventId { id: &event.id, kind: &event.kind };
    if state.store.stripe_event_seen(&event.id).await? {
        return Ok(answer(&Handled::Replay));
    }
    let bad = WebError::BadRequest;
    let store = &state.store;
    let handled = match event.kind.as_str() {
        "checkout.session.completed" => {
            let s: CheckoutSession = event.object().map_err(bad)?;
            match checkout_completed(&stripe, &s).await? {
                Some(c) => store.stripe_checkout_completed(id, &c).await?,
                None => store.stripe_event_ignored(id).await?,
            }
        }
        "customer.subscription.created" | "customer.subscription.updated" => {
            let s: Subscription = event.object().map_err(bad)?;
            store.stripe_subscription_updated(id, &subscription_state(&s)?).await?
        }
        "customer.subscription.deleted" => {
            let s: Subscription = event.object().map_err(bad)?;
            store.stripe_subscription_deleted(id, &s.id).await?
        }
        "invoice.payment_failed" => {
            let i: Invoice = event.object().map_err(bad)?;
            store.stripe_payment_failed(id, &invoice_state(&i, i.amount_due)).await?
        }
        "invoice.paid" => {
            let i: Invoice = event.object().map_err(bad)?;
            store.stripe_invoice_paid(id, &invoice_state(&i, i.amount_paid)).await?
        }
        _ => store.stripe_event_ignored(id).await?,
    };
    if let Handled::Ignored(why) = &handled {
        tracing::info!(event = %event.id, kind = %event.kind, why, "Stripe event ignored");
    }
    Ok(answer(&handled))
}

/// A completed subscription checkout with the subscription read from Stripe, or `None` for
/// a session Byline did not start (another mode, no customer or subscription).
async fn checkout_completed(
    stripe: &Stripe,
    s: &CheckoutSession,
) -> Result<Option<CheckoutCompleted>, WebError> {
    let (Some("subscription"), Some(customer), Some(sub)) =
        (s.mode.as_deref(), s.customer.clone(), s.subscription.as_deref())
    else {
        return Ok(None);
    };
    let email = s.email().ok_or_else(|| {
        WebError::BadRequest(format!("checkout session {} has no customer email", s.id))
    })?;
    let subscription = stripe.subscription(sub).await.map_err(stripe_failed)?;
    let mut state = subscription_state(&subscription)?;
    if let Some(tier) = s.metadata.get("tier") {
        state.tier_hint.get_or_insert_with(|| tier.clone());
    }
    let member_id = s
        .client_reference_id
        .as_deref()
        .or(s.metadata.get("member_id").map(String::as_str))
        .and_then(|id| id.parse().ok());
    let name = s.customer_details.as_ref().and_then(|d| d.name.clone());
    Ok(Some(CheckoutCompleted {
        member_id,
        email: email.to_owned(),
        name,
        customer,
        subscription: state,
    }))
}

fn subscription_state(s: &Subscription) -> Result<SubscriptionState, WebError> {
    let item = s
        .item()
        .ok_or_else(|| WebError::BadRequest(format!("subscription {} has no items", s.id)))?;
    Ok(SubscriptionState {
        id: s.id.clone(),
        customer: s.customer.clone(),
        status: s.status.clone(),
        price: item.price.id.clone(),
        cadence: item.price.recurring.as_ref().map(|r| r.interval.clone()),
        amount: item.price.unit_amount,
        currency: item.price.currency.clone(),
        period_end: s.period_end().and_then(|t| Utc.timestamp_opt(t, 0).single()),
        tier_hint: s.metadata.get("tier").cloned(),
    })
}

fn invoice_state(i: &Invoice, amount: i64) -> InvoiceState {
    InvoiceState {
        customer: i.customer.clone(),
        subscription: i.subscription_id(),
        amount,
        currency: i.currency.clone(),
    }
}

fn answer(h: &Handled) -> Json<serde_json::Value> {
    let (result, detail) = match h {
        Handled::Done(_) => ("handled", String::new()),
        Handled::Replay => ("already handled", String::new()),
        Handled::Ignored(why) => ("ignored", why.clone()),
    };
    Json(serde_json::json!({ "received": true, "result": result, "detail": detail }))
}

/// A 303 to `url`, which Stripe's API returned: only on `stripe_host` over https, or (for a
/// stand-in API in tests) on the configured API base's own host.
fn off_site_redirect(stripe: &Stripe, url: &str, stripe_host: &str) -> Result<Response, WebError> {
    let parsed = url::Url::parse(url).ok();
    let api = url::Url::parse(&stripe.config().api_base).ok();
    let allowed = parsed.as_ref().is_some_and(|u| {
        (u.scheme() == "https" && u.host_str() == Some(stripe_host))
            || api.as_ref().is_some_and(|a| a.host_str().is_some() && a.host_str() == u.host_str())
    });
    if !allowed {
        return Err(WebError::Internal(format!("Stripe returned an unexpected URL: {url}")));
    }
    Ok((StatusCode::SEE_OTHER, [(header::LOCATION, url.to_owned())]).into_response())
}

/// Forms on other sites may not start a checkout or open someone's billing.
fn cross_site_refused(state: &AppState, headers: &HeaderMap) -> Result<(), WebError> {
    crate::admin::csrf::same_origin(headers, &state.base_url)
        .map_err(|why| WebError::forbidden(format!("cross-site request refused: {why}")))
}

/// Without Stripe settings there is no online payment: paid tiers are granted by staff.
fn not_offered() -> Response {
    let body = "<!doctype html><html lang=en><meta charset=utf-8>\
        <title>Paid tiers are granted by the publication</title>\
        <h1>Paid tiers are granted by the publication</h1>\
        <p>This site does not take payments online. To join a paid tier, please contact \
        the publication, which can grant it to you.</p><p><a href=\"/\">Back to the site</a></p>";
    let mut r = (StatusCode::CONFLICT, Html(body)).into_response();
    r.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
    r
}

/// Makes the tier's Stripe product and the price for `cadence` on first use and keeps them.
async fn ensure_prices(
    state: &AppState,
    stripe: &Stripe,
    tier: &byline_core::members::Tier,
    mut prices: TierPrices,
    (interval, amount): (&str, i64),
) -> Result<TierPrices, WebError> {
    let have = if interval == "month" { &prices.monthly } else { &prices.yearly };
    if have.is_some() {
        return Ok(prices);
    }
    let product = match prices.product.clone() {
        Some(p) => p,
        None => {
            let p = stripe
                .create_product(&tier.name, tier.description.as_deref(), &tier.slug)
                .await
                .map_err(stripe_failed)?;
            p.id
        }
    };
    let price = stripe
        .create_price(&product, amount, &tier.currency, interval)
        .await
        .map_err(stripe_failed)?;
    prices.product = Some(product);
    if interval == "month" {
        prices.monthly = Some(price.id);
    } else {
        prices.yearly = Some(price.id);
    }
    Ok(state.store.keep_tier_stripe_prices(&tier.slug, &prices).await?)
}

/// A bad checkout form, named by field (the public site shows the message as it is).
fn invalid(field: &str, message: &str) -> WebError {
    WebError::BadRequest(format!("{field}: {message}"))
}

fn stripe_failed(e: byline_stripe::StripeError) -> WebError {
    WebError::Internal(e.to_string())
}
