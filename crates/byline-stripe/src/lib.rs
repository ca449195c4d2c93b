//! Stripe: the API calls Byline makes (customers, a tier's product and prices, Checkout and
//! billing portal sessions, reading a subscription), webhook signatures checked as Stripe
//! documents them, and the few fields of Stripe's event objects Byline reads.
//!
//! This crate speaks HTTP to Stripe and nothing else: it knows neither the store nor the
//! web router (byline-web maps requests onto it, the store keeps what the events say). It
//! depends on no other Byline crate.

mod client;
mod events;
mod signature;

pub use client::{
    CheckoutRequest, Customer, Price, Product, Session, Stripe, StripeConfig, StripeError,
};
pub use events::{CheckoutSession, Event, Invoice, Subscription, SubscriptionItem};
pub use signature::{DEFAULT_TOLERANCE, SignatureError, verify};
