//! Before a member is deleted (by themselves or by staff), their live Stripe subscriptions
//! are cancelled, so nobody keeps paying for an account that no longer exists. If Stripe
//! cannot be reached or refuses, nothing is deleted and the caller says why.

use crate::AppState;
use byline_core::members::{GrantSource, Member};

/// Cancels every live Stripe subscription `m` holds; `Err` says why one could not be.
pub(crate) async fn end_subscriptions(state: &AppState, m: &Member) -> Result<(), String> {
    let now = chrono::Utc::now();
    let live: Vec<&str> = m
        .grants
        .iter()
        .filter(|g| g.source == GrantSource::Stripe && g.is_current(now))
        .filter_map(|g| g.stripe_subscription_id.as_deref())
        .collect();
    if live.is_empty() {
        return Ok(());
    }
    let Some(stripe) = state.stripe.clone() else {
        return Err("this member pays through Stripe, which is not set up on this site, so the \
                    subscription cannot be cancelled here; cancel it in Stripe's dashboard \
                    first. Nothing was deleted."
            .into());
    };
    for id in live {
        match stripe.cancel_subscription(id).await {
            Ok(_) => {}
            // Already gone at Stripe: nothing left to charge.
            Err(byline_stripe::StripeError::Api { status: 404, .. }) => {}
            Err(e) => {
                tracing::warn!(error = %e, "could not cancel a Stripe subscription");
                return Err(format!(
                    "the Stripe subscription could not be cancelled ({e}); nothing was \
                     deleted. Try again in a moment."
                ));
            }
        }
    }
    Ok(())
}
