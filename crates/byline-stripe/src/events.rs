//! The parts of Stripe's webhook events Byline reads. Everything else in an event is left
//! alone, so new fields Stripe adds change nothing. Ids that Stripe may send either as a
//! string or as an expanded object are read both ways.

use serde::{Deserialize, Deserializer};
use std::collections::HashMap;

/// One webhook event: its id (what makes handling it idempotent), its type and its object.
#[derive(Debug, Clone, Deserialize)]
pub struct Event {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub data: EventData,
}

#[derive(Debug, Clone, Deserialize)]
pub struct EventData {
    pub object: serde_json::Value,
}

impl Event {
    /// The event's object as `T`, or what is wrong with it.
    pub fn object<T: serde::de::DeserializeOwned>(&self) -> Result<T, String> {
        serde_json::from_value(self.data.object.clone())
            .map_err(|e| format!("{} event {}: data.object: {e}", self.kind, self.id))
    }
}

/// A Checkout session (`checkout.session.completed`).
#[derive(Debug, Clone, Deserialize)]
pub struct CheckoutSession {
    pub id: String,
    #[serde(default)]
    pub mode: Option<String>,
    #[serde(default, deserialize_with = "id_or_object")]
    pub customer: Option<String>,
    #[serde(default)]
    pub customer_email: Option<String>,
    #[serde(default)]
    pub customer_details: Option<CustomerDetails>,
    #[serde(default)]
    pub client_reference_id: Option<String>,
    #[serde(default)]
    pub metadata: HashMap<String, String>,
    #[serde(default, deserialize_with = "id_or_object")]
    pub subscription: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct CustomerDetails {
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
}

impl CheckoutSession {
    /// The address the customer paid with.
    pub fn email(&self) -> Option<&str> {
        self.customer_details
            .as_ref()
            .and_then(|d| d.email.as_deref())
            .or(self.customer_email.as_deref())
    }
}

/// A subscription (`customer.subscription.*`, and as read from the API).
#[derive(Debug, Clone, Deserialize)]
pub struct Subscription {
    pub id: String,
    #[serde(default, deserialize_with = "id_or_object")]
    pub customer: Option<String>,
    pub status: String,
    pub items: Items,
    /// Where API versions before 2025-03-31 keep the period's end.
    #[serde(default)]
    pub current_period_end: Option<i64>,
    #[serde(default)]
    pub ended_at: Option<i64>,
    #[serde(default)]
    pub metadata: HashMap<String, String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Items {
    pub data: Vec<SubscriptionItem>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct SubscriptionItem {
    pub price: ItemPrice,
    /// Where later API versions keep the period's end.
    #[serde(default)]
    pub current_period_end: Option<i64>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ItemPrice {
    pub id: String,
    #[serde(default)]
    pub unit_amount: Option<i64>,
    pub currency: String,
    #[serde(default)]
    pub recurring: Option<Recurring>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Recurring {
    pub interval: String,
}

impl Subscription {
    /// The first (for Byline, the only) item.
    pub fn item(&self) -> Option<&SubscriptionItem> {
        self.items.data.first()
    }

    /// When the period paid for ends (unix seconds), in either API version's place.
    pub fn period_end(&self) -> Option<i64> {
        self.item().and_then(|i| i.current_period_end).or(self.current_period_end)
    }
}

/// An invoice (`invoice.paid`, `invoice.payment_failed`).
#[derive(Debug, Clone, Deserialize)]
pub struct Invoice {
    pub id: String,
    #[serde(default, deserialize_with = "id_or_object")]
    pub customer: Option<String>,
    /// Where API versions before 2025-03-31 name the subscription.
    #[serde(default, deserialize_with = "id_or_object")]
    pub subscription: Option<String>,
    #[serde(default)]
    pub parent: Option<serde_json::Value>,
    #[serde(default)]
    pub amount_paid: i64,
    #[serde(default)]
    pub amount_due: i64,
    pub currency: String,
}

impl Invoice {
    /// The subscription this invoice bills, in either API version's place.
    pub fn subscription_id(&self) -> Option<String> {
        self.subscription.clone().or_else(|| {
            let s = self.parent.as_ref()?.pointer("/subscription_details/subscription")?;
            s.as_str().map(str::to_owned).or_else(|| s.get("id")?.as_str().map(str::to_owned))
        })
    }
}

fn id_or_object<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let v = Option::<serde_json::Value>::deserialize(d)?;
    Ok(match v {
        Some(serde_json::Value::String(s)) => Some(s),
        Some(serde_json::Value::Object(o)) => {
            o.get("id").and_then(|i| i.as_str()).map(str::to_owned)
        }
        _ => None,
    })
}
