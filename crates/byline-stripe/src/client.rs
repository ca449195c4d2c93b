//! Stripe's API as Byline calls it: form-encoded requests (nested keys such as
//! `line_items[0][price]`), `Authorization: Bearer sk_…`, a fresh `Idempotency-Key` on every
//! POST (so a retried request never makes a second object), and Stripe's own error message
//! passed on when a call is refused.

use crate::events::Subscription;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use std::fmt;
use std::time::Duration;

/// Where Stripe is and the keys to use it.
#[derive(Clone)]
pub struct StripeConfig {
    /// The secret API key (`sk_live_…`, `sk_test_…` or a restricted `rk_…`).
    pub secret_key: String,
    /// The webhook endpoint's signing secret (`whsec_…`).
    pub webhook_secret: String,
    /// `https://api.stripe.com`, or a stand-in in tests.
    pub api_base: String,
}

impl fmt::Debug for StripeConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StripeConfig")
            .field("secret_key", &"<redacted>")
            .field("webhook_secret", &"<redacted>")
            .field("api_base", &self.api_base)
            .finish()
    }
}

/// What went wrong talking to Stripe.
#[derive(Debug, thiserror::Error)]
pub enum StripeError {
    /// Stripe answered with an error object: its status, type and message.
    #[error("Stripe refused {call} ({status} {kind}): {message}")]
    Api { call: String, status: u16, kind: String, message: String },
    /// No answer, or one that is not what Stripe documents.
    #[error("could not reach Stripe for {call}: {detail}")]
    Transport { call: String, detail: String },
}

/// A client for Stripe's API.
#[derive(Clone, Debug)]
pub struct Stripe {
    config: StripeConfig,
    http: reqwest::Client,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Customer {
    pub id: String,
    pub email: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Product {
    pub id: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Price {
    pub id: String,
}

/// A Checkout or billing portal session: where to send the reader.
#[derive(Debug, Clone, Deserialize)]
pub struct Session {
    pub id: String,
    pub url: String,
}

/// A subscription Checkout session to create.
#[derive(Debug, Clone)]
pub struct CheckoutRequest {
    pub price_id: String,
    /// The member's Stripe customer, when they have one; else `customer_email`.
    pub customer: Option<String>,
    pub customer_email: Option<String>,
    pub success_url: String,
    pub cancel_url: String,
    /// Kept on the session and the subscription (`member_id`, `tier`, `cadence`), so the
    /// webhook knows whom and what it is for.
    pub metadata: Vec<(String, String)>,
    /// The member's id, when a signed-in member checks out.
    pub client_reference_id: Option<String>,
}

#[derive(Deserialize)]
struct List<T> {
    data: Vec<T>,
}

#[derive(Deserialize)]
struct ErrorBody {
    error: ErrorObject,
}

#[derive(Deserialize)]
struct ErrorObject {
    #[serde(rename = "type", default)]
    kind: String,
    #[serde(default)]
    message: Option<String>,
}

type Form = Vec<(String, String)>;

fn field(form: &mut Form, k: &str, v: impl Into<String>) {
    form.push((k.to_owned(), v.into()));
}

impl Stripe {
    pub fn new(config: StripeConfig) -> Result<Self, StripeError> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .user_agent(concat!("Byline/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| StripeError::Transport { call: "setup".into(), detail: e.to_string() })?;
        Ok(Self { config, http })
    }

    pub fn config(&self) -> &StripeConfig {
        &self.config
    }

    /// The customer with this email, if Stripe has one (the newest).
    pub async fn find_customer(&self, email: &str) -> Result<Option<Customer>, StripeError> {
        let q = [("email", email), ("limit", "1")];
        let list: List<Customer> = self.get("/v1/customers", &q).await?;
        Ok(list.data.into_iter().next())
    }

    /// Makes a customer for a member (their id in `metadata[member_id]`).
    pub async fn create_customer(
        &self,
        email: &str,
        name: Option<&str>,
        member_id: i64,
    ) -> Result<Customer, StripeError> {
        let mut f = Form::new();
        field(&mut f, "email", email);
        if let Some(n) = name {
            field(&mut f, "name", n);
        }
        field(&mut f, "metadata[member_id]", member_id.to_string());
        self.post("/v1/customers", f).await
    }

    /// Makes the product that stands for a tier (its slug in `metadata[tier]`).
    pub async fn create_product(
        &self,
        name: &str,
        description: Option<&str>,
        tier_slug: &str,
    ) -> Result<Product, StripeError> {
        let mut f = Form::new();
        field(&mut f, "name", name);
        if let Some(d) = description.filter(|d| !d.trim().is_empty()) {
            field(&mut f, "description", d);
        }
        field(&mut f, "metadata[tier]", tier_slug);
        self.post("/v1/products", f).await
    }

    /// Makes a recurring price: `unit_amount` in the currency's smallest unit, `interval`
    /// `month` or `year`.
    pub async fn create_price(
        &self,
        product: &str,
        unit_amount: i64,
        currency: &str,
        interval: &str,
    ) -> Result<Price, StripeError> {
        let mut f = Form::new();
        field(&mut f, "product", product);
        field(&mut f, "unit_amount", unit_amount.to_string());
        field(&mut f, "currency", currency.to_lowercase());
        field(&mut f, "recurring[interval]", interval);
        self.post("/v1/prices", f).await
    }

    /// A Checkout session in subscription mode for one price.
    pub async fn create_checkout_session(
        &self,
        r: &CheckoutRequest,
    ) -> Result<Session, StripeError> {
        let mut f = Form::new();
        field(&mut f, "mode", "subscription");
        field(&mut f, "line_items[0][price]", r.price_id.as_str());
        field(&mut f, "line_items[0][quantity]", "1");
        match (&r.customer, &r.customer_email) {
            (Some(c), _) => field(&mut f, "customer", c.as_str()),
            (None, Some(e)) => field(&mut f, "customer_email", e.as_str()),
            (None, None) => {}
        }
        field(&mut f, "success_url", r.success_url.as_str());
        field(&mut f, "cancel_url", r.cancel_url.as_str());
        if let Some(id) = &r.client_reference_id {
            field(&mut f, "client_reference_id", id.as_str());
        }
        for (k, v) in &r.metadata {
            field(&mut f, &format!("metadata[{k}]"), v.as_str());
            field(&mut f, &format!("subscription_data[metadata][{k}]"), v.as_str());
        }
        self.post("/v1/checkout/sessions", f).await
    }

    /// A billing portal session, where a customer manages or cancels what they pay for.
    pub async fn create_portal_session(
        &self,
        customer: &str,
        return_url: &str,
    ) -> Result<Session, StripeError> {
        let mut f = Form::new();
        field(&mut f, "customer", customer);
        field(&mut f, "return_url", return_url);
        self.post("/v1/billing_portal/sessions", f).await
    }

    /// One subscription, as it is now.
    pub async fn subscription(&self, id: &str) -> Result<Subscription, StripeError> {
        if id.is_empty() || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
            return Err(StripeError::Transport {
                call: "GET /v1/subscriptions".into(),
                detail: format!("{id:?} is not a subscription id"),
            });
        }
        self.get(&format!("/v1/subscriptions/{id}"), &[]).await
    }

    /// Cancels a subscription at once (`DELETE /v1/subscriptions/{id}`): no further charges.
    pub async fn cancel_subscription(&self, id: &str) -> Result<Subscription, StripeError> {
        if id.is_empty() || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
            return Err(StripeError::Transport {
                call: "DELETE /v1/subscriptions".into(),
                detail: format!("{id:?} is not a subscription id"),
            });
        }
        let path = format!("/v1/subscriptions/{id}");
        let req = self.http.delete(self.url(&path));
        self.send(format!("DELETE {path}"), req).await
    }

    async fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, &str)],
    ) -> Result<T, StripeError> {
        let mut url = self.url(path);
        if !query.is_empty() {
            url.push('?');
            url.push_str(
                &url::form_urlencoded::Serializer::new(String::new()).extend_pairs(query).finish(),
            );
        }
        let req = self.http.get(url);
        self.send(format!("GET {path}"), req).await
    }

    async fn post<T: DeserializeOwned>(&self, path: &str, form: Form) -> Result<T, StripeError> {
        let body = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(form).finish();
        let req = self
            .http
            .post(self.url(path))
            .header("Idempotency-Key", uuid::Uuid::new_v4().to_string())
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(body);
        self.send(format!("POST {path}"), req).await
    }

    async fn send<T: DeserializeOwned>(
        &self,
        call: String,
        req: reqwest::RequestBuilder,
    ) -> Result<T, StripeError> {
        let transport = |detail: String| StripeError::Transport { call: call.clone(), detail };
        let res = req
            .bearer_auth(&self.config.secret_key)
            .send()
            .await
            .map_err(|e| transport(e.to_string()))?;
        let status = res.status();
        let bytes = res.bytes().await.map_err(|e| transport(e.to_string()))?;
        if !status.is_success() {
            let (kind, message) = match serde_json::from_slice::<ErrorBody>(&bytes) {
                Ok(b) => (b.error.kind, b.error.message.unwrap_or_default()),
                Err(_) => {
                    (String::new(), String::from_utf8_lossy(&bytes).chars().take(200).collect())
                }
            };
            return Err(StripeError::Api { call, status: status.as_u16(), kind, message });
        }
        serde_json::from_slice(&bytes).map_err(|e| transport(format!("unexpected answer: {e}")))
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.config.api_base.trim_end_matches('/'))
    }
}
